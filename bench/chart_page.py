"""Chart page benchmark: open the chart of a patient with ~1,000 encounters vs a new patient.

    .venv/bin/python bench/chart_page.py                         # SQLite file in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/chart_page.py                     # PostgreSQL

Creates a scratch database (SQLite: /tmp/medassist_bench_chart.sqlite3; PostgreSQL: a database
`medassist_bench_chart` next to the one in DATABASE_URL, dropped at the end). The long record is
loaded with the FHIR importer from a generated bundle (1,000 encounters, 3,000 results, 40
problems, 30 medications, 20 immunizations, 200 procedures) plus 50 signed notes and 30 vitals
sets written through the services. A logged-in physician then opens `records:chart` with
django's test Client (the whole request: middleware, session, audit event, template) —
p50/p95/max in milliseconds and the query count of one request, for both patients. Also times
the patient summary PDF of the long record. Results go in docs/benchmarks.md.
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

from scratch import drop_scratch, percentile  # noqa: E402 - bench/ is on the path when run

sys.path.insert(0, str(ROOT / "bench"))

from fhir_import import db_version, machine  # noqa: E402

SQLITE_PATH = Path(tempfile.gettempdir()) / "medassist_bench_chart.sqlite3"
BENCH_DB = "medassist_bench_chart"


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


def drop_database(original_url: str, keep: bool) -> None:
    if not keep:
        drop_scratch(original_url, SQLITE_PATH, BENCH_DB)


def long_record_bundle(encounters: int) -> dict:
    """A generated FHIR R4 bundle: one patient with `encounters` visits and their results."""
    pid = str(uuid.uuid4())
    subject = {"reference": f"urn:uuid:{pid}"}
    entries = [
        {
            "resourceType": "Patient",
            "id": pid,
            "identifier": [{"system": "urn:bench", "value": pid}],
            "name": [{"family": "Longrecord", "given": ["Lena"]}],
            "gender": "female",
            "birthDate": "1950-02-03",
        }
    ]
    start = dt.datetime(2024, 12, 1, 14, 0, tzinfo=dt.UTC)
    loinc = [("8867-4", "Heart rate", "/min", 72), ("2339-0", "Glucose", "mg/dL", 98),
             ("29463-7", "Body weight", "kg", 70.5)]  # fmt: skip
    for n in range(encounters):
        eid = str(uuid.uuid4())
        when = start - dt.timedelta(days=7 * n)
        entries.append(
            {
                "resourceType": "Encounter",
                "id": eid,
                "status": "finished",
                "class": {"code": "AMB"},
                "type": [{"text": "Office visit"}],
                "subject": subject,
                "period": {
                    "start": when.isoformat(),
                    "end": (when + dt.timedelta(minutes=20)).isoformat(),
                },
            }
        )
        for code, name, unit, value in loinc:
            entries.append(
                {
                    "resourceType": "Observation",
                    "id": str(uuid.uuid4()),
                    "status": "final",
                    "category": [
                        {"coding": [{"code": "vital-signs" if code != "2339-0" else "laboratory"}]}
                    ],
                    "code": {
                        "coding": [{"system": "http://loinc.org", "code": code, "display": name}]
                    },
                    "subject": subject,
                    "encounter": {"reference": f"urn:uuid:{eid}"},
                    "effectiveDateTime": when.isoformat(),
                    "valueQuantity": {
                        "value": value + n % 7,
                        "unit": unit,
                        "system": "http://unitsofmeasure.org",
                        "code": unit,
                    },
                }
            )
        if n < 200:
            entries.append(
                {
                    "resourceType": "Procedure",
                    "id": str(uuid.uuid4()),
                    "status": "completed",
                    "code": {
                        "coding": [
                            {
                                "system": "http://snomed.info/sct",
                                "code": "430193006",
                                "display": "Medication reconciliation",
                            }
                        ]
                    },
                    "subject": subject,
                    "performedDateTime": when.isoformat(),
                }
            )
    snomed = ["38341003", "44054006", "55822004", "195967001", "40055000", "233604007",
              "10509002", "162864005", "271737000", "15777000"]  # fmt: skip
    for n in range(40):
        entries.append(
            {
                "resourceType": "Condition",
                "id": str(uuid.uuid4()),
                "clinicalStatus": {"coding": [{"code": "active" if n < 12 else "resolved"}]},
                "code": {
                    "coding": [
                        {
                            "system": "http://snomed.info/sct",
                            "code": snomed[n % 10],
                            "display": f"Condition {n}",
                        }
                    ]
                },
                "subject": subject,
                "onsetDateTime": f"{1990 + n % 30}-03-01",
                **({} if n < 12 else {"abatementDateTime": f"{1990 + n % 30}-06-01"}),
            }
        )
    for n in range(30):
        entries.append(
            {
                "resourceType": "MedicationRequest",
                "id": str(uuid.uuid4()),
                "status": "active" if n < 8 else "stopped",
                "intent": "order",
                "medicationCodeableConcept": {
                    "coding": [
                        {
                            "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                            "code": str(314076 + n),
                            "display": f"Drug {n} 10 MG Oral Tablet",
                        }
                    ]
                },
                "subject": subject,
                "authoredOn": f"{2000 + n % 20}-05-01",
            }
        )
    for n in range(20):
        entries.append(
            {
                "resourceType": "Immunization",
                "id": str(uuid.uuid4()),
                "status": "completed",
                "vaccineCode": {
                    "coding": [{"system": "http://hl7.org/fhir/sid/cvx", "code": "140"}]
                },
                "patient": subject,
                "occurrenceDateTime": f"{2004 + n}-10-01",
            }
        )
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in entries],
    }


class QueryCounter:
    """Counts the queries of the requests run inside it, and their time in the database."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - start


def measure(client, url: str, rounds: int) -> tuple[list[float], int, float]:
    """Request times (ms), the queries of one request and their share of its time (ms)."""
    from django.db import connection

    for _ in range(3):
        assert client.get(url).status_code == 200
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        client.get(url)
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return times, counter.count, counter.seconds * 1000


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
    from medassist.practice.models import Clinic
    from medassist.records import services
    from medassist.records.export_pdf import build_summary_pdf
    from medassist.records.models import Encounter

    try:
        call_command("migrate", verbosity=0)
        clinic = Clinic.objects.create(name="Bench Clinic", state="MA", mrn_prefix="BC")
        users = get_user_model().objects
        admin = users.create_user(
            username="bench-admin", password="x", clinic=clinic, role="clinic_admin"
        )
        doc = users.create_user(
            username="bench-doc",
            password="x",
            clinic=clinic,
            role="physician",
            first_name="Bench",
            last_name="Doctor",
        )
        started = time.perf_counter()
        result = import_bundle(
            actor=admin,
            source="generated.json",
            raw=json.dumps(long_record_bundle(args.encounters)).encode(),
        )
        assert result.ok, result.message
        big = Patient.objects.get(public_id=result.patient_public_id)
        for enc in Encounter.objects.filter(patient=big).order_by("-start")[:50]:
            note = services.note_create(
                actor=doc, encounter=enc, title="Progress note", body="Doing well. " * 40
            )
            services.note_sign(actor=doc, note=note)
        now = timezone.now()
        Vitals.objects.bulk_create(
            Vitals(patient=big, taken_at=now - dt.timedelta(days=30 * n), recorded_by=doc,
                   bp_systolic=120 + n % 15, bp_diastolic=80, pulse=70, weight_kg=70)
            for n in range(30)
        )  # fmt: skip
        new = patient_register(
            actor=admin, first_name="Nova", last_name="Newpatient",
            date_of_birth=dt.date(1990, 1, 1), sex="F",
        )  # fmt: skip
        setup = time.perf_counter() - started
        print(f"# Chart page benchmark — {db_version()}, {where}")
        print(f"machine: {machine()}")
        print(
            f"long record: {Encounter.objects.filter(patient=big).count()} encounters, "
            f"{result.rows} rows imported + 50 signed notes + 30 vitals (setup {setup:.1f} s)"
        )
        client = Client()
        client.force_login(doc)
        for label, patient in (("~1,000 encounters", big), ("new patient", new)):
            url = reverse("records:chart", args=[patient.public_id])
            times, queries, sql_ms = measure(client, url, args.rounds)
            print(
                f"{label:>18}: p50 {statistics.median(times):6.1f} ms  "
                f"p95 {percentile(times, 95):6.1f} ms  max {max(times):6.1f} ms  "
                f"{queries} queries ({sql_ms:.0f} ms in SQL)  ({args.rounds} requests)"
            )
        pdf_times = []
        for _ in range(3):
            start = time.perf_counter()
            data = build_summary_pdf(patient=big, printed_by=doc)
            pdf_times.append(time.perf_counter() - start)
        print(
            f"summary PDF of the long record: {min(pdf_times):.2f} s best of 3 "
            f"({len(data) / 1024:.0f} KB)"
        )
    finally:
        drop_database(original_url, args.keep)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
