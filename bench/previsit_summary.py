"""Pre-visit summary benchmark: a visit of a patient with 1,000 encounters vs a new patient.

    .venv/bin/python bench/previsit_summary.py                      # SQLite file in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/previsit_summary.py                  # PostgreSQL

Creates a scratch database (SQLite: /tmp/medassist_bench_previsit.sqlite3; PostgreSQL: a
database `medassist_bench_previsit` next to the one in DATABASE_URL, dropped at the end). The
long record is chart_page.py's generated bundle (1,000 encounters, 3,000 results, 40 problems,
30 medications, 20 immunizations, 200 procedures) loaded with the FHIR importer, plus 30 vitals
sets and, for today's visit, rooming, a completed visit intake and a PHQ-9 through the services.
A logged-in physician then opens `records:previsit` with django's test Client (the whole
request: middleware, session, audit, template): p50/p95/max in ms and the SQL queries of one
request, for both patients; also the PDF. Results go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from chart_page import long_record_bundle, measure  # noqa: E402
from fhir_import import db_version, machine  # noqa: E402
from scratch import drop_scratch, percentile  # noqa: E402

SQLITE_PATH = Path(tempfile.gettempdir()) / "medassist_bench_previsit.sqlite3"
BENCH_DB = "medassist_bench_previsit"


def prepare_database() -> str:
    from urllib.parse import urlsplit, urlunsplit

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


def visit_today(*, clinic, patient, front_desk, ma, doc_provider, offset: int = 0):
    from django.utils import timezone

    from medassist.booking.services import appointment_book
    from medassist.intake import instruments as ins
    from medassist.intake.models import Questionnaire
    from medassist.intake.services import (
        response_complete,
        response_save_page,
        response_start,
        rooming_complete,
    )
    from medassist.practice.models import Room, VisitType
    from medassist.scheduling.services import appointment_transition

    room = Room.objects.filter(location__clinic=clinic).order_by("name")[offset]
    start = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(minutes=5 + 30 * offset)
    appt = appointment_book(
        actor=front_desk,
        patient=patient,
        provider=doc_provider,
        location=room.location,
        visit_type=VisitType.objects.filter(clinic=clinic).first(),
        start=start,
        outside_hours=True,
        override_reason="bench: outside hours",
    )
    appointment_transition(actor=front_desk, appointment=appt, to_status="arrived")
    rooming_complete(
        actor=ma,
        appointment=appt,
        room=room,
        reason_for_visit="Follow-up of blood pressure",
        vitals={"bp_systolic": "150", "bp_diastolic": "95", "pulse": "80"},
    )
    q = Questionnaire.objects.get(clinic=clinic, name="visit-intake")
    r = response_start(
        actor=None, patient=patient, questionnaire=q, channel="kiosk", appointment=appt
    )
    pages = {
        "reason": {"reason.text": "BP check", "reason.chest-pain-now": False,
                   "reason.self-harm-now": False, "reason.new-symptom": False},
        "ros": {"ros.positive": ["headache"]},
        "meds": {"meds.new-allergy": False},
        "history": {"history.changed": False},
    }  # fmt: skip
    for page, answers in pages.items():
        response_save_page(actor=None, response=r, page=page, answers=answers, token=uuid.uuid4())
    response_complete(actor=None, response=r)
    phq = Questionnaire.objects.get(clinic=clinic, name="phq-9")
    p = response_start(
        actor=None, patient=patient, questionnaire=phq, channel="kiosk", appointment=appt
    )
    answers = {c: ins.FREQUENCY[1][0] for c, _ in ins.PHQ9_ITEMS}
    response_save_page(actor=None, response=p, page="phq9", answers=answers, token=uuid.uuid4())
    response_complete(actor=None, response=p)
    return appt


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--encounters", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    original_url = os.environ.get("DATABASE_URL", "").strip()
    where = prepare_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medassist.settings")
    os.environ["MEDASSIST_ALLOWED_HOSTS"] = "testserver,localhost"
    import warnings

    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from medassist.fhir.importer import import_bundle
    from medassist.intake.models import Vitals
    from medassist.patients.models import Patient
    from medassist.patients.services import patient_register
    from medassist.practice.models import Clinic, Location, Provider, Room
    from medassist.records.models import Encounter
    from medassist.records.previsit import previsit_summary
    from medassist.records.previsit_views import previsit_pdf_bytes

    try:
        call_command("migrate", verbosity=0)
        clinic = Clinic.objects.create(
            name="Bench Clinic", state="MA", mrn_prefix="BC", timezone="America/Chicago"
        )
        location = Location.objects.create(clinic=clinic, name="Main", city="Boston", state="MA")
        Room.objects.create(location=location, name="Exam 1")
        Room.objects.create(location=location, name="Exam 2")
        from medassist.practice.models import VisitType

        VisitType.objects.create(clinic=clinic, name="Follow-up", code="fu", duration_minutes=20)
        users = get_user_model().objects
        admin = users.create_user(
            username="bench-admin", password="x", clinic=clinic, role="clinic_admin"
        )
        desk = users.create_user(
            username="bench-desk", password="x", clinic=clinic, role="front_desk"
        )
        ma = users.create_user(
            username="bench-ma", password="x", clinic=clinic, role="medical_assistant"
        )
        doc = users.create_user(
            username="bench-doc", password="x", clinic=clinic, role="physician",
            first_name="Bench", last_name="Doctor",
        )  # fmt: skip
        provider = Provider.objects.create(
            clinic=clinic, user=doc, first_name="Bench", last_name="Doctor", npi="1234567893"
        )
        started = time.perf_counter()
        result = import_bundle(
            actor=admin,
            source="generated.json",
            raw=json.dumps(long_record_bundle(args.encounters)).encode(),
        )
        assert result.ok, result.message
        big = Patient.objects.get(public_id=result.patient_public_id)
        big.phone_mobile = "+16175550100"
        big.save(update_fields=["phone_mobile"])
        now = timezone.now()
        Vitals.objects.bulk_create(
            Vitals(patient=big, taken_at=now - dt.timedelta(days=30 * (n + 1)), recorded_by=ma,
                   bp_systolic=120 + n % 15, bp_diastolic=80, pulse=70, weight_kg=70)
            for n in range(30)
        )  # fmt: skip
        new = patient_register(
            actor=admin, first_name="Nova", last_name="Newpatient",
            date_of_birth=dt.date(1990, 1, 1), sex="F",
        )  # fmt: skip
        staff = {"clinic": clinic, "front_desk": desk, "ma": ma, "doc_provider": provider}
        visits = {
            "~1,000 encounters": visit_today(patient=big, **staff),
            "new patient": visit_today(patient=new, offset=1, **staff),
        }
        setup = time.perf_counter() - started
        print(f"# Pre-visit summary benchmark — {db_version()}, {where}")
        print(f"machine: {machine()}")
        print(
            f"long record: {Encounter.objects.filter(patient=big).count()} encounters, "
            f"{result.rows} rows imported + 30 vitals + today's rooming, intake, PHQ-9 "
            f"(setup {setup:.1f} s)"
        )
        client = Client()
        client.force_login(doc)
        for label, appt in visits.items():
            url = reverse("records:previsit", args=[appt.public_id])
            times, queries, sql_ms = measure(client, url, args.rounds)
            print(
                f"{label:>18}: p50 {statistics.median(times):6.1f} ms  "
                f"p95 {percentile(times, 95):6.1f} ms  max {max(times):6.1f} ms  "
                f"{queries} queries ({sql_ms:.0f} ms in SQL)  ({args.rounds} requests)"
            )
        appt = visits["~1,000 encounters"]
        pdf_times = []
        for _ in range(5):
            start = time.perf_counter()
            summary = previsit_summary(
                appointment=appt, today=timezone.localdate(timezone=clinic.tz)
            )
            data = previsit_pdf_bytes(summary, printed_by=doc)
            pdf_times.append((time.perf_counter() - start) * 1000)
        print(
            f"PDF of the long record's summary: p50 {statistics.median(pdf_times):.0f} ms, "
            f"max {max(pdf_times):.0f} ms over 5 ({len(data) / 1024:.0f} KB)"
        )
    finally:
        if not args.keep:
            drop_scratch(original_url, SQLITE_PATH, BENCH_DB)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
