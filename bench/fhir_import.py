"""FHIR bulk import benchmark: the 100-patient Synthea R4 archive into a fresh database.

    .venv/bin/python bench/fhir_import.py                        # SQLite file in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/fhir_import.py                    # PostgreSQL

Creates a scratch database (SQLite: /tmp/medassist_bench_fhirimp.sqlite3; PostgreSQL: a database
`medassist_bench_fhirimp` next to the one in DATABASE_URL, dropped at the end), a clinic and a
clinic admin, then runs `medassist.fhir.importer.import_paths` — what `medassist import-fhir`
runs — on the archive, read as a stream. Prints resources/second (all resources read, and the
ones loaded into the chart), chart rows written, wall and CPU seconds, and the same for a second
import of the same archive (which must load nothing). Then splits the cost: reading + R4B
validation alone, and the records services (one `observation_create` per row, with its history
row and audit event) for a sample of the same observations, against the bulk path. Last, the
work of importing the first bundles again into a second clinic, as Python function calls
(cProfile) and SQL statements: counts the load of a shared machine does not change, to compare
two versions of the code. Results go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scratch import drop_scratch  # noqa: E402 - bench/ is on the path when run

SQLITE_PATH = Path(tempfile.gettempdir()) / "medassist_bench_fhirimp.sqlite3"
BENCH_DB = "medassist_bench_fhirimp"
SHARED = Path(os.environ.get("MEDASSIST_SHARED_DATA", "/work/shared/data"))
ARCHIVE = SHARED / "fhir" / "synthea-r4-dev100.tar.xz"


def prepare_database() -> str:
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


def drop_database(original_url: str, keep: bool) -> None:
    if not keep:
        drop_scratch(original_url, SQLITE_PATH, BENCH_DB)


def db_version() -> str:
    from django.db import connection

    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    load = os.getloadavg()[0]
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, load {load:.2f}"


def timed_import(actor, archive: Path):
    from medassist.fhir.importer import import_paths

    wall, cpu = time.perf_counter(), time.process_time()
    report = import_paths(actor=actor, paths=[archive])
    return report, time.perf_counter() - wall, time.process_time() - cpu


def parse_only(archive: Path) -> tuple[int, float]:
    """Reading the archive, json, and R4B validation of the resource types we load."""
    from medassist.fhir.importer.loader import r4b_validate
    from medassist.fhir.importer.mapping import MAPPERS
    from medassist.fhir.importer.sources import iter_bundles

    n, start = 0, time.process_time()
    for _, raw in iter_bundles([archive]):
        for entry in json.loads(raw)["entry"]:
            res = entry["resource"]
            n += 1
            if res["resourceType"] in MAPPERS or res["resourceType"] == "Patient":
                r4b_validate(res)
    return n, time.process_time() - start


def services_sample(actor_doc, patient, archive: Path, limit: int) -> tuple[int, float]:
    """`observation_create` (the service: checks, save, history row, audit event) per row."""
    from medassist.fhir.importer.mapping import Context, Skip, map_observation
    from medassist.records import services

    rows = []
    with tarfile.open(archive, mode="r|*") as tar:
        for member in tar:
            if not member.isfile() or not member.name.endswith(".json"):
                continue
            data = json.loads(tar.extractfile(member).read())
            ctx = Context(patient_refs=set(), index={})
            for entry in data["entry"]:
                res = entry["resource"]
                if res["resourceType"] != "Observation":
                    continue
                try:
                    rows += [obj for _, obj in map_observation(dict(res, subject=None), ctx)]
                except Skip:
                    continue
            if len(rows) >= limit:
                break
    rows = rows[:limit]
    start = time.process_time()
    for o in rows:
        services.observation_create(
            actor=actor_doc,
            patient=patient,
            display=o.display,
            code=o.code,
            code_system=o.code_system,
            category=o.category,
            effective_at=o.effective_at,
            value_quantity=o.value_quantity,
            value_unit=o.value_unit,
            value_string=o.value_string,
            value_code=o.value_code,
            value_code_system=o.value_code_system,
        )
    return len(rows), time.process_time() - start


def work_sample(archive: Path, limit: int) -> tuple[int, int, int]:
    """Import the first `limit` bundles into a new clinic (so every patient is new there):
    (bundles, Python function calls, SQL statements)."""
    import cProfile
    import pstats

    from django.contrib.auth import get_user_model
    from django.db import connection

    from medassist.fhir.importer import import_bundle
    from medassist.fhir.importer.sources import iter_bundles
    from medassist.practice.models import Clinic

    clinic = Clinic.objects.create(name="Bench Clinic 2", state="MA", mrn_prefix="BD")
    admin = get_user_model().objects.create_user(
        username="bench-admin-2", password="x", clinic=clinic, role="clinic_admin"
    )
    bundles = []
    for source, raw in iter_bundles([archive]):
        bundles.append((source, raw))
        if len(bundles) >= limit:
            break
    statements = 0

    def count(execute, sql, params, many, context):
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    profile = cProfile.Profile()
    with connection.execute_wrapper(count):
        profile.enable()
        for source, raw in bundles:
            import_bundle(actor=admin, source=source, raw=raw)
        profile.disable()
    return len(bundles), pstats.Stats(profile).total_calls, statements  # type: ignore[attr-defined]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--archive", type=Path, default=ARCHIVE)
    parser.add_argument("--service-sample", type=int, default=1000, help="rows via services")
    parser.add_argument("--work-sample", type=int, default=30, help="bundles counted (0: none)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    if not args.archive.exists():
        print(f"{args.archive} not found (set MEDASSIST_SHARED_DATA)", file=sys.stderr)
        return 2

    original_url = os.environ.get("DATABASE_URL", "").strip()
    where = prepare_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medassist.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from medassist.practice.models import Clinic

    try:
        call_command("migrate", verbosity=0)
        clinic = Clinic.objects.create(name="Bench Clinic", state="MA", mrn_prefix="BC")
        users = get_user_model().objects
        admin = users.create_user(
            username="bench-admin", password="x", clinic=clinic, role="clinic_admin",
            first_name="Bench", last_name="Admin",
        )  # fmt: skip
        doc = users.create_user(
            username="bench-doc", password="x", clinic=clinic, role="physician",
            first_name="Bench", last_name="Doctor",
        )  # fmt: skip
        print(f"# FHIR import benchmark — {db_version()}, {where}")
        print(f"machine: {machine()}")
        print(f"archive: {args.archive} ({args.archive.stat().st_size / 1e6:.1f} MB xz)")

        first, wall, cpu = timed_import(admin, args.archive)
        loaded = sum(first.loaded.values())
        print(
            f"first import: {len(first.succeeded)} bundles ok, {len(first.failed)} failed; "
            f"{first.resources:,} resources read ({loaded:,} loaded, "
            f"{sum(first.skipped.values()):,} not imported), {first.rows:,} chart rows"
        )
        print(
            f"  {wall:.1f} s wall, {cpu:.1f} s CPU in the importer process "
            f"→ {first.resources / wall:,.0f} resources/s, {loaded / wall:,.0f} loaded/s, "
            f"{first.rows / wall:,.0f} rows/s"
        )
        print(
            f"  per CPU-second of the (single) importer process: {first.resources / cpu:,.0f} "
            f"resources/s, {loaded / cpu:,.0f} loaded/s, {first.rows / cpu:,.0f} rows/s"
        )
        again, wall2, cpu2 = timed_import(admin, args.archive)
        print(
            f"second import (same archive): {sum(again.loaded.values())} loaded, "
            f"{sum(again.present.values()):,} already present; {wall2:.1f} s wall, "
            f"{cpu2:.1f} s CPU → {again.resources / cpu2:,.0f} resources per CPU-second"
        )
        n, secs = parse_only(args.archive)
        print(
            f"read + json + R4B validation only: {n:,} resources in {secs:.1f} s "
            f"CPU ({n / secs:,.0f}/s) — {secs / cpu:.0%} of the first import's CPU"
        )
        if args.service_sample:
            from medassist.patients.models import Patient

            patient = Patient.objects.filter(clinic=clinic).order_by("id").first()
            rows, secs = services_sample(doc, patient, args.archive, args.service_sample)
            print(
                f"records services, one observation_create per row: {rows} rows in "
                f"{secs:.1f} s CPU ({rows / secs:,.0f} rows per CPU-second) vs the bulk import's "
                f"{first.rows / cpu:,.0f} rows per CPU-second (whole import, parsing included)"
            )
        if args.work_sample:
            n, calls, statements = work_sample(args.archive, args.work_sample)
            print(
                f"work of the first {n} bundles (new patients): {calls:,} Python function calls, "
                f"{statements:,} SQL statements"
            )
    finally:
        drop_database(original_url, args.keep)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
