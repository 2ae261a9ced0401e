"""Booking under contention through HTTP: many patients booking few times of one provider.

    .venv/bin/python bench/booking_contention.py                  # SQLite file in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/booking_contention.py              # PostgreSQL

Creates a dedicated database (a SQLite file in a temporary folder, or a uniquely named
PostgreSQL database next to DATABASE_URL's, dropped at the end), migrates it with
`medassist migrate` and seeds it in subprocesses, starts gunicorn (`--workers` × `--threads`),
then fires `--attempts` POST /api/appointments from `--clients` client threads at `--slots`
open times (each time targeted at least once). Prints requests/second, bookings/second,
status counts and overlapping active visits found afterwards (always 0). Shares its server
and seeding code with tests/concurrency/test_booking_http.py.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.concurrency import server  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=400)
    parser.add_argument("--slots", type=int, default=40)
    parser.add_argument("--clients", type=int, default=32, help="client threads")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        server.dedicated_database(Path(tmp)) as (env, vendor),
    ):
        server.migrate(env)
        seeded = server.seed(env, patients=args.attempts, slots=args.slots)
        rng = random.Random(7)
        targets = list(range(args.slots))
        targets += [rng.randrange(args.slots) for _ in range(args.attempts - args.slots)]
        rng.shuffle(targets)
        with server.gunicorn(env, workers=args.workers, threads=args.threads) as base:
            t0 = time.perf_counter()
            results = server.book_concurrently(base, seeded, targets, threads=args.clients)
            elapsed = time.perf_counter() - t0
        rows = server.active_appointments(env)
        statuses = Counter(status for status, _ in results)
        print(
            f"# {vendor}; {platform.machine()} {os.cpu_count()} cores; gunicorn "
            f"{args.workers} workers x {args.threads} threads; {args.clients} client threads"
        )
        print("| attempts | slots | seconds | requests/s | bookings/s | statuses | overlaps |")
        print("|---:|---:|---:|---:|---:|---|---:|")
        print(
            f"| {args.attempts} | {args.slots} | {elapsed:.2f} | {args.attempts / elapsed:.1f} | "
            f"{statuses[201] / elapsed:.1f} | {dict(sorted(statuses.items()))} | "
            f"{server.overlaps(rows)} |"
        )


if __name__ == "__main__":
    main()
