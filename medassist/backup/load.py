"""Restoring a backup into a fresh, empty database, then checking it: the file against its
manifest's SHA-256 before, every table's row count against the manifest after."""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.db import connection

from medassist.backup.dump import pg_environment
from medassist.backup.manifest import Manifest, manifest_path, row_counts, sha256_of, table_names


class RestoreRefused(Exception):
    pass


@dataclass
class Restored:
    manifest: Manifest
    counts: dict[str, int]

    @property
    def mismatches(self) -> list[str]:
        names = sorted(set(self.manifest.tables) | set(self.counts))
        return [
            f"{name}: {self.manifest.tables.get(name, 'absent')} in the backup, "
            f"{self.counts.get(name, 'absent')} restored"
            for name in names
            if self.manifest.tables.get(name) != self.counts.get(name)
        ]


def check_backup(path: Path) -> Manifest:
    """The backup's manifest, once the file is known to be the one it describes."""
    if not path.is_file():
        raise RestoreRefused(f"There is no backup at {path}.")
    try:
        manifest = Manifest.read(path)
    except FileNotFoundError:
        raise RestoreRefused(
            f"The manifest {manifest_path(path)} is missing: `medassist backup` writes it next "
            "to the backup, and restore needs it to check the result."
        ) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise RestoreRefused(f"The manifest {manifest_path(path)} is unreadable: {exc}") from exc
    if manifest.vendor != connection.vendor:
        raise RestoreRefused(
            f"This is a {manifest.vendor} backup; the database configured here is "
            f"{connection.vendor}."
        )
    if sha256_of(path) != manifest.sha256:
        raise RestoreRefused(f"{path} is not the file its manifest describes (SHA-256 differs).")
    return manifest


def existing_tables() -> list[str]:
    connection.ensure_connection()
    with connection.cursor() as cursor:
        return table_names(cursor, connection.vendor)


def restore(path: Path, *, force: bool = False) -> Restored:
    manifest = check_backup(path)
    present = existing_tables()
    if present and not force:
        raise RestoreRefused(
            f"The database is not empty ({len(present)} tables). Restore into a fresh, empty "
            "database, or pass --force to replace what it holds."
        )
    if connection.vendor == "sqlite":
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as source:
            source.backup(connection.connection)
    else:
        command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error"]
        command += ["--single-transaction", *(["--clean", "--if-exists"] if present else [])]
        done = subprocess.run(
            [*command, f"--dbname={connection.settings_dict['NAME']}", str(path)],
            env=pg_environment(),
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise RestoreRefused(f"pg_restore failed: {done.stderr.strip()}")
    with connection.cursor() as cursor:
        return Restored(manifest=manifest, counts=row_counts(cursor, connection.vendor))
