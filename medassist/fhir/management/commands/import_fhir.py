"""`medassist import-fhir PATH [PATH...] --clinic <name or id> --as <username>`

Imports FHIR R4 Bundles (one patient each, e.g. Synthea) into the chart. PATH is a .json
Bundle, a directory of them, or a .tar.xz / .tar.gz of them. Each bundle loads in its own
transaction; re-importing the same files creates no duplicates. A report follows."""

from __future__ import annotations

import uuid

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from medassist.core.errors import ApplicationError
from medassist.fhir.importer import PERMISSION, import_paths
from medassist.practice.models import Clinic
from medassist.practice.roles import can


class Command(BaseCommand):
    help = "Import FHIR R4 bundles (.json, a directory, or .tar.xz/.tar.gz) into a clinic."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help=".json Bundle, directory, or .tar.xz/.tar.gz")
        parser.add_argument("--clinic", required=True, help="clinic name or public id")
        parser.add_argument(
            "--as",
            dest="as_user",
            required=True,
            help=f"username of the staff member doing the import (needs {PERMISSION})",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")
        parser.add_argument(
            "--max-details", type=int, default=200, help="single-resource lines in the report"
        )

    def _clinic(self, text: str) -> Clinic:
        try:
            return Clinic.objects.get(public_id=uuid.UUID(text))
        except (ValueError, Clinic.DoesNotExist):
            pass
        matches = list(Clinic.objects.filter(name__iexact=text.strip())[:2])
        if len(matches) != 1:
            raise CommandError(
                f"No clinic named {text!r}." if not matches else f"Two clinics named {text!r}."
            )
        return matches[0]

    def handle(self, *args, **options):
        clinic = self._clinic(options["clinic"])
        user = get_user_model().objects.filter(username=options["as_user"]).first()
        if user is None:
            raise CommandError(f"No user {options['as_user']!r}.")
        if user.clinic_id != clinic.pk:
            raise CommandError(f"{user.username} is not staff of {clinic.name}.")
        if not can(user, PERMISSION):
            raise CommandError(
                f"{user.username} ({user.role}) may not import records; a clinic admin can."
            )
        try:
            report = import_paths(
                actor=user,
                paths=options["paths"],
                progress=not options["no_progress"],
                progress_file=getattr(self.stderr, "_out", None),
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(report.render(max_details=options["max_details"]))
        if report.failed:
            raise CommandError(
                f"{len(report.failed)} bundle(s) failed and loaded nothing (listed above)."
            )
