"""FHIR server benchmark: Patient/$everything for a patient with a long record, and search
pages, through the whole HTTP stack (Django test client, bearer token, audit included).

    .venv/bin/python bench/fhir_server.py                        # SQLite file in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/fhir_server.py                    # PostgreSQL

Builds a scratch database (SQLite: /tmp/medassist_bench_fhir.sqlite3; PostgreSQL: a database
`medassist_bench_fhir` created next to the one in DATABASE_URL and dropped at the end) with one
clinic, `--patients` patients, and one patient with `--encounters` encounters, four results per
encounter, a vitals set per encounter (8 measurements each) and 50 other chart items. Prints
p50/max milliseconds, response size and SQL queries per request. Results go in
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scratch import drop_scratch  # noqa: E402 - bench/ is on the path when run

SQLITE_PATH = Path(tempfile.gettempdir()) / "medassist_bench_fhir.sqlite3"
BENCH_DB = "medassist_bench_fhir"


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
    os.environ["DATABASE_URL"] = urlunsplit(urlsplit(url)._replace(path=f"/{BENCH_DB}"))
    return f"PostgreSQL database {BENCH_DB} (created for this run)"


def drop_database(original_url: str, keep: bool) -> None:
    if not keep:
        drop_scratch(original_url, SQLITE_PATH, BENCH_DB)


def build(patients: int, encounters: int):
    """The clinic, its staff, the other patients, and the long record (bulk-inserted rows)."""
    from django.utils import timezone

    from medassist.intake.models import Vitals
    from medassist.records import services as chart
    from medassist.records.models import Encounter, Observation
    from tests import factories

    clinic = factories.make_clinic()
    desk = factories.make_user(clinic, "front_desk", "bench_desk")
    doctor = factories.make_user(clinic, "physician", "bench_doctor")
    provider = factories.make_provider(clinic, user=doctor, npi="1234567893")
    for i in range(patients):
        factories.make_patient(desk, first_name=f"Pat{i}", last_name=f"Bench{i:05d}")
    patient = factories.make_patient(desk, first_name="Long", last_name="Record")
    now = timezone.now()
    stamp = {"created_by": doctor, "updated_by": doctor}
    rows = Encounter.objects.bulk_create(
        Encounter(
            patient=patient,
            provider=provider,
            start=now - dt.timedelta(days=i + 1),
            end=now - dt.timedelta(days=i + 1) + dt.timedelta(minutes=20),
            type_display="Office visit",
            status="finished",
            **stamp,
        )
        for i in range(encounters)
    )
    Observation.objects.bulk_create(
        Observation(
            patient=patient,
            encounter=enc,
            code_system="loinc",
            code=code,
            display=name,
            effective_at=enc.start,
            value_quantity=Decimal(value),
            value_unit=unit,
            **stamp,
        )
        for enc in rows
        for code, name, value, unit in (
            ("2345-7", "Glucose", "98", "mg/dL"),
            ("4548-4", "Hemoglobin A1c", "6.1", "%"),
            ("2093-3", "Cholesterol", "180", "mg/dL"),
            ("718-7", "Hemoglobin", "13.9", "g/dL"),
        )
    )
    Vitals.objects.bulk_create(
        Vitals(
            patient=patient,
            taken_at=enc.start,
            recorded_by=doctor,
            bp_systolic=120,
            bp_diastolic=80,
            pulse=70,
            respiratory_rate=14,
            temperature_c=Decimal("36.8"),
            spo2=98,
            weight_kg=Decimal("80.0"),
            height_cm=Decimal("178.0"),
            bmi=Decimal("25.2"),
            **stamp,
        )
        for enc in rows
    )
    for i in range(25):
        chart.medication_create(actor=doctor, patient=patient, drug_name=f"Drug {i}")
        chart.immunization_create(
            actor=doctor,
            patient=patient,
            cvx_code="140",
            occurrence_date=dt.date(2000, 1, 1) + dt.timedelta(days=365 * i // 2),
        )
    return desk, doctor, patient


def measure(client, headers, path, params, rounds):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, size, queries = [], 0, 0
    for _ in range(rounds):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(path, params, headers=headers)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.content[:300]
        size, queries = len(response.content), len(ctx.captured_queries)
    return statistics.median(times), max(times), size, queries


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--encounters", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()

    original_url = os.environ.get("DATABASE_URL", "").strip()
    where = prepare_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medassist.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from medassist.practice.models import ApiToken

    try:
        call_command("migrate", verbosity=0)
        setup_test_environment()  # the test client's host is allowed
        load_avg = os.getloadavg()
        started = time.perf_counter()
        desk, doctor, patient = build(args.patients, args.encounters)
        built = time.perf_counter() - started
        if connection.vendor == "sqlite":
            import sqlite3

            version = f"SQLite {sqlite3.sqlite_version}"
        else:
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                version = f"PostgreSQL {cursor.fetchone()[0]}"
        print(f"# FHIR server benchmark — {version}, {where}")
        print(
            f"machine: {os.cpu_count()} cores, Python {platform.python_version()}; load average "
            f"at start {load_avg[0]:.2f}; data built in {built:.1f} s"
        )
        _, key = ApiToken.issue(doctor, "bench")
        headers = {"Authorization": f"Bearer {key}"}
        client = Client()
        pid = str(patient.public_id)
        cases = [
            ("Patient/$everything", f"/fhir/r4/Patient/{pid}/$everything", {}),
            (
                "Observation?patient, 50 a page",
                "/fhir/r4/Observation",
                {"patient": pid, "_count": "50"},
            ),
            (
                "Observation?patient, last page",
                "/fhir/r4/Observation",
                {"patient": pid, "_count": "50", "_offset": str(args.encounters * 12 - 50)},
            ),
            (
                "Observation?code=8867-4 (vitals), 50",
                "/fhir/r4/Observation",
                {"patient": pid, "code": "http://loinc.org|8867-4", "_count": "50"},
            ),
            (
                "Patient?name=bench, 50 a page",
                "/fhir/r4/Patient",
                {"name": "bench", "_count": "50"},
            ),
            ("Patient/[id] read", f"/fhir/r4/Patient/{pid}", {}),
        ]
        print(
            f"{args.patients + 1} patients; the long record: {args.encounters} encounters, "
            f"{args.encounters * 4} results, {args.encounters} vitals sets, 50 other items"
        )
        print(f"{'request':40} {'p50 ms':>8} {'max ms':>8} {'bytes':>10} {'queries':>8}")
        for label, path, params in cases:
            client.get(path, params, headers=headers)  # warm
            p50, worst, size, queries = measure(client, headers, path, params, args.rounds)
            print(f"{label:40} {p50:8.1f} {worst:8.1f} {size:10,d} {queries:8d}")
    finally:
        drop_database(original_url, args.keep)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
