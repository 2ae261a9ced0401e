"""What a backup holds, written next to it as `<backup>.json`: the engine, the file's size and
SHA-256, and every table's row count, taken from the same consistent snapshot as the backup."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

FORMAT = 1


@dataclass
class Manifest:
    vendor: str
    created_at: str
    bytes: int
    sha256: str
    tables: dict[str, int]
    format: int = FORMAT

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    def write(self, backup: Path) -> Path:
        path = manifest_path(backup)
        path.write_text(json.dumps(asdict(self), indent=2, sort_keys=True) + "\n")
        return path

    @classmethod
    def read(cls, backup: Path) -> Manifest:
        data = json.loads(manifest_path(backup).read_text())
        if data.get("format") != FORMAT:
            raise ValueError(f"unknown manifest format {data.get('format')!r}")
        return cls(**{k: data[k] for k in ("vendor", "created_at", "bytes", "sha256", "tables")})


def manifest_path(backup: Path) -> Path:
    return backup.with_name(backup.name + ".json")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def table_names(cursor, vendor: str) -> list[str]:
    if vendor == "postgresql":
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        )
    else:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite%' ORDER BY 1"
        )
    return [row[0] for row in cursor.fetchall()]


def row_counts(cursor, vendor: str) -> dict[str, int]:
    """Every table's row count, through a DB-API cursor (Django's or sqlite3's)."""
    counts = {}
    for table in table_names(cursor, vendor):
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - names from the catalog
        counts[table] = cursor.fetchone()[0]
    return counts
