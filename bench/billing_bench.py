"""Billing benchmark: 837P generation + pyx12 validation for 1,000 claims, and 835 posting.

    .venv/bin/python bench/billing_bench.py [--claims 1000] [--per-batch 100]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/billing_bench.py

Part 1 (no database): 1,000 varied claims (1-6 lines, 1-12 diagnoses, some dependants) are
written as 837P interchanges of --per-batch claims (`billing.x837.build_837p`), then every
interchange is validated with pyx12 (`billing.validate.pyx12_errors`); errors must be zero.
Part 2: a scratch database (SQLite file in /tmp, or a PostgreSQL database created next to the
one in DATABASE_URL, dropped at the end), migrated; a clinic, its billing set-up and --claims
claims (one patient each) made through `billing.services.claim_create`; then one 835 paying
every claim (two service lines each) is posted with `remittance_import_835`: claim payments
per second. The same 835 posted again must post nothing (timed too).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scratch import drop_scratch  # noqa: E402 - bench/ is on the path when run

SQLITE_PATH = Path(tempfile.gettempdir()) / "medassist_bench_billing.sqlite3"
BENCH_DB = "medassist_bench_billing"


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


def part_837(count: int, per_batch: int) -> None:
    from medassist.billing import reference, validate, x837

    rng = random.Random(837)
    codes = sorted(reference.billable_icd10cm())
    names = ["SMITH", "GARCIA", "O'NEIL", "NGUYEN", "MULLER", "LEE-WONG", "PATEL"]

    def person(member: str = "") -> x837.Person:
        return x837.Person(rng.choice(names), rng.choice(names),
                           date(1940, 1, 1) + timedelta(days=rng.randrange(25000)),
                           rng.choice("FM"), f"{rng.randrange(1, 999)} MAIN ST", "ALBANY", "NY",
                           "12207", member_id=member)

    claims = []
    for n in range(count):
        dx = tuple(rng.sample(codes, rng.randint(1, 12)))
        lines = tuple(
            x837.Line(rng.choice(["99213", "99214", "36415", "J1100", "93000"]),
                      Decimal(rng.randrange(100, 50000)) / 100, Decimal(rng.randint(1, 3)),
                      tuple(rng.sample(range(1, len(dx) + 1), min(len(dx), rng.randint(1, 4)))),
                      tuple(rng.sample(["25", "59", "LT", "RT"], rng.randint(0, 2))))
            for _ in range(rng.randint(1, 6))
        )
        dependent = rng.random() < 0.3
        claims.append(x837.ClaimData(
            f"C{n:08d}", "ACME HEALTH", "60054", "CI", person(f"W{n:09d}"),
            person() if dependent else None, "19" if dependent else "", "G1",
            date(2026, 11, 2), "11", dx, lines))
    provider = x837.Party("MAPLE FAMILY MEDICINE", npi="1234567893", tin="123456789",
                          taxonomy="207Q00000X", address_line1="1 MAIN ST", city="ALBANY",
                          state="NY", postal_code="122071234")
    start = time.perf_counter()
    texts = [
        x837.build_837p(envelope=x837.Envelope("MAPLE01", "CLEARHOUSE", "DEMO", "MAPLE",
                                               "RITA", "5185550100", b + 1),
                        provider=provider, claims=claims[b * per_batch:(b + 1) * per_batch])
        for b in range((count + per_batch - 1) // per_batch)
    ]
    generated = time.perf_counter() - start
    start = time.perf_counter()
    errors = sum(len(validate.pyx12_errors(text)[0]) for text in texts)
    validated = time.perf_counter() - start
    size = sum(len(t) for t in texts)
    print(f"837P: {count} claims in {len(texts)} interchanges ({size / 1024:.0f} KiB): "
          f"generated in {generated:.2f} s ({count / generated:,.0f} claims/s); "
          f"pyx12 validation {validated:.1f} s ({count / validated:,.0f} claims/s); "
          f"pyx12 errors: {errors}")


def era_for(claims) -> str:
    segments = ["ST*835*0001"]
    total = Decimal("0")
    body = []
    for claim in claims:
        body += [f"CLP*{claim.number}*1*122.00*90.00*20.00*12*P{claim.pk}",
                 "SVC*HC:99213:25*110.00*80.00**1", "CAS*CO*45*10.00", "CAS*PR*2*20.00",
                 "SVC*HC:36415*12.00*10.00**1", "CAS*CO*45*2.00"]
        total += Decimal("90.00")
    segments += [f"BPR*I*{total}*C*ACH*CCP*01*999999999*DA*1*1512345678**01*9*DA*9*20261201",
                 "TRN*1*EFTBENCH*1512345678", "N1*PR*ACME HEALTH*XV*60054",
                 "N1*PE*MAPLE FAMILY MEDICINE*XX*1234567893", "LX*1", *body]
    segments.append(f"SE*{len(segments) + 1}*0001")
    return ("ISA*00*          *00*          *ZZ*60054          *ZZ*MAPLE01        *261201*1200*"
            "^*00501*000000321*0*P*:~GS*HP*60054*MAPLE01*20261201*1200*321*X*005010X221A1~"
            + "~".join(segments) + "~GE*1*321~IEA*1*000000321~")


def part_835(count: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from medassist.billing import services
    from medassist.billing.services import LineInput
    from medassist.patients.services import coverage_add, patient_register
    from medassist.practice.models import Clinic, Payer, User

    clinic = Clinic.objects.create(name="Bench Clinic", timezone="America/Chicago", state="IL")
    payer = Payer.objects.create(clinic=clinic, name="Acme Health", payer_id="60054")
    biller = User.objects.create_user(username="bench-biller", password="x" * 20, clinic=clinic,
                                      role="biller")
    desk = User.objects.create_user(username="bench-desk", password="x" * 20, clinic=clinic,
                                    role="front_desk")
    services.billing_provider_save(
        actor=biller, npi="1234567893", name="Bench Clinic", taxonomy="207Q00000X",
        tin="123456789", address_line1="1 Main St", city="Springfield", state="IL",
        postal_code="627011234", contact_name="Bench", contact_phone="2175550100",
        submitter_id="BENCH01", receiver_id="CLEARHOUSE", receiver_name="Demo")
    services.payer_billing_save(actor=biller, payer=payer, filing_indicator="CI")
    services.fee_schedule_load_demo(actor=biller)
    start = time.perf_counter()
    claims = []
    for n in range(count):
        patient = patient_register(actor=desk, allow_duplicate=True, first_name="Pat",
                                   last_name=f"Bench{n}", date_of_birth=date(1970, 1, 1),
                                   sex="F", address_line1="1 Elm", city="Springfield",
                                   state="IL", postal_code="62701")
        coverage = coverage_add(actor=desk, patient=patient, payer=payer, member_id=f"M{n:08d}",
                                group_number="G1", relationship="self", copay="0")
        claims.append(services.claim_create(
            actor=biller, patient=patient, coverage=coverage, service_date=date(2026, 11, 2),
            diagnoses=["E11.9"], lines=[LineInput("99213", modifiers=["25"]),
                                        LineInput("36415")]))
    made = time.perf_counter() - start
    data = era_for(claims).encode()
    start = time.perf_counter()
    [report] = services.remittance_import_835(actor=biller, data=data)
    posted = time.perf_counter() - start
    start = time.perf_counter()
    [again] = services.remittance_import_835(actor=biller, data=data)
    second = time.perf_counter() - start
    assert report.posted == 2 * count and report.unmatched == 0 and not again.created
    print(f"835 on {connection.vendor}: {count} claims made in {made:.1f} s; posting "
          f"{count} claim payments ({report.posted} service lines) took {posted:.2f} s = "
          f"{count / posted:,.0f} claim payments/s; the same 835 again: {second:.3f} s, "
          "nothing posted")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=1000)
    parser.add_argument("--per-batch", type=int, default=100)
    parser.add_argument("--skip-837", action="store_true")
    args = parser.parse_args()
    original = os.environ.get("DATABASE_URL", "").strip()
    where = prepare_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medassist.settings")
    import django

    django.setup()
    print(f"{where}; load {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    try:
        if not args.skip_837:
            part_837(args.claims, args.per_batch)
        part_835(args.claims)
    finally:
        drop_scratch(original, SQLITE_PATH, BENCH_DB)


if __name__ == "__main__":
    main()
