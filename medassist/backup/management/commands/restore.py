"""`medassist restore PATH [--force]`: restore a backup into a fresh, empty database, then
check it: row counts against the backup's manifest, and the audit trail (audit-verify)."""

from __future__ import annotations

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from medassist.backup.load import RestoreRefused, restore
from medassist.core.management.commands.serve import unapplied_migrations


class Command(BaseCommand):
    help = (
        "Restore a `medassist backup` into the configured database, which must be empty "
        "(--force replaces what it holds), then check row counts and the audit trail."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path, help="The backup file (its .json manifest beside).")
        parser.add_argument(
            "--force", action="store_true", help="Restore even into a database that has tables."
        )

    def handle(self, *args, path: Path, force: bool = False, **options):
        try:
            restored = restore(path.resolve(), force=force)
        except (RestoreRefused, OSError) as exc:
            raise CommandError(str(exc)) from exc
        m = restored.manifest
        self.stdout.write(
            f"Restored {path} ({m.bytes:,} bytes, SHA-256 as in its manifest; backed up "
            f"{m.created_at})."
        )
        if restored.mismatches:
            for line in restored.mismatches:
                self.stdout.write(self.style.ERROR(f"  row count differs: {line}"))
            raise CommandError("The restored database does not hold what the backup held.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Row counts: all {len(m.tables)} tables match the manifest ({m.rows:,} rows)."
            )
        )
        pending = unapplied_migrations()
        if pending:
            raise CommandError(
                f"The backup predates this version ({pending} migrations to apply): run "
                "`medassist migrate`, then `medassist audit-verify`."
            )
        self.stdout.write("Audit trail (audit-verify):")
        call_command("audit_verify", stdout=self.stdout, stderr=self.stderr)
