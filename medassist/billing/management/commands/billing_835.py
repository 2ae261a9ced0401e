"""`medassist billing-835 FILE... [--json]`: read X12 835 remittance files without posting."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from medassist.billing import x835


class Command(BaseCommand):
    help = (
        "Parse X12 835 (5010) remittance files without posting: per file the payer, number of "
        "claim payments (CLP), paid total (sum of CLP04) and adjustment total (sum of CAS)."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--json", action="store_true", help="One JSON object per line.")

    def handle(self, *args, files: list[Path], json: bool = False, **options):
        failed = 0
        for path in files:
            try:
                row = x835.summarize(path, name=str(path))
            except Exception as exc:  # never a traceback: the file is named with the fault
                row = {"file": str(path), "error": f"The file could not be read: {exc}."}
            failed += "error" in row
            self.stdout.write(_json_line(row) if json else _text_line(row))
        if failed:
            raise CommandError(f"{failed} of {len(files)} file(s) could not be read.")


def _json_line(row: dict) -> str:
    return json.dumps(row, ensure_ascii=False)


def _text_line(row: dict) -> str:
    if "error" in row:
        return f"{row['file']}: ERROR {row['error']}"
    return (
        f"{row['file']}: {row['payer']}: {row['claim_payments']} claim payment(s), paid "
        f"{row['paid_total']}, adjusted {row['adjustment_total']}"
    )
