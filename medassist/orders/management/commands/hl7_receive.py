"""`medassist hl7-receive FILE... --as USERNAME [--json]`

Files the ORU^R01 results in each file as USERNAME (a medical assistant or physician of the
clinic: the interface account), exactly as the file drop and MLLP adapters do: matched to
patient and order, or held in the unmatched queue; duplicates file nothing. Prints one line
per message (state, control id, results filed, the reason when held or refused) and exits
non-zero if any message was refused."""

from __future__ import annotations

import json
import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from medassist.core.errors import ApplicationError
from medassist.orders.ingest import receive
from medassist.practice.roles import can


class Command(BaseCommand):
    help = "File HL7 v2 ORU^R01 result files as a staff member (the interface account)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+")
        parser.add_argument("--as", dest="as_user", required=True, help="username filing them")
        parser.add_argument("--json", action="store_true", help="one JSON object per line")

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["as_user"]).first()
        if user is None:
            raise CommandError(f"No user {options['as_user']!r}.")
        if not (can(user, "result.receive") and can(user, "chart.edit")):
            raise CommandError(f"{user.username} ({user.role}) may not file results.")
        refused = 0
        for path in options["files"]:
            try:
                with open(path, "rb") as fh:
                    data = fh.read()
            except OSError as exc:
                rows = [{"file": path, "state": "rejected", "error": f"cannot be read: {exc}"}]
            else:
                try:
                    outcomes = receive(actor=user, data=data)
                except ApplicationError as exc:
                    raise CommandError(exc.message) from exc
                rows = [
                    {
                        "file": path,
                        "state": o.state,
                        "control_id": o.control_id,
                        "results": o.results,
                        **({"error": o.error} if o.error else {}),
                    }
                    for o in outcomes
                ]
            for row in rows:
                if row["state"] in ("rejected", "error"):
                    refused += 1
                if options["json"]:
                    self.stdout.write(json.dumps(row, ensure_ascii=False))
                else:
                    why = f": {row['error']}" if row.get("error") else ""
                    self.stdout.write(
                        f"{path}: {row['state']} {row.get('control_id', '')} "
                        f"({row.get('results', 0)} result(s)){why}"
                    )
        if refused:
            self.stderr.write(f"{refused} message(s) refused.")
            sys.exit(1)
