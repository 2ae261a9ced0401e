"""Every refusal is an OperationOutcome with the right status, and changes nothing."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client

from tests.fhir.conftest import FHIR_JSON, Fhir, data_counts, r4b

pytestmark = pytest.mark.django_db

ICD = "http://hl7.org/fhir/sid/icd-10-cm"


def condition(patient_ref: str, code: str = "E11.9") -> dict:
    return {
        "resourceType": "Condition",
        "subject": {"reference": patient_ref},
        "code": {"coding": [{"system": ICD, "code": code}]},
    }


def outcome(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.data
    assert response.data["resourceType"] == "OperationOutcome"
    issue = response.data["issue"][0]
    assert issue["severity"] == "error" and issue["diagnostics"]
    if code:
        assert issue["code"] == code
    return issue


def test_malformed_json_is_400(fhir_as, physician, patient):
    # given
    before = data_counts()
    # when
    response = fhir_as(physician).post("/Condition", raw="{not json")
    # then
    outcome(response, 400, "invalid")
    assert data_counts() == before


def test_resource_failing_r4b_validation_is_400(fhir_as, physician, patient):
    # given
    before = data_counts()
    body = {**condition(f"Patient/{patient.public_id}"), "onsetDateTime": "yesterday", "x": 1}
    # when
    response = fhir_as(physician).post("/Condition", body)
    # then
    issue = outcome(response, 400, "invalid")
    assert "Invalid Condition" in issue["diagnostics"]
    assert data_counts() == before


def test_wrong_resource_type_in_body_is_400(fhir_as, physician, patient):
    # when
    response = fhir_as(physician).post("/Condition", {"resourceType": "Patient"})
    # then
    outcome(response, 400)


def test_business_rule_failure_is_422(fhir_as, physician, patient):
    # given
    before = data_counts()
    # when: a category, not a billable code
    response = fhir_as(physician).post(
        "/Condition", condition(f"Patient/{patient.public_id}", "E11")
    )
    # then
    outcome(response, 422, "processing")
    assert data_counts() == before


def test_duplicate_active_problem_is_409(fhir_as, physician, patient, chart_items):
    # when
    response = fhir_as(physician).post(
        "/Condition", condition(f"Patient/{patient.public_id}", "I10")
    )
    # then
    outcome(response, 409, "conflict")


def test_unknown_resource_type_is_404(fhir_as, physician):
    # when / then
    outcome(fhir_as(physician).get("/Spaceship"), 404, "not-found")
    outcome(fhir_as(physician).get("/Spaceship/123"), 404, "not-found")


def test_unknown_id_is_404(fhir_as, physician):
    # when / then
    outcome(fhir_as(physician).get(f"/Patient/{uuid.uuid4()}"), 404, "not-found")
    outcome(fhir_as(physician).get("/Condition/not-a-uuid"), 404, "not-found")
    outcome(fhir_as(physician).get(f"/Observation/{uuid.uuid4()}-bp"), 404, "not-found")


def test_another_clinics_id_is_404_for_reads_and_writes(
    fhir_as, other_clinic_physician, patient, chart_items
):
    # given
    api = fhir_as(other_clinic_physician)
    problem = chart_items["problem"]
    before = data_counts()
    # when
    read = api.get(f"/Condition/{problem.public_id}")
    body = {**condition(f"Patient/{patient.public_id}"), "id": str(problem.public_id)}
    write = api.put(f"/Condition/{problem.public_id}", body)
    # then
    outcome(read, 404)
    outcome(write, 404)
    assert data_counts() == before


def test_reference_to_a_missing_resource_is_422(fhir_as, physician, other_clinic_physician):
    # given
    from tests import factories

    other_desk = factories.make_user(other_clinic_physician.clinic, "front_desk")
    stranger = factories.make_patient(other_desk)
    api = fhir_as(physician)
    before = data_counts()
    # when
    missing = api.post("/Condition", condition(f"Patient/{uuid.uuid4()}"))
    elsewhere = api.post("/Condition", condition(f"Patient/{stranger.public_id}"))
    wrong_type = api.post("/Condition", condition(f"Practitioner/{uuid.uuid4()}"))
    # then
    outcome(missing, 422, "not-found")
    outcome(elsewhere, 422, "not-found")
    outcome(wrong_type, 422)
    assert data_counts() == before


def test_missing_permission_is_403(fhir_as, front_desk, biller, patient, chart_items):
    # given
    before = data_counts()
    # when
    write = fhir_as(front_desk).post("/Condition", condition(f"Patient/{patient.public_id}"))
    export = fhir_as(biller).get(f"/Patient/{patient.public_id}/$everything")
    vitals = fhir_as(biller).get(f"/Observation/{chart_items['vitals'].public_id}-bp")
    # then
    outcome(write, 403, "forbidden")
    outcome(export, 403, "forbidden")
    outcome(vitals, 403, "forbidden")
    assert data_counts() == before


def test_not_logged_in_is_401(patient):
    # given
    anonymous = Fhir()
    bad_token = Fhir()
    bad_token.headers["Authorization"] = "Bearer ma_nope"
    # when / then
    response = anonymous.get(f"/Patient/{patient.public_id}")
    outcome(response, 401, "login")
    assert response["WWW-Authenticate"].startswith("Bearer")
    outcome(bad_token.get("/Patient"), 401, "login")
    outcome(anonymous.post("/Condition", condition(f"Patient/{patient.public_id}")), 401)


def test_wrong_method_is_405(fhir_as, physician, patient, chart_items):
    # given
    api = fhir_as(physician)
    before = data_counts()
    # when
    delete = api.send("delete", f"/Condition/{chart_items['problem'].public_id}")
    patch = api.send("patch", f"/Patient/{patient.public_id}", {})
    practitioner = api.post("/Practitioner", {"resourceType": "Practitioner"})
    # then
    outcome(delete, 405, "not-supported")
    assert delete["Allow"] == "GET, PUT"
    outcome(patch, 405)
    outcome(practitioner, 405)
    assert data_counts() == before


def test_unsupported_search_parameter_is_400(fhir_as, physician):
    # when / then
    outcome(fhir_as(physician).get("/Condition", {"colour": "red"}), 400)
    outcome(fhir_as(physician).get("/Condition", {"code:text": "diabetes"}), 400)
    outcome(fhir_as(physician).get("/Immunization", {"date": "last-tuesday"}), 400)
    outcome(fhir_as(physician).get("/Immunization", {"_count": "-1"}), 400)


def test_put_needs_the_id_of_the_url(fhir_as, physician, chart_items, patient):
    # given
    problem = chart_items["problem"]
    body = condition(f"Patient/{patient.public_id}", "I10")
    # when / then
    outcome(fhir_as(physician).put(f"/Condition/{problem.public_id}", body), 400)


def test_moving_an_item_to_another_patient_is_refused(fhir_as, physician, front_desk, chart_items):
    # given
    from tests import factories

    other = factories.make_patient(front_desk)
    api = fhir_as(physician)
    problem = chart_items["problem"]
    resource = api.get(f"/Condition/{problem.public_id}").data
    resource["subject"] = {"reference": f"Patient/{other.public_id}"}
    # when
    response = api.put(f"/Condition/{problem.public_id}", resource)
    # then
    outcome(response, 422)
    problem.refresh_from_db()
    assert problem.patient_id != other.pk and problem.version == 1


def test_other_content_types_are_415(fhir_as, physician, patient):
    # when
    response = fhir_as(physician).send(
        "post", "/Patient", raw="<Patient/>", ctype="application/fhir+xml"
    )
    # then
    outcome(response, 415)


def test_session_writes_need_the_csrf_token(physician, patient):
    # given
    client = Client(enforce_csrf_checks=True)
    client.force_login(physician)
    before = data_counts()
    # when
    response = client.post(
        "/fhir/r4/Condition",
        data=json.dumps(condition(f"Patient/{patient.public_id}")),
        content_type=FHIR_JSON,
    )
    # then
    assert response.status_code == 403
    r4b(response.json())
    assert data_counts() == before


def test_a_body_too_large_is_413(fhir_as, physician, settings):
    # given
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    before = data_counts()
    # when
    response = fhir_as(physician).post(
        "/", raw='{"resourceType": "Bundle", "x": "' + "a" * 2000 + '"}'
    )
    # then
    outcome(response, 413)
    assert data_counts() == before


def test_an_observation_with_components_is_refused(fhir_as, physician, patient):
    # given
    body = {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "85354-9"}], "text": "BP"},
        "subject": {"reference": f"Patient/{patient.public_id}"},
        "effectiveDateTime": "2024-01-01T10:00:00Z",
        "component": [
            {
                "code": {"coding": [{"system": "http://loinc.org", "code": "8480-6"}]},
                "valueQuantity": {"value": 120, "unit": "mm[Hg]"},
            }
        ],
    }
    # when
    response = fhir_as(physician).post("/Observation", body)
    # then
    outcome(response, 422)


def test_a_server_bug_is_still_an_operation_outcome(fhir_as, physician, patient, monkeypatch):
    # given
    from medassist.fhir import server

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(server, "read", broken)
    # when
    response = fhir_as(physician).get(f"/Patient/{patient.public_id}")
    # then
    issue = outcome(response, 500, "exception")
    assert "boom" not in issue["diagnostics"]
