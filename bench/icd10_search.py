"""ICD-10-CM search benchmark: our indexed search against a plain linear scan in Python.

    .venv/bin/python bench/icd10_search.py                       # SQLite file in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/icd10_search.py                   # PostgreSQL

Loads the whole April 2026 release into a scratch database (SQLite: /tmp/medassist_bench.sqlite3;
PostgreSQL: a database `medassist_bench` created next to the one in DATABASE_URL and dropped at
the end), then runs a fixed list of typeahead queries many times through
`icd10_search(query=..., limit=20)` — the same call the typeahead view and the API make — and
the same queries through a linear scan over the same rows held in a Python list. Prints
p50/p95/max in milliseconds. Results go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scratch import drop_scratch, percentile  # noqa: E402 - bench/ is on the path when run

SQLITE_PATH = Path(tempfile.gettempdir()) / "medassist_bench.sqlite3"
BENCH_DB = "medassist_bench"

# What a person types, keystroke by keystroke (from the second character), then whole queries.
TYPED = ["type 2 diabetes", "hypertension", "fract fem", "low back pain", "E11.65", "j06.9"]
CODE_PREFIXES = ["E1", "E11", "E11.", "e119", "I1", "I10", "S72", "S72.0", "M54.5", "Z00.0"]
WORD_PREFIXES = ["diab", "hypert", "fract fem", "asth", "pneu", "hyperlip", "ca", "dep", "ot"]
PHRASES = [
    "diabetes type 2",
    "type 2 diabetic kidney",
    "fractures of femur",
    "high blood pressure",
    "acute upper respiratory infection",
    "chronic kidney disease stage 3",
    "major depressive disorder recurrent",
    "urinary tract infection",
    "chest pain",
    "copd",
    "htn",
    "sore throat",
    "left right",
    "asthma fracture",
]


def typed_prefixes() -> list[str]:
    out = []
    for phrase in TYPED:
        out.extend(phrase[:n] for n in range(2, len(phrase) + 1) if not phrase[:n].endswith(" "))
    return out


def queries() -> dict[str, list[str]]:
    return {
        "code prefixes": CODE_PREFIXES,
        "word prefixes": WORD_PREFIXES,
        "multi-word": PHRASES,
        "typed keystroke by keystroke": typed_prefixes(),
    }


def prepare_database(keep: bool) -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        os.environ["MEDASSIST_SQLITE_PATH"] = str(SQLITE_PATH)
        return f"SQLite file {SQLITE_PATH}"
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
    parts = urlsplit(url)
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{BENCH_DB}"))
    return f"PostgreSQL database {BENCH_DB} (created for this run)"


def drop_database(original_url: str) -> None:
    drop_scratch(original_url, SQLITE_PATH, BENCH_DB)


class LinearScan:
    """The baseline: every row in a Python list, each query a full pass, then a sort."""

    CODE = re.compile(r"^[A-Z][0-9][0-9A-Z]?(\.?[0-9A-Z]{0,4})$")

    def __init__(self):
        from medassist.coding.models import Icd10cmCode

        self.rows = [
            (code, compact, (desc + " " + incl).lower(), rank, key)
            for code, compact, desc, incl, rank, key in Icd10cmCode.objects.values_list(
                "code", "code_compact", "description", "inclusion_terms", "rank_class", "sort_key"
            )
        ]

    def search(self, query: str, limit: int = 20) -> list[str]:
        q = query.strip()
        if self.CODE.match(q.upper()):
            prefix = q.upper().replace(".", "")
            hits = [r for r in self.rows if r[1].startswith(prefix)]
        else:
            words = [w for w in re.findall(r"[a-z0-9]+", q.lower()) if len(w) > 1 or w.isdigit()]
            hits = [r for r in self.rows if words and all(w in r[2] for w in words)]
        hits.sort(key=lambda r: (r[3], r[4]))
        return [r[0] for r in hits[:limit]]


def timed(fn, query: str) -> float:
    start = time.perf_counter()
    fn(query)
    return (time.perf_counter() - start) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=30, help="times each query runs")
    parser.add_argument("--baseline-rounds", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--per-query", action="store_true", help="print each query's times")
    args = parser.parse_args()

    original_url = os.environ.get("DATABASE_URL", "").strip()
    where = prepare_database(args.keep)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medassist.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from medassist.coding.selectors import icd10_search
    from medassist.coding.services import icd10cm_load

    try:
        call_command("migrate", verbosity=0)
        load_avg = os.getloadavg()
        first = icd10cm_load()
        second = icd10cm_load()
        engine = connection.vendor
        version = connection.cursor().connection.__class__.__module__
        if engine == "sqlite":
            import sqlite3

            version = f"SQLite {sqlite3.sqlite_version}"
        else:
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                version = f"PostgreSQL {cursor.fetchone()[0]}"
        print(f"# ICD-10-CM search benchmark — {version}, {where}")
        cpu = next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        print(
            f"machine: {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}; "
            f"load average at start {load_avg[0]:.2f}"
        )
        print(
            f"load: first {first.seconds:.1f} s ({first.codes_total} codes, "
            f"{first.postings_created} index entries, {first.words_created} words); "
            f"second {second.seconds:.1f} s, changed nothing: {not second.changed}"
        )

        def ours(q):
            return icd10_search(query=q, limit=20)

        baseline = LinearScan()
        groups = queries()
        for group in groups.values():  # warm caches and connections
            for q in group:
                ours(q)
        all_ours: list[float] = []
        all_scan: list[float] = []
        per_query: list[tuple[float, str]] = []
        print()
        print("| queries | n | ours p50 | ours p95 | ours max | scan p50 | scan p95 | scan max |")
        print("|---|---|---|---|---|---|---|---|")
        for name, group in groups.items():
            mine: list[float] = []
            scan: list[float] = []
            for q in group:
                times = [timed(ours, q) for _ in range(args.rounds)]
                mine.extend(times)
                per_query.append((percentile(times, 95), q))
                if args.per_query:
                    print(
                        f"  {q!r}: p50 {statistics.median(times):.1f} p95 "
                        f"{percentile(times, 95):.1f} ({len(ours(q))} results)"
                    )
                scan.extend(timed(baseline.search, q) for _ in range(args.baseline_rounds))
            all_ours.extend(mine)
            all_scan.extend(scan)
            print(
                f"| {name} | {len(group)} | {statistics.median(mine):.1f} | "
                f"{percentile(mine, 95):.1f} | {max(mine):.1f} | {statistics.median(scan):.1f} "
                f"| {percentile(scan, 95):.1f} | {max(scan):.1f} |"
            )
        print(
            f"| **all** | {sum(len(g) for g in groups.values())} | "
            f"**{statistics.median(all_ours):.1f}** | **{percentile(all_ours, 95):.1f}** | "
            f"{max(all_ours):.1f} | {statistics.median(all_scan):.1f} | "
            f"{percentile(all_scan, 95):.1f} | {max(all_scan):.1f} |"
        )
        print()
        print(
            f"ours: {len(all_ours)} calls ({args.rounds} per query); linear scan: "
            f"{len(all_scan)} calls ({args.baseline_rounds} per query); times in ms"
        )
        slowest = sorted(per_query, reverse=True)[:5]
        print("slowest queries (ours, p95 ms): " + ", ".join(f"{q!r} {t:.1f}" for t, q in slowest))
        print(f"load average at end {os.getloadavg()[0]:.2f}")
    finally:
        if not args.keep:
            drop_database(original_url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
