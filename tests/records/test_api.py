"""The chart API over the whole cast: statuses, and refused requests change nothing."""

from __future__ import annotations

import json

import pytest
from django.db import transaction

from medassist.records import services
from medassist.records.models import Note, Problem
from tests.records.test_views import CLINICAL, ROLES, STAFF, chart_state


@pytest.fixture
def api_world(patient, physician):
    enc = services.encounter_create(actor=physician, patient=patient, type_display="Visit")
    draft = services.note_create(actor=physician, encounter=enc, title="Draft", body="draft")
    signed = services.note_create(actor=physician, encounter=enc, title="Signed", body="signed")
    services.note_sign(actor=physician, note=signed)
    problem = services.problem_create(actor=physician, patient=patient, code="I10")
    return {"p": patient.public_id, "enc": enc.public_id, "draft": draft.public_id,
            "signed": signed.public_id, "problem": problem.public_id}  # fmt: skip


def api_specs(w):
    p = w["p"]
    return {
        "chart": ("get", f"/api/records/patients/{p}/chart", None, STAFF, 200),
        "encounters": ("get", f"/api/records/patients/{p}/encounters", None, STAFF, 200),
        "history": ("get", f"/api/records/items/problem/{w['problem']}/history", None, STAFF, 200),
        "problem": (
            "post",
            f"/api/records/patients/{p}/problems",
            {"code": "E78.5", "onset_date": "2021-03-01"},
            CLINICAL,
            201,
        ),
        "allergy": (
            "post",
            f"/api/records/patients/{p}/allergies",
            {"substance": "Aspirin", "reaction": "Wheeze", "severity": "moderate"},
            CLINICAL,
            201,
        ),
        "nka": ("post", f"/api/records/patients/{p}/nka", None, CLINICAL, 201),
        "medication": (
            "post",
            f"/api/records/patients/{p}/medications",
            {"drug_name": "Metformin", "code": "860975", "strength": "500 mg"},
            CLINICAL,
            201,
        ),
        "immunization": (
            "post",
            f"/api/records/patients/{p}/immunizations",
            # reported by the patient: history, chart.edit is enough
            {
                "cvx_code": "187",
                "occurrence_date": "2025-09-01",
                "lot_number": "L1",
                "primary_source": False,
            },
            CLINICAL,
            201,
        ),
        # given here: the vaccine-administration scope task; the cast's MA has no training
        "immunization given here": (
            "post",
            f"/api/records/patients/{p}/immunizations",
            {"cvx_code": "187", "occurrence_date": "2025-09-01", "lot_number": "L1"},
            {"physician"},
            201,
        ),
        "encounter": (
            "post",
            f"/api/records/patients/{p}/encounters",
            {"type_display": "Telehealth", "class_code": "VR"},
            CLINICAL,
            201,
        ),
        "note": (
            "post",
            f"/api/records/encounters/{w['enc']}/notes",
            {"title": "Note", "body": "text"},
            CLINICAL,
            201,
        ),
        "sign": ("post", f"/api/records/notes/{w['draft']}/sign", None, {"physician"}, 200),
        "amend": (
            "post",
            f"/api/records/notes/{w['signed']}/amend",
            {"body": "fixed", "reason": "typo"},
            {"physician"},
            201,
        ),
        "entered-in-error": (
            "post",
            f"/api/records/items/problem/{w['problem']}/entered-in-error",
            {"reason": "duplicate"},
            CLINICAL,
            200,
        ),
    }


@pytest.mark.parametrize(
    "name",
    ["chart", "encounters", "history", "problem", "allergy", "nka", "medication",
     "immunization", "immunization given here", "encounter", "note", "sign", "amend",
     "entered-in-error"],
)  # fmt: skip
def test_api_role_matrix(name, api_world, cast, client_for):
    method, url, body, allowed, ok = api_specs(api_world)[name]
    for role in ROLES:
        # given
        client = client_for(cast.get(role))
        before = chart_state()
        sid = transaction.savepoint()
        # when
        if method == "get":
            response = client.get(url)
        else:
            response = client.post(url, json.dumps(body or {}), content_type="application/json")
        # then
        if role == "anonymous":
            want = 401
        elif role == "other_clinic_physician":
            want = 404
        else:
            want = ok if role in allowed else 403
        assert response.status_code == want, (name, role, response.content[:400])
        if want >= 400:
            assert "code" in response.json()
            if name == "immunization given here" and role == "medical_assistant":
                assert response.json()["code"] == "scope_refused"
                assert response.json()["task"] == "vaccine_administration"
            assert chart_state() == before, (name, role)
        elif method == "post":
            assert chart_state() != before
        transaction.savepoint_rollback(sid)


def test_chart_api_returns_coded_items(physician, patient, client_for, problem, allergy):
    body = client_for(physician).get(f"/api/records/patients/{patient.public_id}/chart").json()
    assert body["allergy_state"] == "allergies"
    assert body["problems"][0]["coding"] == {
        "system": "icd-10-cm",
        "code": "I10",
        "display": "Essential (primary) hypertension",
    }
    assert body["allergies"][0]["substance"] == "Penicillin"


def test_api_refuses_an_invalid_icd10_code_with_a_field_error(physician, patient, client_for):
    response = client_for(physician).post(
        f"/api/records/patients/{patient.public_id}/problems",
        json.dumps({"code": "Z99.999"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"]["code"]
    assert not Problem.objects.exists()


def test_api_cannot_rewrite_a_signed_note(physician, client_for, signed_note):
    # there is no edit endpoint; amending keeps the original text
    response = client_for(physician).post(
        f"/api/records/notes/{signed_note.public_id}/amend",
        json.dumps({"body": "new text", "reason": ""}),
        content_type="application/json",
    )
    assert response.status_code == 422
    signed_note.refresh_from_db()
    assert signed_note.body == "S: cough x3 days" and Note.objects.count() == 1


def test_api_entered_in_error_of_an_unknown_kind_is_404(physician, client_for, problem):
    response = client_for(physician).post(
        f"/api/records/items/spaceship/{problem.public_id}/entered-in-error",
        json.dumps({"reason": "x"}),
        content_type="application/json",
    )
    assert response.status_code == 404
