"""`medassist suggest-codes FILE.txt [--json] [--explain]`: ranked ICD-10-CM suggestions."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from medassist.billing import suggest


class Command(BaseCommand):
    help = (
        "Suggest billable ICD-10-CM codes (at most 20, best first) for a clinical text file. "
        "Suggestions for a coder to accept or reject; nothing is filed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--json", action="store_true", help='Print {"codes": [...]}.')
        parser.add_argument(
            "--explain", action="store_true", help="Also the words that led to each code."
        )

    def handle(self, *args, file: Path, json: bool = False, explain: bool = False, **options):
        try:
            raw = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from exc
        if b"\x00" in raw:
            raise CommandError(f"{file} is not a text file.")
        document = raw.decode("utf-8", errors="replace")
        found = suggest.suggest(document)
        if json:
            body: dict = {"codes": [s.code for s in found]}
            if explain:
                body["suggestions"] = [s.as_dict() for s in found]
            self.stdout.write(_dumps(body))
            return
        if not found:
            self.stdout.write("No suggestions.")
        for s in found:
            self.stdout.write(f"{s.code:<9} {s.title}  [{'; '.join(s.evidence)}]")


def _dumps(body: dict) -> str:
    return json.dumps(body, ensure_ascii=False)
