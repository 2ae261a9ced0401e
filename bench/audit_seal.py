"""Sealing the audit trail: the seal job on 100,000 unsealed events, a worker pass with
nothing left to seal, 1,000 new events, and audit-verify's walk of every chain.

    .venv/bin/python bench/audit_seal.py                               # SQLite file in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/audit_seal.py                           # PostgreSQL

A dedicated database (as bench/booking_contention.py: a SQLite file in a temporary folder, or
a uniquely named PostgreSQL database, dropped at the end), migrated by `medassist migrate`;
then, in a child process on it, `--events` events are inserted in one bulk insert, spread
over 3 clinics and the chain of no clinic, and timed: `audit_seal` (the worker's job) from
nothing, again with nothing to do, after 1,000 more events, and `verify` of every chain."""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def child(events: int) -> None:
    import django

    django.setup()
    from datetime import timedelta

    from django.db import connection
    from django.utils import timezone

    from medassist.audit.chain import audit_seal, chain_ids
    from medassist.audit.models import AuditEvent
    from medassist.audit.verify import verify
    from tests import factories

    clinics = [factories.make_clinic(name=f"Bench {i}") for i in range(3)]

    def insert(n: int, start) -> None:
        rows = [
            AuditEvent(
                at=start + timedelta(microseconds=i),
                clinic=None if i % 10 == 9 else clinics[i % 3],
                actor_username=f"user{i % 40}",
                actor_role="physician",
                action="read",
                object_type="patients.Patient",
                object_id=f"{i:036d}",
                detail={"n": i, "where": "bench"},
                client_address="10.0.0.1",
                channel="web",
                request_id=f"{i:032x}",
            )
            for i in range(n)
        ]
        AuditEvent.objects.bulk_create(rows, batch_size=2000)

    start = timezone.now() - timedelta(minutes=10)
    insert(events, start)
    later = timezone.now() + timedelta(minutes=2)

    def timed(label: str, fn) -> None:
        t0 = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - t0
        print(f"{label:<42} {elapsed:8.2f} s   {result}")

    print(f"# {connection.vendor}; {platform.machine()} {os.cpu_count()} cores; {events:,} events")
    timed("seal from nothing (first pass)", lambda: audit_seal(now=later))
    timed("seal, nothing new (a steady worker pass)", lambda: audit_seal(now=later))
    insert(1000, timezone.now() - timedelta(minutes=1))
    timed("seal 1,000 new events", lambda: audit_seal(now=later, checkpoint=True))

    def walk():
        report = verify(clinic_ids=chain_ids(), now=later)
        return f"intact={report.intact} sealed={sum(c.sealed for c in report.chains):,}"

    timed("verify every chain", walk)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.events)
        return
    from tests.concurrency import server

    with (
        tempfile.TemporaryDirectory() as tmp,
        server.dedicated_database(Path(tmp)) as (env, _vendor),
    ):
        server.migrate(env)
        subprocess.run(
            [sys.executable, __file__, "--child", "--events", str(args.events)],
            env=env, cwd=ROOT, check=True,
        )  # fmt: skip


if __name__ == "__main__":
    main()
