"""FHIR `POST Immunization`: a dose given here (primarySource true, or absent) is an act of giving
a vaccine, refused with an OperationOutcome for a medical assistant without the training the
state requires; a dose reported by the patient or another provider needs only chart.edit."""

from __future__ import annotations

import pytest

from medassist.audit.models import AuditEvent
from medassist.records.models import Immunization
from tests import factories
from tests.fhir.conftest import data_counts

pytestmark = pytest.mark.django_db

CVX = "http://hl7.org/fhir/sid/cvx"


def _body(patient, **extra) -> dict:
    return {
        "resourceType": "Immunization",
        "status": "completed",
        "patient": {"reference": f"Patient/{patient.public_id}"},
        "vaccineCode": {"coding": [{"system": CVX, "code": "140"}]},
        "occurrenceDateTime": "2025-10-01",
        **extra,
    }


@pytest.mark.parametrize("primary", [True, None], ids=["primarySource-true", "absent"])
def test_an_untrained_ma_may_not_record_a_dose_given_here(
    fhir_as, medical_assistant, patient, primary
):
    # given
    body = _body(patient) if primary is None else _body(patient, primarySource=primary)
    before = data_counts()
    # when
    response = fhir_as(medical_assistant).post("/Immunization", body)
    # then
    assert response.status_code == 403
    assert response.data["resourceType"] == "OperationOutcome"
    issue = response.data["issue"][0]
    assert issue["code"] == "forbidden" and "training" in issue["diagnostics"]
    assert data_counts() == before
    assert AuditEvent.objects.filter(
        object_type="practice.scope", object_id="vaccine_administration"
    ).exists()


def test_an_untrained_ma_may_record_a_reported_dose_marked_as_reported(
    fhir_as, medical_assistant, patient
):
    # when
    response = fhir_as(medical_assistant).post("/Immunization", _body(patient, primarySource=False))
    # then
    assert response.status_code == 201, response.data
    assert response.data["primarySource"] is False
    assert Immunization.objects.get(public_id=response.data["id"]).primary_source is False


def test_a_reported_dose_may_not_be_turned_into_one_given_here_by_an_untrained_ma(
    fhir_as, medical_assistant, patient
):
    # given
    api = fhir_as(medical_assistant)
    created = api.post("/Immunization", _body(patient, primarySource=False))
    rid = created.data["id"]
    # when
    response = api.send("PUT", f"/Immunization/{rid}", {**created.data, "primarySource": True})
    # then
    assert response.status_code == 403 and response.data["resourceType"] == "OperationOutcome"
    assert Immunization.objects.get(public_id=rid).primary_source is False


def test_a_trained_ma_and_a_physician_record_a_dose_given_here(
    fhir_as, medical_assistant, physician, patient
):
    # given
    factories.make_training(medical_assistant, "vaccine_administration")
    # when
    by_ma = fhir_as(medical_assistant).post("/Immunization", _body(patient, primarySource=True))
    by_doctor = fhir_as(physician).post("/Immunization", _body(patient))
    # then
    assert by_ma.status_code == 201 and by_doctor.status_code == 201
    assert Immunization.objects.filter(primary_source=True).count() == 2


def test_in_california_fhir_cannot_say_a_supervisor_is_present_so_an_ma_is_refused(
    fhir_as, medical_assistant, patient, clinic
):
    # given: trained, but California also requires a supervising physician on the premises
    clinic.state = "CA"
    clinic.save()
    factories.make_training(medical_assistant, "vaccine_administration")
    # when
    response = fhir_as(medical_assistant).post("/Immunization", _body(patient))
    # then
    assert response.status_code == 403
    assert "supervising physician" in response.data["issue"][0]["diagnostics"]
    assert not Immunization.objects.exists()
