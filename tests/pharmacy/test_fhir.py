"""FHIR: MedicationRequest, MedicationDispense, MedicationAdministration readable and valid;
the vaccine's Immunization from the administration; refused roles and clinics."""

from __future__ import annotations

import pytest

from medassist.audit.models import AuditEvent
from medassist.pharmacy import services
from tests.fhir.conftest import Fhir, r4b
from tests.pharmacy.conftest import VIS_DATE


@pytest.fixture
def given(trained_ma, vaccine_order, vaccine_lot, patient):
    return services.medication_administer(
        actor=trained_ma,
        order=vaccine_order,
        patient=patient,
        scan="(01)00358160842110(10)TD123",
        dose_amount="0.5",
        dose_unit="mL",
        route="intramuscular",
        site="left deltoid",
        vis_date=VIS_DATE,
    )


@pytest.fixture
def dispensed(trained_ma, dispense_order, tablet_lot, patient):
    return services.medication_dispense(
        actor=trained_ma,
        order=dispense_order,
        patient=patient,
        scan="68180-0513-01",
        lot_number="LS9",
    )


def test_the_three_medication_resources_and_the_immunization_read_and_validate(
    physician, given, dispensed, vaccine_order, patient
):
    fhir = Fhir(physician)
    request = fhir.get(f"/MedicationRequest/{vaccine_order.public_id}")
    assert request.status_code == 200
    r4b(request.data)
    assert request.data["intent"] == "order" and request.data["status"] == "completed"
    codes = {c["system"]: c["code"] for c in request.data["medicationCodeableConcept"]["coding"]}
    assert codes["http://hl7.org/fhir/sid/cvx"] == "115"
    assert codes["http://hl7.org/fhir/sid/ndc"] == "58160-0842-11"
    administration = fhir.get(f"/MedicationAdministration/{given.public_id}")
    assert administration.status_code == 200
    r4b(administration.data)
    assert administration.data["dosage"]["site"]["text"] == "left deltoid"
    immunization_ref = administration.data["supportingInformation"][0]["reference"]
    immunization = fhir.get(f"/{immunization_ref}")
    assert immunization.status_code == 200 and immunization.data["lotNumber"] == "TD123"
    dispense = fhir.get(f"/MedicationDispense/{dispensed.public_id}")
    assert dispense.status_code == 200
    r4b(dispense.data)
    assert dispense.data["quantity"]["value"] == 7
    assert AuditEvent.objects.filter(object_id=str(given.public_id), action="read").exists()
    found = fhir.get("/MedicationRequest", {"patient": str(patient.public_id)})
    assert found.status_code == 200 and found.data["total"] == 2


def test_another_clinic_cannot_read_and_reading_follows_patient_view(
    biller, other_clinic_physician, given
):
    path = f"/MedicationAdministration/{given.public_id}"
    assert Fhir(other_clinic_physician).get(path).status_code == 404
    assert Fhir(biller).get(path).status_code == 200  # like Immunization: patient.view


def test_fhir_offers_no_write_of_medication_acts(trained_ma, vaccine_order):
    body = {
        "resourceType": "MedicationAdministration",
        "status": "completed",
        "medicationCodeableConcept": {"text": "x"},
        "subject": {"reference": "Patient/x"},
        "effectiveDateTime": "2026-01-01T00:00:00Z",
    }
    response = Fhir(trained_ma).send("post", "/MedicationAdministration", body)
    assert response.status_code in {400, 403, 405, 422}
