"""What an outside probe found making the server fail (issue: no 500s): each is now refused at
the edge with a JSON error that says what is wrong, and nothing is written."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from medassist.availability.models import ResourceKind
from medassist.patients.models import Patient
from tests import factories
from tests.api.conftest import Api, snapshot
from tests.api.test_bad_input import GOOD_PATIENT, _booking
from tests.fhir.conftest import Fhir


def _code(response) -> tuple[int, str]:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return response.status_code, response.json()["code"]


@pytest.mark.parametrize(
    "path, body",
    [
        ("/api/patients", {**GOOD_PATIENT, "first_name": "Le\u0000na"}),
        ("/api/availability/resource-kinds", {"name": "a\u0000b"}),
    ],
)
def test_a_nul_character_in_any_string_is_refused(path, body, clinic_admin, front_desk):
    # given a body with a NUL character, sent by someone allowed to make the call
    api = Api(clinic_admin if "availability" in path else front_desk)
    before = snapshot()
    kinds = ResourceKind.objects.count()
    # when
    response = api.post(path, body)
    # then 400, naming the fault, and nothing stored
    assert _code(response) == (400, "malformed_json")
    assert "NUL" in response.json()["message"]
    assert snapshot() == before and ResourceKind.objects.count() == kinds


def test_fhir_refuses_a_nul_character_and_deep_nesting(front_desk):
    api = Fhir(front_desk)
    patients = Patient.objects.count()
    nul = api.post("/Patient", {"resourceType": "Patient", "name": [{"family": "A\u0000B"}]})
    deep = api.send("POST", "/Patient", raw="[" * 100_000 + "]" * 100_000)
    for response in (nul, deep):
        assert response.status_code == 400, response.data
        assert response.data["resourceType"] == "OperationOutcome"
    assert "NUL" in json.dumps(nul.data) and "nests deeper" in json.dumps(deep.data)
    assert Patient.objects.count() == patients


@pytest.mark.parametrize(
    "start, says",
    [
        ("2030-05-23T03:45:00+18:43", "UTC offset"),
        ("9999-12-31T20:00:00-05:00", "between the years"),
    ],
)
def test_times_no_clinic_can_mean_are_refused(start, says, front_desk, patient, provider):
    # given a booking and a reschedule with an impossible offset or year
    api = Api(front_desk)
    visit = factories.book(front_desk, patient, provider)
    before = snapshot()
    book = api.post("/api/appointments", _booking(patient, provider, start))
    move = api.post(f"/api/appointments/{visit.public_id}/reschedule", {"start": start})
    # then both are a 422 that says why, and nothing moved or was booked
    for response in (book, move):
        assert _code(response) == (422, "validation_failed")
        assert says in response.json()["message"]
    assert snapshot() == before


def test_a_body_that_is_not_json_is_refused_as_such(front_desk):
    before = snapshot()
    response = Api(front_desk).client.post(
        "/api/patients",
        data=json.dumps(GOOD_PATIENT),
        content_type="text/plain",
        headers=Api(front_desk).headers,
    )
    assert _code(response) == (415, "unsupported_media_type")
    assert snapshot() == before


def test_a_huge_body_gets_a_json_413(front_desk, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000_000
    big = {**GOOD_PATIENT, "first_name": "x" * 2_000_000}
    response = Api(front_desk).post("/api/patients", big)
    assert _code(response) == (413, "too_large")


def test_an_unexpected_failure_is_a_json_500_and_saves_nothing(front_desk, monkeypatch):
    # given a service that fails in a way nobody planned for
    from medassist.patients import api as patients_api

    def broken(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(patients_api, "patient_register", broken)
    before = snapshot()
    # when
    response = Api(front_desk, client=Client(raise_request_exception=False)).post(
        "/api/patients", GOOD_PATIENT
    )
    # then a JSON 500 that says nothing was saved, without the exception's text
    assert _code(response) == (500, "server_error")
    assert "nothing was saved" in response.json()["message"]
    assert "disk on fire" not in response.content.decode()
    assert snapshot() == before
