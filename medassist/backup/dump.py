"""Making a backup while the app runs.

SQLite: the online backup API (`sqlite3.Connection.backup`), a consistent copy of the
database file even while others write. PostgreSQL: `pg_dump --format=custom` inside an
exported snapshot, whose row counts are taken in the same snapshot."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from medassist.backup.manifest import Manifest, row_counts, sha256_of

SUFFIX = {"sqlite": ".sqlite3", "postgresql": ".pgdump"}


class BackupFailed(Exception):
    pass


def default_path(folder: Path) -> Path:
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    return folder / f"medassist-{stamp}{SUFFIX.get(connection.vendor, '.backup')}"


def pg_environment() -> dict[str, str]:
    """libpq's environment for pg_dump/pg_restore: the password never on a command line."""
    s = connection.settings_dict
    env = dict(os.environ)
    for name, value in (
        ("PGHOST", s.get("HOST")),
        ("PGPORT", s.get("PORT")),
        ("PGUSER", s.get("USER")),
        ("PGPASSWORD", s.get("PASSWORD")),
        ("PGDATABASE", s.get("NAME")),
        ("PGSSLMODE", (s.get("OPTIONS") or {}).get("sslmode")),
    ):
        if value:
            env[name] = str(value)
    return env


def backup(path: Path) -> Manifest:
    """Write a backup of the database to `path` and its manifest next to it."""
    if path.exists():
        raise BackupFailed(f"{path} exists already; choose another name.")
    path.parent.mkdir(parents=True, exist_ok=True)
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        tables = _sqlite(path)
    elif connection.vendor == "postgresql":
        tables = _postgresql(path)
    else:
        raise BackupFailed(f"No backup for the {connection.vendor} engine.")
    manifest = Manifest(
        vendor=connection.vendor,
        created_at=timezone.now().isoformat(timespec="seconds"),
        bytes=path.stat().st_size,
        sha256=sha256_of(path),
        tables=tables,
    )
    manifest.write(path)
    return manifest


def _sqlite(path: Path) -> dict[str, int]:
    with contextlib.closing(sqlite3.connect(path)) as target:
        connection.connection.backup(target)
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as copy:
        return row_counts(copy.cursor(), "sqlite")


def _postgresql(path: Path) -> dict[str, int]:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        tables = row_counts(cursor, "postgresql")
        done = subprocess.run(
            ["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={path}"],
            env=pg_environment(),
            capture_output=True,
            text=True,
        )
    if done.returncode != 0:
        path.unlink(missing_ok=True)
        raise BackupFailed(f"pg_dump failed: {done.stderr.strip()}")
    return tables
