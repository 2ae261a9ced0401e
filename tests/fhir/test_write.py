"""Create and update through the same services as the screens: what FHIR sends lands in the
chart with history and audit, and what the services refuse comes back as OperationOutcome."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from medassist.fhir.models import SourceIdentifier
from medassist.patients.models import Patient
from medassist.records.models import (
    Allergy,
    ChartHistory,
    Encounter,
    Immunization,
    MedicationStatement,
    Observation,
    Problem,
)
from medassist.scheduling.models import Appointment
from tests import factories
from tests.fhir.conftest import data_counts

pytestmark = pytest.mark.django_db

ICD = "http://hl7.org/fhir/sid/icd-10-cm"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"


def subject(patient) -> dict:
    return {"reference": f"Patient/{patient.public_id}"}


def test_create_patient_registers_with_a_new_mrn(fhir_as, front_desk):
    # given
    body = {
        "resourceType": "Patient",
        "name": [{"use": "official", "family": "Nguyen", "given": ["Linh", "Thi"]}],
        "gender": "female",
        "birthDate": "1991-02-03",
        "telecom": [{"system": "phone", "value": "(518) 555-0199", "use": "mobile"}],
        "address": [{"line": ["4 Oak Ave"], "city": "Troy", "state": "ny", "postalCode": "12180"}],
        "contact": [
            {
                "relationship": [{"text": "Sister"}],
                "name": {"text": "Mai Nguyen"},
                "telecom": [{"system": "phone", "value": "518-555-0111"}],
            }
        ],
    }
    # when
    response = fhir_as(front_desk).post("/Patient", body)
    # then
    assert response.status_code == 201, response.data
    patient = Patient.objects.get(public_id=response.data["id"])
    assert (patient.first_name, patient.middle_name, patient.last_name) == ("Linh", "Thi", "Nguyen")
    assert patient.phone_mobile == "+15185550199" and patient.state == "NY"
    assert patient.emergency_contact_name == "Mai Nguyen"
    assert patient.emergency_contact_relationship == "Sister"
    assert response["Location"].endswith(f"/fhir/r4/Patient/{patient.public_id}")
    assert response.data["identifier"][0]["value"] == patient.mrn


def test_patient_carries_importer_identifiers(fhir_as, front_desk, patient, clinic):
    # given
    SourceIdentifier.objects.create(
        clinic=clinic,
        resource_type="Patient",
        object_public_id=patient.public_id,
        system="https://github.com/synthetichealth/synthea",
        value="abc-123",
    )
    # when
    data = fhir_as(front_desk).get(f"/Patient/{patient.public_id}").data
    # then
    assert data["identifier"][1] == {
        "system": "https://github.com/synthetichealth/synthea",
        "value": "abc-123",
    }
    api = fhir_as(front_desk)
    found = api.get(
        "/Patient", {"identifier": "https://github.com/synthetichealth/synthea|abc-123"}
    )
    assert [e["resource"]["id"] for e in found.data["entry"]] == [str(patient.public_id)]
    assert api.get("/Patient", {"identifier": "http://other.example|abc-123"}).data["total"] == 0
    mrn = api.get(
        "/Patient", {"identifier": f"urn:medassist:clinic:{clinic.public_id}:mrn|{patient.mrn}"}
    )
    assert mrn.data["total"] == 1


def test_update_patient_changes_demographics(fhir_as, front_desk, patient):
    # given
    api = fhir_as(front_desk)
    resource = api.get(f"/Patient/{patient.public_id}").data
    resource["address"][0]["city"] = "Schenectady"
    resource["telecom"] = [{"system": "phone", "value": "518-555-0123", "use": "home"}]
    # when
    response = api.put(f"/Patient/{patient.public_id}", resource)
    # then
    assert response.status_code == 200, response.data
    patient.refresh_from_db()
    assert patient.city == "Schenectady"
    assert patient.phone_home == "+15185550123" and patient.phone_mobile == ""


def test_create_condition_checks_the_icd10_code(fhir_as, physician, patient):
    # given
    api = fhir_as(physician)
    body = {
        "resourceType": "Condition",
        "subject": subject(patient),
        "code": {"coding": [{"system": ICD, "code": "E11.9"}]},
        "onsetDateTime": "2021-06",
    }
    # when
    created = api.post("/Condition", body)
    category = api.post(
        "/Condition", {**body, "code": {"coding": [{"system": ICD, "code": "E11"}]}}
    )
    # then
    assert created.status_code == 201, created.data
    problem = Problem.objects.get(public_id=created.data["id"])
    assert problem.display == "Type 2 diabetes mellitus without complications"
    assert problem.onset_date == dt.date(2021, 6, 1)
    assert ChartHistory.objects.filter(item_id=problem.public_id, action="create").exists()
    assert category.status_code == 422
    assert "more specific" in category.data["issue"][0]["diagnostics"]


def test_update_condition_resolves_it_with_a_new_version(fhir_as, physician, chart_items):
    # given
    api = fhir_as(physician)
    problem = chart_items["problem"]
    resource = api.get(f"/Condition/{problem.public_id}").data
    resource["clinicalStatus"]["coding"][0]["code"] = "resolved"
    resource["abatementDateTime"] = "2024-02-01"
    # when
    response = api.put(f"/Condition/{problem.public_id}", resource, headers={"If-Match": 'W/"1"'})
    # then
    assert response.status_code == 200, response.data
    assert response.data["meta"]["versionId"] == "2"
    problem.refresh_from_db()
    assert (problem.clinical_status, problem.abatement_date) == ("resolved", dt.date(2024, 2, 1))


def test_update_with_a_stale_version_is_refused(fhir_as, physician, chart_items):
    # given
    api = fhir_as(physician)
    problem = chart_items["problem"]
    resource = api.get(f"/Condition/{problem.public_id}").data
    resource["note"] = [{"text": "changed"}]
    api.put(f"/Condition/{problem.public_id}", resource)
    # when
    response = api.put(f"/Condition/{problem.public_id}", resource, headers={"If-Match": 'W/"1"'})
    # then
    assert response.status_code == 412
    assert response.data["resourceType"] == "OperationOutcome"


def test_create_allergy_ends_no_known_allergies(fhir_as, physician, front_desk):
    # given
    from medassist.records import services as chart

    patient = factories.make_patient(front_desk)
    nka = chart.nka_record(actor=physician, patient=patient)
    body = {
        "resourceType": "AllergyIntolerance",
        "patient": subject(patient),
        "code": {"coding": [{"system": RXNORM, "code": "7980", "display": "Penicillin G"}]},
        "category": ["medication"],
        "criticality": "high",
        "reaction": [{"manifestation": [{"text": "Anaphylaxis"}], "severity": "severe"}],
    }
    # when
    response = fhir_as(physician).post("/AllergyIntolerance", body)
    # then
    assert response.status_code == 201, response.data
    allergy = Allergy.objects.get(public_id=response.data["id"])
    assert (allergy.display, allergy.code, allergy.severity) == ("Penicillin G", "7980", "severe")
    assert (allergy.reaction, allergy.criticality) == ("Anaphylaxis", "high")
    nka.refresh_from_db()
    assert nka.status == "ended"


def test_create_and_update_medication_statement(fhir_as, physician, patient, provider):
    # given
    api = fhir_as(physician)
    body = {
        "resourceType": "MedicationStatement",
        "status": "active",
        "subject": subject(patient),
        "medicationCodeableConcept": {
            "coding": [{"system": RXNORM, "code": "6809"}],
            "text": "Metformin",
        },
        "effectivePeriod": {"start": "2024-01-15"},
        "informationSource": {"reference": f"Practitioner/{provider.public_id}"},
        "dosage": [
            {"text": "1 tablet", "route": {"text": "oral"}, "timing": {"code": {"text": "bid"}}}
        ],
    }
    # when
    created = api.post("/MedicationStatement", body)
    resource = created.data
    resource["status"] = "stopped"
    resource["effectivePeriod"]["end"] = "2024-06-01"
    updated = api.put(f"/MedicationStatement/{resource['id']}", resource)
    # then
    assert created.status_code == 201, created.data
    assert updated.status_code == 200, updated.data
    med = MedicationStatement.objects.get(public_id=resource["id"])
    assert (med.display, med.code, med.frequency, med.prescriber_id) == (
        "Metformin",
        "6809",
        "bid",
        provider.pk,
    )
    assert (med.status, med.stop_date, med.version) == ("stopped", dt.date(2024, 6, 1), 2)


def test_create_immunization_needs_a_cvx_code(fhir_as, medical_assistant, patient):
    # given: an MA trained to give vaccines (a dose given here needs it; test_write_scope.py)
    factories.make_training(medical_assistant, "vaccine_administration")
    api = fhir_as(medical_assistant)
    body = {
        "resourceType": "Immunization",
        "status": "completed",
        "patient": subject(patient),
        "vaccineCode": {"coding": [{"system": "http://hl7.org/fhir/sid/cvx", "code": "140"}]},
        "occurrenceDateTime": "2025-10-01",
        "lotNumber": "LOT9",
        "doseQuantity": {
            "value": 0.5,
            "unit": "mL",
            "system": "http://unitsofmeasure.org",
            "code": "mL",
        },
    }
    # when
    created = api.post("/Immunization", body)
    uncoded = api.post("/Immunization", {**body, "vaccineCode": {"text": "flu shot"}})
    # then
    assert created.status_code == 201, created.data
    imm = Immunization.objects.get(public_id=created.data["id"])
    assert (imm.code, imm.lot_number, imm.dose_quantity) == ("140", "LOT9", "0.5 mL")
    assert created.data["doseQuantity"]["code"] == "mL"
    assert uncoded.status_code == 422


def test_create_and_update_observation(fhir_as, physician, patient):
    # given
    api = fhir_as(physician)
    body = {
        "resourceType": "Observation",
        "status": "final",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "laboratory",
                    }
                ]
            }
        ],
        "code": {
            "coding": [{"system": "http://loinc.org", "code": "2345-7", "display": "Glucose"}]
        },
        "subject": subject(patient),
        "effectiveDateTime": (timezone.now() - dt.timedelta(hours=2)).isoformat(),
        "valueQuantity": {
            "value": 104,
            "unit": "mg/dL",
            "system": "http://unitsofmeasure.org",
            "code": "mg/dL",
        },
    }
    # when
    created = api.post("/Observation", body)
    resource = created.data
    resource["valueQuantity"]["value"] = 99
    updated = api.put(f"/Observation/{resource['id']}", resource)
    # then
    assert created.status_code == 201, created.data
    assert updated.status_code == 200, updated.data
    obs = Observation.objects.get(public_id=resource["id"])
    assert (obs.code, obs.value_quantity, obs.value_unit, obs.version) == ("2345-7", 99, "mg/dL", 2)


def test_vital_sign_observations_are_read_only(fhir_as, physician, chart_items):
    # given
    api = fhir_as(physician)
    vitals = chart_items["vitals"]
    resource = api.get(f"/Observation/{vitals.public_id}-hr").data
    before = data_counts()
    # when
    response = api.put(f"/Observation/{vitals.public_id}-hr", resource)
    # then
    assert response.status_code == 405
    assert data_counts() == before


def test_create_encounter_and_finish_it(fhir_as, physician, patient, provider):
    # given
    api = fhir_as(physician)
    start = timezone.now() - dt.timedelta(hours=1)
    body = {
        "resourceType": "Encounter",
        "status": "in-progress",
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "VR"},
        "type": [{"text": "Telehealth follow-up"}],
        "subject": subject(patient),
        "participant": [{"individual": {"reference": f"Practitioner/{provider.public_id}"}}],
        "period": {"start": start.isoformat()},
        "reasonCode": [{"text": "BP check"}],
    }
    # when
    created = api.post("/Encounter", body)
    resource = created.data
    resource["status"] = "finished"
    resource["period"]["end"] = timezone.now().isoformat()
    updated = api.put(f"/Encounter/{resource['id']}", resource)
    # then
    assert created.status_code == 201, created.data
    assert updated.status_code == 200, updated.data
    encounter = Encounter.objects.get(public_id=resource["id"])
    assert (encounter.class_code, encounter.status, encounter.provider_id) == (
        "VR",
        "finished",
        provider.pk,
    )
    assert encounter.reason_text == "BP check" and encounter.end is not None


def test_book_and_cancel_an_appointment(fhir_as, front_desk, patient, provider, clinic):
    # given
    api = fhir_as(front_desk)
    start = factories.next_slot(clinic, hours_ahead=26)
    body = {
        "resourceType": "Appointment",
        "status": "booked",
        "appointmentType": {
            "coding": [
                {"system": f"urn:medassist:clinic:{clinic.public_id}:visit-type", "code": "new"}
            ]
        },
        "start": start.isoformat(),
        "participant": [
            {"actor": subject(patient), "status": "accepted"},
            {"actor": {"reference": f"Practitioner/{provider.public_id}"}, "status": "accepted"},
        ],
    }
    # when
    booked = api.post("/Appointment", body)
    resource = booked.data
    resource["status"] = "cancelled"
    resource["cancelationReason"] = {"text": "Patient called"}
    cancelled = api.put(f"/Appointment/{resource['id']}", resource)
    # then
    assert booked.status_code == 201, booked.data
    assert cancelled.status_code == 200, cancelled.data
    appt = Appointment.objects.get(public_id=resource["id"])
    assert (appt.status, appt.cancel_reason, appt.visit_type.code) == (
        "cancelled",
        "Patient called",
        "new",
    )
    assert (appt.end - appt.start) == dt.timedelta(minutes=40)


def test_rescheduling_through_put_is_refused(fhir_as, front_desk, appointment):
    # given
    api = fhir_as(front_desk)
    resource = api.get(f"/Appointment/{appointment.public_id}").data
    resource["start"] = (appointment.start + dt.timedelta(hours=2)).isoformat()
    resource.pop("end")
    # when
    response = api.put(f"/Appointment/{appointment.public_id}", resource)
    # then
    assert response.status_code == 422
    appointment.refresh_from_db()
    assert appointment.status == "booked"
