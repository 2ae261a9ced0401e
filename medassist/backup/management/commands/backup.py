"""`medassist backup [--output PATH]`: a consistent backup while the app runs, and its
manifest (`PATH.json`: size, SHA-256, row counts) next to it."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from medassist.backup.dump import BackupFailed, backup, default_path
from medassist.backup.manifest import manifest_path


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite: the online backup API; PostgreSQL: pg_dump, custom "
        "format) with a manifest of row counts. Safe while the app runs."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help="The backup file to write (default MEDASSIST_BACKUP_DIR/medassist-<time>.*).",
        )

    def handle(self, *args, output: Path | None = None, **options):
        path = (output or default_path(Path(settings.MEDASSIST_BACKUP_DIR))).resolve()
        try:
            manifest = backup(path)
        except (BackupFailed, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {manifest.vendor} to {path} ({manifest.bytes:,} bytes): "
                f"{len(manifest.tables)} tables, {manifest.rows:,} rows."
            )
        )
        self.stdout.write(f"Manifest: {manifest_path(path)} (sha256 {manifest.sha256}).")
