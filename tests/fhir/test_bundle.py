"""POST / with batch and transaction Bundles: a transaction is all-or-nothing and resolves
urn:uuid references between its entries; a batch runs each entry on its own."""

from __future__ import annotations

import uuid

import pytest

from medassist.patients.models import Patient
from medassist.records.models import Problem
from tests.fhir.conftest import row_counts

pytestmark = pytest.mark.django_db

ICD = "http://hl7.org/fhir/sid/icd-10-cm"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"


def urn() -> str:
    return f"urn:uuid:{uuid.uuid4()}"


def new_patient_entry(full_url: str, family: str = "Lindqvist") -> dict:
    return {
        "fullUrl": full_url,
        "resource": {
            "resourceType": "Patient",
            "name": [{"family": family, "given": ["Eva"]}],
            "gender": "female",
            "birthDate": "1955-09-09",
        },
        "request": {"method": "POST", "url": "Patient"},
    }


def condition_entry(patient_ref: str, code: str = "E11.9") -> dict:
    return {
        "fullUrl": urn(),
        "resource": {
            "resourceType": "Condition",
            "subject": {"reference": patient_ref},
            "code": {"coding": [{"system": ICD, "code": code}]},
        },
        "request": {"method": "POST", "url": "Condition"},
    }


def medication_entry(patient_ref: str) -> dict:
    return {
        "fullUrl": urn(),
        "resource": {
            "resourceType": "MedicationStatement",
            "status": "active",
            "subject": {"reference": patient_ref},
            "medicationCodeableConcept": {
                "coding": [{"system": RXNORM, "code": "29046"}],
                "text": "Lisinopril",
            },
        },
        "request": {"method": "POST", "url": "MedicationStatement"},
    }


def bundle(kind: str, entries: list[dict]) -> dict:
    return {"resourceType": "Bundle", "type": kind, "entry": entries}


def test_transaction_resolves_urn_references_in_any_order(fhir_as, physician, patient):
    # given: the encounter is referenced before it is listed
    enc_url = urn()
    entries = [
        {
            "fullUrl": urn(),
            "resource": {
                "resourceType": "Condition",
                "subject": {"reference": f"Patient/{patient.public_id}"},
                "encounter": {"reference": enc_url},
                "code": {"coding": [{"system": ICD, "code": "J20.9"}]},
                "category": [
                    {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/condition-category",
                                "code": "encounter-diagnosis",
                            }
                        ]
                    }
                ],
            },
            "request": {"method": "POST", "url": "Condition"},
        },
        {
            "fullUrl": enc_url,
            "resource": {
                "resourceType": "Encounter",
                "status": "finished",
                "class": {"code": "AMB"},
                "subject": {"reference": f"Patient/{patient.public_id}"},
                "period": {"start": "2025-01-10T14:00:00Z", "end": "2025-01-10T14:20:00Z"},
            },
            "request": {"method": "POST", "url": "Encounter"},
        },
        {"request": {"method": "GET", "url": f"Condition?patient={patient.public_id}"}},
    ]
    # when
    response = fhir_as(physician).post("/", bundle("transaction", entries))
    # then
    assert response.status_code == 200, response.data
    result = response.data
    assert result["type"] == "transaction-response"
    statuses = [e["response"]["status"] for e in result["entry"]]
    assert statuses == ["201 Created", "201 Created", "200 OK"]
    problem = Problem.objects.get(public_id=result["entry"][0]["resource"]["id"])
    assert str(problem.encounter.public_id) == result["entry"][1]["resource"]["id"]
    assert result["entry"][0]["resource"]["encounter"]["reference"].startswith("Encounter/")
    assert result["entry"][2]["resource"]["total"] == 1


def test_transaction_registers_a_patient_and_refers_to_it(fhir_as, clinic_admin):
    # given
    p_url = urn()
    entries = [new_patient_entry(p_url), new_patient_entry(urn(), family="Berg")]
    # when
    response = fhir_as(clinic_admin).post("/", bundle("transaction", entries))
    # then
    assert response.status_code == 200, response.data
    assert Patient.objects.filter(last_name__in=["Lindqvist", "Berg"]).count() == 2
    location = response.data["entry"][0]["response"]["location"]
    assert "/fhir/r4/Patient/" in location


def test_failed_transaction_leaves_no_trace(fhir_as, physician, patient):
    # given: two good entries, then one with a category instead of a billable code
    ref = f"Patient/{patient.public_id}"
    entries = [medication_entry(ref), condition_entry(ref), condition_entry(ref, code="E11")]
    before = row_counts()
    # when
    response = fhir_as(physician).post("/", bundle("transaction", entries))
    # then
    assert response.status_code == 422
    assert response.data["resourceType"] == "OperationOutcome"
    assert "Entry 2" in response.data["issue"][0]["diagnostics"]
    assert row_counts() == before  # not even an audit event


def test_transaction_with_an_unresolvable_urn_fails_whole(fhir_as, physician, patient):
    # given
    entries = [
        medication_entry(f"Patient/{patient.public_id}"),
        condition_entry(urn()),
    ]
    before = row_counts()
    # when
    response = fhir_as(physician).post("/", bundle("transaction", entries))
    # then
    assert response.status_code == 422
    assert row_counts() == before


def test_transaction_with_a_refused_permission_fails_whole(fhir_as, physician, patient):
    # given: a physician may chart but not register a patient
    entries = [condition_entry(f"Patient/{patient.public_id}"), new_patient_entry(urn())]
    before = row_counts()
    # when
    response = fhir_as(physician).post("/", bundle("transaction", entries))
    # then
    assert response.status_code == 403
    assert row_counts() == before


def test_circular_references_are_refused(fhir_as, physician, patient):
    # given
    a, b = urn(), urn()
    first = condition_entry(b)
    first["fullUrl"] = a
    second = condition_entry(a)
    second["fullUrl"] = b
    before = row_counts()
    # when
    response = fhir_as(physician).post("/", bundle("transaction", [first, second]))
    # then
    assert response.status_code == 400
    assert row_counts() == before


def test_batch_entries_succeed_or_fail_on_their_own(fhir_as, physician, patient):
    # given
    ref = f"Patient/{patient.public_id}"
    entries = [
        condition_entry(ref),
        condition_entry(ref, code="E11"),
        {"request": {"method": "GET", "url": f"Patient/{uuid.uuid4()}"}},
        {"request": {"method": "DELETE", "url": f"Patient/{patient.public_id}"}},
        medication_entry(ref),
    ]
    # when
    response = fhir_as(physician).post("/", bundle("batch", entries))
    # then
    assert response.status_code == 200, response.data
    statuses = [e["response"]["status"][:3] for e in response.data["entry"]]
    assert statuses == ["201", "422", "404", "405", "201"]
    assert response.data["entry"][1]["response"]["outcome"]["resourceType"] == "OperationOutcome"
    assert Problem.objects.filter(patient=patient).count() == 1


def test_bundle_must_be_batch_or_transaction(fhir_as, physician):
    # when
    response = fhir_as(physician).post("/", {"resourceType": "Bundle", "type": "collection"})
    # then
    assert response.status_code == 400


def test_bundle_entries_need_a_request(fhir_as, physician, patient):
    # given
    entry = condition_entry(f"Patient/{patient.public_id}")
    del entry["request"]
    # when
    response = fhir_as(physician).post("/", bundle("transaction", [entry]))
    # then
    assert response.status_code == 400


def test_update_inside_a_transaction(fhir_as, physician, chart_items, patient):
    # given
    api = fhir_as(physician)
    problem = chart_items["problem"]
    resource = api.get(f"/Condition/{problem.public_id}").data
    resource["note"] = [{"text": "Checked in transaction"}]
    entries = [
        {
            "fullUrl": f"Condition/{problem.public_id}",
            "resource": resource,
            "request": {
                "method": "PUT",
                "url": f"Condition/{problem.public_id}",
                "ifMatch": 'W/"1"',
            },
        }
    ]
    # when
    response = api.post("/", bundle("transaction", entries))
    # then
    assert response.status_code == 200, response.data
    assert response.data["entry"][0]["response"]["etag"] == 'W/"2"'
    problem.refresh_from_db()
    assert problem.note == "Checked in transaction"
