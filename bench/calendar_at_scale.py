"""Calendar pages on the 1,000,000-appointment clinic that `bench/first_available.py --keep`
leaves behind: a busy provider's day and week, and the whole clinic's day (50 columns).

    .venv/bin/python bench/first_available.py --sizes 1000000 --keep      # builds the clinic
    .venv/bin/python bench/calendar_at_scale.py                           # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/first_available.py --sizes 1000000 --keep
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/calendar_at_scale.py                       # PostgreSQL
    options: --runs 30  --sqlite PATH  --drop (remove the scratch database afterwards)

Requests go through Django's test client as the front desk (session login, middleware,
audit of the listed patients, template rendering: the whole page). The provider is the one
with the most visits booked in the week; the week is next week (a full one of the bench's
book). Prints p50/p95/max milliseconds and the SQL queries of one request.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scratch import percentile  # noqa: E402 - bench/ is on the path when run

SQLITE_PATH = Path(tempfile.gettempdir()) / "medassist_bench_avail.sqlite3"
BENCH_DB = "medassist_bench_avail"  # the one bench/first_available.py --keep leaves


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--sqlite", default=str(SQLITE_PATH))
    parser.add_argument("--drop", action="store_true", help="drop the scratch database after")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "").strip()
    os.environ["MEDASSIST_TESTING"] = "1"  # the test client's host is allowed
    if url:
        os.environ["DATABASE_URL"] = urlunsplit(urlsplit(url)._replace(path=f"/{BENCH_DB}"))
    else:
        if not Path(args.sqlite).exists():
            raise SystemExit(f"{args.sqlite} not found: run bench/first_available.py --keep")
        os.environ["MEDASSIST_SQLITE_PATH"] = args.sqlite
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medassist.settings")
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from medassist.practice.models import Clinic, User
    from medassist.scheduling.models import ACTIVE_STATUSES, Appointment
    from medassist.scheduling.selectors import clinic_day_bounds, clinic_today

    clinic = Clinic.objects.filter(name="Bench Clinic").first()
    if clinic is None:
        raise SystemExit("no bench clinic here: run bench/first_available.py --keep first")
    desk = User.objects.get(username="bench_desk")
    total = Appointment.objects.filter(clinic=clinic).count()
    today = clinic_today(clinic)
    monday = today + timedelta(days=7 - today.weekday())
    start, _ = clinic_day_bounds(clinic, monday)
    _, end = clinic_day_bounds(clinic, monday + timedelta(days=6))
    busiest = (
        Appointment.objects.filter(
            clinic=clinic, start__gte=start, start__lt=end, status__in=ACTIVE_STATUSES
        )
        .values("provider_id", "provider__public_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    provider = str(busiest["provider__public_id"])
    day = monday + timedelta(days=1)
    day_start, day_end = clinic_day_bounds(clinic, day)
    in_day = Appointment.objects.filter(
        clinic=clinic, provider_id=busiest["provider_id"], start__gte=day_start, start__lt=day_end
    ).count()
    clinic_day = Appointment.objects.filter(
        clinic=clinic, start__gte=day_start, start__lt=day_end
    ).count()
    pages = [
        (f"week of one provider ({busiest['n']} visits)", {"view": "week", "provider": provider}),
        (f"day of one provider ({in_day} visits)", {"view": "day", "provider": provider}),
        (f"day of all 50 providers ({clinic_day} visits)", {"view": "day"}),
    ]
    client = Client(HTTP_HOST="localhost")
    client.force_login(desk)
    print(
        f"# {connection.vendor}; {total:,} appointments; {os.cpu_count()} cores "
        f"{platform.machine()}; Python {platform.python_version()}; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    print("| page | p50 ms | p95 ms | max ms | queries |")
    print("|---|---:|---:|---:|---:|")
    try:
        for label, params in pages:
            date = monday if params["view"] == "week" else day
            params = {**params, "date": date.isoformat()}
            assert client.get("/schedule/calendar/", params).status_code == 200  # warm
            counted: list[str] = []

            def count(execute, sql, p, many, context, counted=counted):
                counted.append(sql)
                return execute(sql, p, many, context)

            with connection.execute_wrapper(count):
                client.get("/schedule/calendar/", params)
            timings = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                response = client.get("/schedule/calendar/", params)
                timings.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200
            print(
                f"| {label} | {statistics.median(timings):.1f} | "
                f"{percentile(timings, 95):.1f} | {max(timings):.1f} | {len(counted)} |"
            )
    finally:
        connection.close()
        if args.drop:
            if url:
                import psycopg

                with psycopg.connect(url, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
            else:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{args.sqlite}{suffix}").unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
