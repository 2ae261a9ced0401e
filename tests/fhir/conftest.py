"""Fixtures for the FHIR server tests: a client that speaks application/fhir+json (session or
bearer token), R4B parsing of every resource returned, a small chart, and row counts."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.intake.models import Vitals
from medassist.patients.models import Patient
from medassist.practice.models import ApiToken
from medassist.records import services as chart
from medassist.records.models import (
    Allergy,
    ChartHistory,
    Document,
    Encounter,
    Immunization,
    MedicationStatement,
    NoKnownAllergies,
    Observation,
    Problem,
)
from medassist.scheduling.models import Appointment

BASE = "/fhir/r4"
FHIR_JSON = "application/fhir+json"


def r4b(data: dict):
    """Parse a resource (or a Bundle and each of its resources) with its R4B model."""
    from fhir.resources.R4B import get_fhir_model_class

    model = get_fhir_model_class(data["resourceType"]).model_validate(data)
    if data["resourceType"] == "Bundle":
        for entry in data.get("entry", []):
            if "resource" in entry:
                r4b(entry["resource"])
            if "outcome" in entry.get("response", {}):
                r4b(entry["response"]["outcome"])
    return model


class Fhir:
    def __init__(self, user=None, *, token: bool = True, client: Client | None = None):
        self.client = client or Client()
        self.headers: dict[str, str] = {}
        if user is not None:
            if token:
                _, key = ApiToken.issue(user, "fhir tests")
                self.headers["Authorization"] = f"Bearer {key}"
            else:
                self.client.force_login(user)

    def _done(self, response):
        assert response["Content-Type"].startswith(FHIR_JSON), response.content[:200]
        response.data = json.loads(response.content)
        r4b(response.data)
        return response

    def get(self, path: str, params=None):
        return self._done(self.client.get(BASE + path, params or {}, headers=self.headers))

    def send(self, method: str, path: str, body=None, *, raw=None, headers=None, ctype=FHIR_JSON):
        data = raw if raw is not None else json.dumps(body)
        call = getattr(self.client, method.lower())
        return self._done(
            call(
                BASE + path,
                data=data,
                content_type=ctype,
                headers={**self.headers, **(headers or {})},
            )
        )

    def post(self, path: str, body=None, **kw):
        return self.send("post", path, body, **kw)

    def put(self, path: str, body=None, **kw):
        return self.send("put", path, body, **kw)


@pytest.fixture
def fhir_as():
    def make(user, **kw) -> Fhir:
        return Fhir(user, **kw)

    return make


@pytest.fixture
def chart_items(physician, medical_assistant, patient, appointment):
    """One of each chart item for the cast's patient, plus a vitals set."""
    encounter = chart.encounter_create(
        actor=physician, patient=patient, appointment=appointment, type_display="Office visit"
    )
    problem = chart.problem_create(
        actor=physician, patient=patient, code="I10", onset_date=dt.date(2020, 1, 5)
    )
    allergy = chart.allergy_create(
        actor=medical_assistant,
        patient=patient,
        substance="Penicillin",
        reaction="Hives",
        severity="moderate",
        category="medication",
    )
    medication = chart.medication_create(
        actor=physician,
        patient=patient,
        drug_name="Lisinopril",
        code="29046",
        strength="10 mg",
        dose="1 tablet",
        route="oral",
        frequency="once daily",
        start_date=dt.date(2024, 3, 1),
        prescriber=physician.provider,
    )
    immunization = chart.immunization_create(
        actor=physician,
        patient=patient,
        cvx_code="140",
        occurrence_date=dt.date(2024, 10, 1),
        lot_number="AB123",
        dose_quantity="0.5 mL",
    )
    observation = chart.observation_create(
        actor=physician,
        patient=patient,
        display="Hemoglobin A1c",
        code="4548-4",
        effective_at=timezone.now() - dt.timedelta(days=3),
        value_quantity=Decimal("6.1"),
        value_unit="%",
        encounter=encounter,
    )
    vitals = Vitals.objects.create(
        patient=patient,
        appointment=appointment,
        taken_at=timezone.now() - dt.timedelta(hours=1),
        recorded_by=medical_assistant,
        bp_systolic=128,
        bp_diastolic=82,
        pulse=72,
        temperature_c=Decimal("36.8"),
        weight_kg=Decimal("70.5"),
        height_cm=Decimal("170.0"),
        bmi=Decimal("24.4"),
        spo2=98,
    )
    return {
        "encounter": encounter,
        "problem": problem,
        "allergy": allergy,
        "medication": medication,
        "immunization": immunization,
        "observation": observation,
        "vitals": vitals,
    }


COUNTED = (
    Patient,
    Appointment,
    Encounter,
    Problem,
    Allergy,
    NoKnownAllergies,
    MedicationStatement,
    Immunization,
    Observation,
    Document,
    ChartHistory,
    AuditEvent,
)


def row_counts() -> dict[str, int]:
    counts = {m.__name__: m.objects.count() for m in COUNTED}
    # a refusal is itself recorded (tests/audit/test_refused.py): every other event counts
    counts["AuditEvent"] = AuditEvent.objects.exclude(action=AuditEvent.Action.REFUSED).count()
    return counts


def data_counts() -> dict[str, int]:
    """Rows of everything but the audit log (reads are audited, so it may grow)."""
    counts = row_counts()
    counts.pop("AuditEvent")
    return counts
