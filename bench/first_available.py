"""First-available search benchmark: 50 providers, up to 1,000,000 existing appointments.

    .venv/bin/python bench/first_available.py                       # SQLite file in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/first_available.py                   # PostgreSQL
    options: --sizes 10000,100000,1000000  --rounds 10  --profile typical|busy  --keep
             --reuse (time the database a --keep run of that size left today, no rebuild)

For each size, builds a scratch database (SQLite: /tmp/medassist_bench_avail.sqlite3;
PostgreSQL: a database `medassist_bench_avail` created next to the one in DATABASE_URL and
dropped at the end) with one clinic, 50 providers working Monday–Friday 08:00–12:00 and
13:00–17:00 (the demo template), the clinic's US holidays, 2,000 patients and N appointments
of 20 minutes written in bulk (executemany on SQLite, COPY on PostgreSQL):

* the next 90 days are booked the way a real clinic's book looks: `typical` — 95 % full for
  the first two weeks, thinning to 30 % by day 90; `busy` — 100 % full for six weeks, then
  50 % (the search must walk past six full weeks);
* the rest of the N appointments are history, fully booked weekdays going back from
  yesterday (checked out, with some cancellations and no-shows).

Then it times `first_available(...)` — the call the "Find a slot" page and the API make —
over a fixed mix of 20 searches (any provider / one provider / a location / afternoons only /
with a patient / a 40-minute new-patient visit), each over the next 90 days with limit 10,
`--rounds` times each; prints p50/p95/max in milliseconds and the queries per search.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from datetime import time as wall
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scratch import drop_scratch, percentile  # noqa: E402 - bench/ is on the path when run

SQLITE_PATH = Path(tempfile.gettempdir()) / "medassist_bench_avail.sqlite3"
BENCH_DB = "medassist_bench_avail"
PROVIDERS = 50
PATIENTS = 2000
WINDOW_DAYS = 90
SLOT_TIMES = [wall(h, m) for h in (8, 9, 10, 11, 13, 14, 15, 16) for m in (0, 20, 40)]


def prepare_database(url: str, *, reuse: bool = False) -> str:
    if reuse:
        where = f"PostgreSQL database {BENCH_DB}" if url else f"SQLite file {SQLITE_PATH}"
        return f"{where} (kept from an earlier run)"
    if not url:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        return f"SQLite file {SQLITE_PATH}"
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
    return f"PostgreSQL database {BENCH_DB} (created for this run)"


def bench_url(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{BENCH_DB}"))


def drop_database(original_url: str) -> None:
    drop_scratch(original_url, SQLITE_PATH, BENCH_DB)


# ---------------------------------------------------------------------------- building


def bulk_insert(model, rows: list[dict]) -> None:
    """Write rows fast: COPY on PostgreSQL, executemany on SQLite. Missing fields take their
    model default (so columns another app adds to the model still get a value)."""
    from django.db import connection
    from django.utils import timezone

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    defaults = {}
    for f in fields:
        if f.name in ("created_at", "updated_at"):
            defaults[f.name] = now
        else:
            defaults[f.name] = f.get_default()
    names = [f.attname if f.is_relation else f.name for f in fields]
    columns = [f.column for f in fields]
    keys = [f.name for f in fields]

    def values(row):
        out = []
        for key, name in zip(keys, names, strict=True):
            if key in row:
                v = row[key]
            elif name in row:
                v = row[name]
            elif key == "public_id":
                v = uuid.uuid4()
            else:
                v = defaults[key]
            out.append(v)
        return out

    table = model._meta.db_table
    if connection.vendor == "postgresql":
        quoted = ", ".join(f'"{c}"' for c in columns)
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(values(row))
        return

    def sqlite(v):
        if isinstance(v, datetime):
            return v.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
        if isinstance(v, uuid.UUID):
            return v.hex
        if isinstance(v, date):
            return v.isoformat()
        return v

    quoted = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    sql = f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})'  # noqa: S608 - model metadata
    with connection.cursor() as cursor:
        for i in range(0, len(rows), 50_000):
            chunk = rows[i : i + 50_000]
            cursor.executemany(sql, [[sqlite(v) for v in values(r)] for r in chunk])


def occupancy(profile: str, day_index: int) -> float:
    if profile == "busy":
        return 1.0 if day_index < 42 else 0.5
    if day_index < 14:
        return 0.95
    return 0.95 - (0.65 * (day_index - 14) / (WINDOW_DAYS - 14))


def build(size: int, profile: str, rng: random.Random):
    """The clinic, 50 templated providers, patients, and `size` appointments."""
    from django.db import connection, transaction
    from django.utils import timezone

    from medassist.availability.models import ClinicHoliday
    from medassist.demo.availability import availability_demo
    from medassist.demo.setup import valid_npi
    from medassist.patients.models import Patient
    from medassist.practice.models import Clinic, Location, Provider, User, VisitType
    from medassist.scheduling.models import Appointment, Status

    t0 = time.perf_counter()
    with transaction.atomic():
        clinic = Clinic.objects.create(
            name="Bench Clinic", timezone="America/New_York", state="NY", mrn_prefix="BC"
        )
        location = Location.objects.create(clinic=clinic, name="Main", city="Albany", state="NY")
        second = Location.objects.create(clinic=clinic, name="Annex", city="Albany", state="NY")
        follow = VisitType.objects.create(
            clinic=clinic, name="Follow-up", code="follow-up", duration_minutes=20
        )
        new = VisitType.objects.create(clinic=clinic, name="New", code="new", duration_minutes=40)
        user = User.objects.create_user(
            username="bench_desk", password="x", clinic=clinic, role="front_desk"
        )
        npis: set[str] = set()
        providers = []
        for i in range(PROVIDERS):
            npi = valid_npi(rng)
            while npi in npis:
                npi = valid_npi(rng)
            npis.add(npi)
            p = Provider.objects.create(
                clinic=clinic, first_name="Pat", last_name=f"Provider{i:02d}", npi=npi
            )
            p.locations.set([location] if i % 5 else [second])
            providers.append(p)
        Patient.objects.bulk_create(
            [
                Patient(
                    clinic=clinic,
                    mrn=f"BC{i:06d}",
                    first_name=f"Pt{i}",
                    last_name=f"Bench{i}",
                    first_name_key=f"pt{i}",
                    last_name_key=f"bench{i}",
                    date_of_birth=date(1950 + i % 60, 1 + i % 12, 1 + i % 28),
                    sex="F" if i % 2 else "M",
                )
                for i in range(PATIENTS)
            ]
        )
        patient_ids = list(Patient.objects.filter(clinic=clinic).values_list("pk", flat=True))
        availability_demo(clinic, years=tuple(range(date.today().year - 5, date.today().year + 2)))

    tz = clinic.tz
    today = timezone.localdate(timezone=tz)
    now = timezone.now()
    holidays = set(ClinicHoliday.objects.filter(clinic=clinic).values_list("date", flat=True))
    loc_of = {p.pk: (location.pk if i % 5 else second.pk) for i, p in enumerate(providers)}

    def day_rows(day: date, share: float, past: bool):
        out = []
        for p in providers:
            for t in SLOT_TIMES:
                if share < 1.0 and rng.random() >= share:
                    continue
                start = datetime.combine(day, t, tzinfo=tz)
                if not past and start < now:
                    continue
                if past:
                    r = rng.random()
                    status = (
                        Status.CANCELLED
                        if r < 0.05
                        else Status.NO_SHOW
                        if r < 0.08
                        else Status.CHECKED_OUT
                    )
                else:
                    status = Status.BOOKED
                out.append(
                    {
                        "clinic": clinic.pk,
                        "patient": rng.choice(patient_ids),
                        "provider": p.pk,
                        "location": loc_of[p.pk],
                        "visit_type": follow.pk,
                        "start": start,
                        "end": start + timedelta(minutes=20),
                        "status": status,
                        "status_changed_at": start,
                    }
                )
        return out

    rows: list[dict] = []
    future_days = [
        today + timedelta(days=d)
        for d in range(WINDOW_DAYS)
        if (today + timedelta(days=d)).weekday() < 5 and today + timedelta(days=d) not in holidays
    ]
    capacity = (
        sum(occupancy(profile, (d - today).days) for d in future_days) * PROVIDERS * len(SLOT_TIMES)
    )
    scale = min(1.0, size / capacity) if capacity else 1.0
    for d in future_days:
        rows.extend(day_rows(d, occupancy(profile, (d - today).days) * scale, past=False))
    rows = rows[:size]
    day = today - timedelta(days=1)
    while len(rows) < size:
        if day.weekday() < 5:
            rows.extend(day_rows(day, 1.0, past=True))
        day -= timedelta(days=1)
    rows = rows[:size]
    # Remap keys to attnames for the FK columns.
    for r in rows:
        for k in ("clinic", "patient", "provider", "location", "visit_type"):
            r[f"{k}_id"] = r.pop(k)
    t1 = time.perf_counter()
    with transaction.atomic():
        bulk_insert(Appointment, rows)
    t2 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    t3 = time.perf_counter()
    future = sum(1 for r in rows if r["status"] == Status.BOOKED)
    oldest = min(r["start"] for r in rows).astimezone(tz).date() if rows else today
    print(
        f"built: {len(rows):,} appointments ({future:,} in the next {WINDOW_DAYS} days, "
        f"history back to {oldest}); set-up {t1 - t0:.1f} s, insert {t2 - t1:.1f} s, "
        f"analyze {t3 - t2:.1f} s",
        flush=True,
    )
    return {
        "clinic": clinic,
        "user": user,
        "providers": providers,
        "follow": follow,
        "new": new,
        "location": location,
        "patients": patient_ids,
        "today": today,
    }


def reuse_built(size: int):
    """The bench clinic of an earlier `--keep` run of the same size and day, or None."""
    from django.utils import timezone

    from medassist.patients.models import Patient
    from medassist.practice.models import Clinic, Location, Provider, User, VisitType
    from medassist.scheduling.models import Appointment

    clinic = Clinic.objects.filter(name="Bench Clinic").first()
    if clinic is None or Appointment.objects.filter(clinic=clinic).count() != size:
        return None
    today = timezone.localdate(timezone=clinic.tz)
    if not Appointment.objects.filter(clinic=clinic, start__date__gte=today).exists():
        return None
    print(f"reused: {size:,} appointments built earlier (same day's book)", flush=True)
    return {
        "clinic": clinic,
        "user": User.objects.get(username="bench_desk"),
        "providers": list(Provider.objects.filter(clinic=clinic).order_by("last_name")),
        "follow": VisitType.objects.get(clinic=clinic, code="follow-up"),
        "new": VisitType.objects.get(clinic=clinic, code="new"),
        "location": Location.objects.get(clinic=clinic, name="Main"),
        "patients": list(Patient.objects.filter(clinic=clinic).values_list("pk", flat=True)),
        "today": today,
    }


# ---------------------------------------------------------------------------- measuring


def searches(w, rng: random.Random) -> list[tuple[str, dict]]:
    from medassist.patients.models import Patient

    start = w["today"]
    end = start + timedelta(days=WINDOW_DAYS - 1)
    base = {"user": w["user"], "date_from": start, "date_to": end, "limit": 10}
    patients = list(Patient.objects.filter(pk__in=rng.sample(w["patients"], 3)))
    out = []
    for _ in range(5):
        out.append(("any provider", {**base, "visit_type": w["follow"]}))
    for p in rng.sample(w["providers"], 5):
        out.append(("one provider", {**base, "visit_type": w["follow"], "provider": p}))
    out.append(("one location", {**base, "visit_type": w["follow"], "location": w["location"]}))
    out.append(("one location", {**base, "visit_type": w["follow"], "location": w["location"]}))
    for tod in ("morning", "afternoon", "afternoon"):
        out.append(("time of day", {**base, "visit_type": w["follow"], "time_of_day": tod}))
    for pt in patients:
        out.append(("with a patient", {**base, "visit_type": w["follow"], "patient": pt}))
    out.append(("40-min new patient", {**base, "visit_type": w["new"]}))
    out.append(("40-min new patient", {**base, "visit_type": w["new"], "time_of_day": "morning"}))
    return out


def measure(w, rounds: int, rng: random.Random):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from medassist.availability.selectors import first_available

    mix = searches(w, rng)
    for _, kwargs in mix:  # warm up
        first_available(**kwargs)
    times: dict[str, list[float]] = {}
    cpu: list[float] = []
    queries: dict[str, set[int]] = {}
    found_first: list[int] = []
    for _ in range(rounds):
        for label, kwargs in mix:
            c = time.process_time()
            t = time.perf_counter()
            slots = first_available(**kwargs)
            times.setdefault(label, []).append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
            assert len(slots) == 10, (label, len(slots))
            found_first.append((slots[0].start.date() - w["today"]).days)
    for label, kwargs in mix:
        with CaptureQueriesContext(connection) as ctx:
            first_available(**kwargs)
        queries.setdefault(label, set()).add(len(ctx.captured_queries))
    return times, queries, found_first, cpu


def report(times, queries) -> list[float]:
    everything: list[float] = []
    print("| searches | n | p50 ms | p95 ms | max ms | queries |")
    print("|---|---|---|---|---|---|")
    for label, values in times.items():
        everything.extend(values)
        q = sorted(queries[label])
        qtext = str(q[0]) if len(q) == 1 else f"{q[0]}–{q[-1]}"
        print(
            f"| {label} | {len(values)} | {statistics.median(values):.1f} | "
            f"{percentile(values, 95):.1f} | {max(values):.1f} | {qtext} |"
        )
    print(
        f"| **all** | {len(everything)} | **{statistics.median(everything):.1f}** | "
        f"**{percentile(everything, 95):.1f}** | {max(everything):.1f} | |"
    )
    return everything


def main() -> int:
    global SQLITE_PATH
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--profile", choices=["typical", "busy"], default="typical")
    parser.add_argument("--keep", action="store_true", help="keep the last scratch database")
    parser.add_argument("--sqlite", default=str(SQLITE_PATH), help="scratch SQLite file")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="time the database a --keep run left today (one size) instead of building it",
    )
    args = parser.parse_args()
    SQLITE_PATH = Path(args.sqlite)
    sizes = [int(s) for s in args.sizes.split(",")]

    original_url = os.environ.get("DATABASE_URL", "").strip()
    # Point the settings at the scratch database BEFORE Django reads them.
    if original_url:
        os.environ["DATABASE_URL"] = bench_url(original_url)
    else:
        os.environ["MEDASSIST_SQLITE_PATH"] = str(SQLITE_PATH)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medassist.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    name = str(connection.settings_dict["NAME"])
    if name not in (str(SQLITE_PATH), BENCH_DB):
        raise SystemExit(f"refusing to run: the database would be {name}, not the scratch one")

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    summary = []
    for n, size in enumerate(sizes):
        connections.close_all()
        where = prepare_database(original_url, reuse=args.reuse)
        try:
            call_command("migrate", verbosity=0)
            if connection.vendor == "sqlite":
                import sqlite3

                version = f"SQLite {sqlite3.sqlite_version}"
            else:
                with connection.cursor() as cursor:
                    cursor.execute("SHOW server_version")
                    version = f"PostgreSQL {cursor.fetchone()[0]}"
            print(f"\n# First-available search — {version}, {where}, {size:,} appointments")
            print(
                f"machine: {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}; "
                f"load average {os.getloadavg()[0]:.2f}; profile {args.profile}"
            )
            rng = random.Random(20261127)
            w = (reuse_built(size) if args.reuse else None) or build(size, args.profile, rng)
            times, queries, first, cpu_ms = measure(w, args.rounds, rng)
            everything = report(times, queries)
            print(
                f"CPU time of this process per search: p50 {statistics.median(cpu_ms):.1f} ms, "
                f"p95 {percentile(cpu_ms, 95):.1f} ms (SQLite: all the work; PostgreSQL: "
                f"without the server's); load average after {os.getloadavg()[0]:.2f}"
            )
            print(f"first slot found on day +{min(first)} … +{max(first)} of the window")
            summary.append(
                (
                    size,
                    statistics.median(everything),
                    percentile(everything, 95),
                    statistics.median(cpu_ms),
                    percentile(cpu_ms, 95),
                )
            )
        finally:
            if not ((args.keep or args.reuse) and n == len(sizes) - 1):
                drop_database(original_url)
    print("\n| appointments | p50 ms | p95 ms | CPU p50 ms | CPU p95 ms |")
    print("|---|---|---|---|---|")
    for size, p50, p95, c50, c95 in summary:
        print(f"| {size:,} | {p50:.1f} | {p95:.1f} | {c50:.1f} | {c95:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
