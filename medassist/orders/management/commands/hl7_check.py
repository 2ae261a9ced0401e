"""`medassist hl7-check FILE... [--json]`

Parses each HL7 v2 message file without filing anything and reports, per file, the message
type, control id, PID-3 patient identifiers and the number of OBX results, or the fault that
stops it being read (naming the segment). With --json, one JSON object per line:
`{"file": ..., "type": "ORU^R01", "control_id": ..., "patient_ids": [...], "results": N}` or
`{"file": ..., "error": "..."}`; a batch file holding several messages gives one line per
message, each with "message": its position. Exits non-zero if any file has an error."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand

from medassist.orders.hl7 import check_file


class Command(BaseCommand):
    help = "Parse HL7 v2 message files (nothing is filed) and report type, ids and results."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="HL7 v2 message files (ER7 text)")
        parser.add_argument("--json", action="store_true", help="one JSON object per line")

    def handle(self, *args, **options):
        failed = 0
        for path in options["files"]:
            for row in check_file(path):
                if "error" in row:
                    failed += 1
                if options["json"]:
                    self.stdout.write(json.dumps(row, ensure_ascii=False))
                elif "error" in row:
                    self.stdout.write(f"{row['file']}: ERROR {row['error']}")
                else:
                    ids = ", ".join(row["patient_ids"]) or "no patient id"
                    where = f" message {row['message']}" if "message" in row else ""
                    self.stdout.write(
                        f"{row['file']}{where}: {row['type']} control id {row['control_id']}, "
                        f"patient {ids}, {row['results']} result(s)"
                    )
        if failed:
            self.stderr.write(f"{failed} file(s) or message(s) could not be read.")
            sys.exit(1)
