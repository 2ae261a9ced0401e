"""ORU^R01 ingestion rate: messages and results (OBX) filed per second, each message parsed
with hl7apy, matched to patient and order, filed as chart Observations, acknowledged.

    .venv/bin/python bench/hl7_ingest.py                               # SQLite file in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/hl7_ingest.py                           # PostgreSQL

A dedicated database (as bench/audit_seal.py: a SQLite file in a temporary folder, or a
uniquely named PostgreSQL database, dropped at the end), migrated by `medassist migrate`;
then, in a child process, `--messages` lab orders (a 4-result lipid panel each, for
`--patients` patients) are signed and their ORU^R01 results built with hl7apy beforehand.
Timed: parsing alone (`hl7-check`'s work), then `orders.ingest.receive` for every message
(parse, match, file, alert, ACK), then the same messages again (all duplicates)."""

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


def child(messages: int, patients: int) -> None:
    import django

    django.setup()
    import json
    from datetime import timedelta

    from django.db import connection
    from django.utils import timezone

    from medassist.orders.hl7 import read_messages
    from medassist.orders.ingest import receive
    from medassist.orders.models import CompendiumTest
    from medassist.orders.services import compendium_load, order_lab_create
    from medassist.orders.simulate import lipid_results, oru_for_order
    from tests import factories

    clinic = factories.make_clinic(name="Bench Lab Clinic", tz="America/Chicago")
    admin = factories.make_user(clinic, "clinic_admin", "benchadmin")
    ma = factories.make_user(clinic, "medical_assistant", "benchma")
    doctor = factories.make_user(clinic, "physician", "benchdoc")
    factories.make_provider(clinic, user=doctor, npi="1234567893")
    desk = factories.make_user(clinic, "front_desk", "benchdesk")
    data = json.loads((ROOT / "medassist/orders/data/demo_compendium.json").read_text())
    lab = compendium_load(actor=admin, data=data)
    lipid = CompendiumTest.objects.get(lab=lab, order_code="LIPID")
    people = [factories.make_patient(desk, first_name=f"Pat{i}") for i in range(patients)]
    taken = timezone.now() - timedelta(hours=1)
    texts = []
    for i in range(messages):
        order = order_lab_create(actor=doctor, patient=people[i % patients], lab=lab, tests=[lipid])
        chol, trig, hdl = 150 + i % 120, 90 + i % 100, 35 + i % 30
        results_in = lipid_results(chol, trig, hdl)
        texts.append(oru_for_order(order, results_in, control_id=f"B{i:06d}", taken_at=taken))
    results = sum(len(read_messages(t)[0].all("OBX")) for t in texts)

    def timed(label: str, fn) -> float:
        t0 = time.perf_counter()
        fn()
        return time.perf_counter() - t0

    print(f"# {connection.vendor}; {platform.machine()} {os.cpu_count()} cores; "
          f"{messages} messages, {results} results, {patients} patients")  # fmt: skip
    parse = timed("parse", lambda: [read_messages(t) for t in texts])
    states: dict[str, int] = {}

    def ingest() -> None:
        for t in texts:
            for out in receive(actor=ma, data=t):
                states[out.state] = states.get(out.state, 0) + 1

    filed = timed("ingest", ingest)
    again = timed("again", ingest)
    def rate(label: str, seconds: float) -> None:
        print(
            f"{label:<34} {seconds:7.2f} s  {messages / seconds:7.1f} msg/s  "
            f"{results / seconds:7.1f} results/s"
        )

    rate("parse only (hl7apy)", parse)
    rate("ingest (parse+match+file+ACK)", filed)
    print(f"{'same messages again (duplicates)':<34} {again:7.2f} s  {messages / again:7.1f} msg/s")
    print(f"outcomes: {states}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--patients", type=int, default=50)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.messages, args.patients)
        return
    from tests.concurrency import server

    with (
        tempfile.TemporaryDirectory() as tmp,
        server.dedicated_database(Path(tmp)) as (env, _vendor),
    ):
        server.migrate(env)
        subprocess.run(
            [sys.executable, __file__, "--child", "--messages", str(args.messages),
             "--patients", str(args.patients)],
            env=env, cwd=ROOT, check=True,
        )  # fmt: skip


if __name__ == "__main__":
    main()
