"""Refused access is audited: one `refused` event for each 401, 403 and 404 of a staff page,
the API and the FHIR server, with the user when known, the path without its query string and
the status. The refused request's own transaction is still rolled back."""

from __future__ import annotations

import uuid

import pytest

from medassist.audit.models import AuditEvent
from medassist.patients.models import Patient
from medassist.practice.models import ApiToken

REFUSED = AuditEvent.Action.REFUSED


def refusals() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=REFUSED).order_by("id"))


def bearer(user) -> dict:
    _, key = ApiToken.issue(user, "tests")
    return {"Authorization": f"Bearer {key}"}


def test_a_staff_page_the_role_may_not_open_is_one_refused_event(client_for, front_desk):
    # when the front desk opens the audit report (clinic admin only), with a query string
    response = client_for(front_desk).get("/audit/?patient=Reyes")
    # then 403, and one event naming who, where (no query string) and the status
    assert response.status_code == 403
    (event,) = refusals()
    assert (event.actor, event.actor_role, event.clinic_id) == (
        front_desk,
        "front_desk",
        front_desk.clinic_id,
    )
    assert event.detail == {"method": "GET", "path": "/audit/", "status": 403}
    assert event.channel == "web"


def test_another_clinics_record_is_a_refused_404_and_changes_nothing(
    client_for, other_clinic_physician, patient
):
    # given the other clinic's physician, and this clinic's patient
    before = list(Patient.objects.values_list("public_id", "updated_at"))
    # when they open the patient's page
    response = client_for(other_clinic_physician).get(f"/patients/{patient.public_id}/")
    # then 404, nothing changed, and the refusal is recorded in their own clinic's trail
    assert response.status_code == 404
    assert list(Patient.objects.values_list("public_id", "updated_at")) == before
    (event,) = refusals()
    assert (event.actor, event.clinic_id, event.patient) == (
        other_clinic_physician,
        other_clinic_physician.clinic_id,
        None,
    )
    assert event.detail["status"] == 404


def test_the_api_without_a_token_is_a_refused_401_of_anonymous(client, db):
    # when
    response = client.get("/api/patients?q=reyes")
    # then
    assert response.status_code == 401
    (event,) = refusals()
    assert (event.actor, event.actor_username, event.clinic_id) == (None, "anonymous", None)
    assert (event.channel, event.detail["path"], event.detail["status"]) == (
        "api",
        "/api/patients",
        401,
    )


def test_an_api_call_the_role_may_not_make_names_the_tokens_user(client, biller):
    # when the biller (no board.view) asks for the patient-flow board through the API
    response = client.get("/api/visits/board", headers=bearer(biller))
    # then 403, and the refusal names the biller
    assert response.status_code == 403
    (event,) = refusals()
    assert (event.actor, event.channel, event.detail["path"]) == (
        biller,
        "api",
        "/api/visits/board",
    )


def test_an_api_record_of_another_clinic_is_a_refused_404(client, other_clinic_physician, patient):
    # when
    response = client.get(
        f"/api/patients/{patient.public_id}", headers=bearer(other_clinic_physician)
    )
    # then
    assert response.status_code == 404
    (event,) = refusals()
    assert event.actor == other_clinic_physician
    assert event.detail["path"] == f"/api/patients/{patient.public_id}"


@pytest.mark.parametrize("with_token", [False, True])
def test_the_fhir_server_refusals_are_recorded(client, other_clinic_physician, patient, with_token):
    # when FHIR is asked for this clinic's patient: with no token (401), or by another
    # clinic's physician (404)
    headers = bearer(other_clinic_physician) if with_token else {}
    response = client.get(f"/fhir/r4/Patient/{patient.public_id}", headers=headers)
    # then
    assert response.status_code == (404 if with_token else 401)
    (event,) = refusals()
    assert event.actor == (other_clinic_physician if with_token else None)
    assert (event.channel, event.detail["status"]) == ("fhir", response.status_code)


def test_an_address_that_names_no_page_is_not_recorded(client_for, physician):
    # when a browser asks for something that does not exist at all
    response = client_for(physician).get(f"/favicon.ico?{uuid.uuid4()}")
    # then a plain 404 and no event
    assert response.status_code == 404
    assert refusals() == []


def test_an_allowed_request_writes_no_refusal(client_for, clinic_admin):
    # when
    response = client_for(clinic_admin).get("/audit/")
    # then
    assert response.status_code == 200
    assert refusals() == []
