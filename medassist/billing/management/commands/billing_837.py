"""`medassist billing-837 --check FILE...`: validate 837P files with pyx12."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from medassist.billing import validate


class Command(BaseCommand):
    help = "Validate X12 837P files with pyx12; prints each error with its segment."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument(
            "--check", action="store_true", required=True, help="Validate (the only mode)."
        )

    def handle(self, *args, files: list[Path], **options):
        failed = 0
        for path in files:
            try:
                data = path.read_bytes()
            except OSError as exc:
                self.stdout.write(f"{path}: ERROR cannot read the file: {exc.strerror}.")
                failed += 1
                continue
            problems, note = validate.pyx12_errors(data)
            suffix = f" ({note})" if note else ""
            if not problems:
                self.stdout.write(f"{path}: OK{suffix}")
                continue
            failed += 1
            self.stdout.write(f"{path}: {len(problems)} error(s){suffix}")
            for problem in problems:
                self.stdout.write(f"  {problem}")
        if failed:
            raise CommandError(f"{failed} of {len(files)} file(s) have errors.")
