"""`medassist load_icd10cm`: load the ICD-10-CM April 2026 code set and its search index."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from medassist.coding.services import icd10cm_load
from medassist.core.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "Load every ICD-10-CM code of the April 2026 release (descriptions, inclusion terms, "
        "billable flag, chapter, block, parent) and the search index. Writes only what "
        "differs: running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--codes",
            nargs="+",
            metavar="CODE",
            help="Load only these codes with their descendants and ancestors (e.g. E11 I10).",
        )

    def handle(self, *args, codes: list[str] | None = None, **options):
        try:
            report = icd10cm_load(codes=codes)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        except DatabaseError as exc:
            raise CommandError(
                f"The database refused the load ({exc}). Is it migrated? "
                "Run `medassist migrate` first."
            ) from exc
        for line in report.lines():
            self.stdout.write(line)
        if report.unknown_common:
            self.stderr.write(
                "Common-code list entries not in the release: " + ", ".join(report.unknown_common)
            )
