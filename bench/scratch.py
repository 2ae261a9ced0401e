"""What the benchmarks here share: removing their scratch database (a SQLite file, or a
PostgreSQL database created next to the one in DATABASE_URL) and the percentile they report.

Imported by the scripts in this folder (`python bench/<script>.py` puts it on the path)."""

from __future__ import annotations

import math
from pathlib import Path


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile: the smallest value with at least p % of the values at or
    below it (p95 of 20 values is the 19th smallest)."""
    ordered = sorted(values)
    rank = math.ceil(p / 100 * len(ordered))
    return ordered[max(0, min(len(ordered) - 1, rank - 1))]


def drop_scratch(original_url: str, sqlite_path: Path, database: str) -> None:
    """Remove the scratch database: the SQLite file and its WAL files when DATABASE_URL was
    empty, else the PostgreSQL database `database` on the server of `original_url`."""
    if not original_url:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(original_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {database}")
