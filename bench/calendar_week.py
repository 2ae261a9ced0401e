"""Week calendar benchmark: time and queries of one provider's week view as the week fills up.

    .venv/bin/python bench/calendar_week.py                      # SQLite file in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/calendar_week.py                  # PostgreSQL

Works on a scratch database (SQLite: /tmp/medassist_bench_calendar.sqlite3; PostgreSQL: a
database `medassist_bench_calendar` created next to the one in DATABASE_URL and dropped at the
end). For each size it fills one provider's week with that many visits (5-minute visits, all
statuses, some double-booked), plus ten times as many for 20 other providers, then requests
`/schedule/calendar/?view=week&provider=...` through Django's test client as the front desk
and prints p50/p95/max milliseconds and the number of SQL queries per page.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SQLITE_PATH = Path(tempfile.gettempdir()) / "medassist_bench_calendar.sqlite3"
BENCH_DB = "medassist_bench_calendar"


def setup_database() -> tuple[str, str | None]:
    url = os.environ.get("DATABASE_URL", "").strip()
    os.environ["MEDASSIST_TESTING"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medassist.settings")
    if not url:
        SQLITE_PATH.unlink(missing_ok=True)
        os.environ["MEDASSIST_SQLITE_PATH"] = str(SQLITE_PATH)
        return "sqlite", None
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{BENCH_DB}"))
    return "postgresql", admin


def fill(provider, others, patients, monday, count, tz, visit_type, location, desk):
    from medassist.scheduling.models import Appointment

    statuses = ["booked"] * 6 + ["cancelled", "checked_out", "no_show", "arrived"]
    rows = []
    now = datetime.now(tz)

    def add(who, n, offset):
        for i in range(n):
            day = monday + timedelta(days=i % 7)
            slot = (i // 7 + offset) % 144
            start = datetime.combine(day, clock(7, 0), tzinfo=tz) + timedelta(minutes=5 * slot)
            rows.append(
                Appointment(
                    clinic_id=desk.clinic_id, patient=patients[i % len(patients)], provider=who,
                    location=location, visit_type=visit_type, start=start,
                    end=start + timedelta(minutes=5), status=statuses[i % len(statuses)],
                    status_changed_at=now, double_booked=(i // 7) >= 144,
                )
            )  # fmt: skip

    add(provider, count, 0)
    for j, other in enumerate(others):
        add(other, count * 10 // len(others), j)
    Appointment.objects.bulk_create(rows, batch_size=1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="25,100,400,1000", help="visits in the provider's week")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    vendor, admin = setup_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client

    from medassist.practice.models import VisitType
    from medassist.scheduling.models import Appointment
    from medassist.scheduling.selectors import clinic_today
    from tests import factories
    from tests.api.conftest import valid_npi

    call_command("migrate", verbosity=0)
    clinic = factories.make_clinic(name="Bench Clinic")
    desk = factories.make_user(clinic, "front_desk", "bench_desk")
    provider = factories.make_provider(clinic)
    others = [factories.make_provider(clinic, npi=valid_npi(900 + i)) for i in range(20)]
    patients = [factories.make_patient(desk) for _ in range(50)]
    visit_type = VisitType.objects.get(clinic=clinic, code="follow-up")
    location = clinic.locations.first()
    tz = clinic.tz
    day = clinic_today(clinic) + timedelta(days=14)
    monday = day - timedelta(days=day.weekday())
    client = Client(HTTP_HOST="localhost")
    client.force_login(desk)
    url = "/schedule/calendar/"
    params = {"view": "week", "date": monday.isoformat(), "provider": str(provider.public_id)}
    machine = f"{platform.machine()} {os.cpu_count()} cores"
    print(f"# {vendor}; {machine}; Python {platform.python_version()}")
    print("| visits in week | visits in DB | p50 ms | p95 ms | max ms | queries |")
    print("|---:|---:|---:|---:|---:|---:|")
    try:
        for size in [int(s) for s in args.sizes.split(",")]:
            Appointment.objects.all().delete()
            fill(provider, others, patients, monday, size, tz, visit_type, location, desk)
            client.get(url, params)  # warm
            counted = []

            def count(execute, sql, params, many, context, counted=counted):
                counted.append(sql)
                return execute(sql, params, many, context)

            with connection.execute_wrapper(count):
                response = client.get(url, params)
            assert response.status_code == 200
            timings = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                client.get(url, params)
                timings.append((time.perf_counter() - t0) * 1000)
                reset_queries()
            timings.sort()
            p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
            print(
                f"| {size} | {Appointment.objects.count()} | {statistics.median(timings):.1f} | "
                f"{p95:.1f} | {timings[-1]:.1f} | {len(counted)} |"
            )
    finally:
        connection.close()
        if vendor == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        else:
            import psycopg

            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')


if __name__ == "__main__":
    main()
