from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from medassist.core.errors import ApplicationError
from medassist.patients.imports import patients_import_csv
from medassist.practice.models import User


class Command(BaseCommand):
    help = "Import patients from a CSV file, all or nothing (see docs/patients-import.md)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--as",
            dest="username",
            required=True,
            help="The staff user the import is done as (front desk or admin).",
        )
        parser.add_argument(
            "--allow-duplicates",
            action="store_true",
            help="Import rows that match an existing patient's name and DOB.",
        )

    def handle(self, *args, path: Path, username: str, allow_duplicates: bool, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}.")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from exc
        try:
            report = patients_import_csv(actor=user, data=data, allow_duplicates=allow_duplicates)
        except ApplicationError as exc:
            for line in exc.extra.get("row_errors", []) or [exc.message]:
                self.stderr.write(line)
            raise CommandError(exc.message.split(" | ")[0]) from exc
        self.stdout.write(self.style.SUCCESS(f"Imported {report.imported} patient(s)."))
