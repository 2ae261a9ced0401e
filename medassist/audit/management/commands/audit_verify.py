"""`medassist audit-verify [--clinic NAME] [--json]`: seal what has settled, then walk every
chain; exit status 0 when intact, 1 when not (naming each chain's first broken row)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from medassist.audit.chain import audit_seal, chain_ids
from medassist.audit.verify import Report, clinic_ids_named, verify


class Command(BaseCommand):
    help = (
        "Check the audit trail's hash chains and signed checkpoints: names the first edited, "
        "deleted or reordered row of each clinic's chain. Exit status 1 if any is broken."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--clinic", help="Only this clinic's chain (its name).")
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="Print the result as JSON."
        )

    def handle(self, *args, clinic: str | None = None, as_json: bool = False, **options):
        sealed = audit_seal(checkpoint=True)
        report = verify(clinic_ids=self._clinic_ids(clinic) if clinic else chain_ids())
        if as_json:
            self.stdout.write(self._json(report, sealed))
        else:
            self._print(report, sealed)
        if not report.intact:
            raise CommandError("The audit trail is not intact.", returncode=1)

    @staticmethod
    def _clinic_ids(name: str) -> list[int | None]:
        ids = clinic_ids_named(name)
        if not ids:
            raise CommandError(f"No clinic is named {name!r}.")
        return ids

    @staticmethod
    def _json(report: Report, sealed: int) -> str:
        return json.dumps(
            {
                "intact": report.intact,
                "sealed_now": sealed,
                "problems": [p.as_dict() for p in report.problems],
                "chains": [c.as_dict() for c in report.chains],
            },
            indent=2,
        )

    def _print(self, report: Report, sealed: int) -> None:
        self.stdout.write(f"Sealed {sealed} settled event(s) first.")
        for problem in report.problems:
            self.stdout.write(self.style.ERROR(f"BROKEN: {problem.message}"))
        for chain in report.chains:
            last = (
                f"{chain.last_checkpoint:%Y-%m-%d %H:%M:%S} UTC"
                if chain.last_checkpoint
                else "none"
            )
            summary = (
                f"{chain.name}: {chain.sealed} sealed event(s), {chain.checkpoints} "
                f"checkpoint(s), last {last}"
            )
            if chain.problem is None:
                self.stdout.write(self.style.SUCCESS(f"intact  {summary}"))
                continue
            p = chain.problem
            at = f", at {p.at:%Y-%m-%d %H:%M:%S} UTC" if p.at else ""
            ident = f" at event {p.event_id}" if p.event_id is not None else ""
            ident += f" ({p.public_id})" if p.public_id else ""
            self.stdout.write(self.style.ERROR(f"BROKEN  {summary}"))
            self.stdout.write(f"  first problem: {p.code}{ident}{at}: {p.message}")
