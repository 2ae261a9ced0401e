"""The role matrix: each endpoint, each member of the cast — the status, and that a refused
request changed nothing (chart, patients, appointments, history)."""

from __future__ import annotations

import pytest

from tests import factories
from tests.fhir.conftest import Fhir, data_counts

pytestmark = pytest.mark.django_db

ROLES = (
    "front_desk",
    "medical_assistant",
    "physician",
    "biller",
    "clinic_admin",
    "other_clinic_physician",
    None,
)
ICD = "http://hl7.org/fhir/sid/icd-10-cm"


def _condition(patient) -> dict:
    return {
        "resourceType": "Condition",
        "subject": {"reference": f"Patient/{patient.public_id}"},
        "code": {"coding": [{"system": ICD, "code": "E11.9"}]},
    }


def read_patient(api, f):
    return api.get(f"/Patient/{f['patient'].public_id}")


def search_conditions(api, f):
    return api.get("/Condition", {"patient": str(f["patient"].public_id)})


def read_vitals(api, f):
    return api.get(f"/Observation/{f['chart_items']['vitals'].public_id}-bp")


def create_patient(api, f):
    body = {
        "resourceType": "Patient",
        "name": [{"family": "Brandt", "given": ["Ola"]}],
        "gender": "male",
        "birthDate": "1970-01-02",
    }
    return api.post("/Patient", body)


def update_patient(api, f):
    patient = f["patient"]
    body = {
        "resourceType": "Patient",
        "id": str(patient.public_id),
        "name": [{"family": "Reyes", "given": ["Jordan"]}],
        "gender": "female",
        "birthDate": "1980-05-17",
        "address": [{"city": "Hudson", "state": "NY"}],
    }
    return api.put(f"/Patient/{patient.public_id}", body)


def create_condition(api, f):
    return api.post("/Condition", _condition(f["patient"]))


def update_condition(api, f):
    problem = f["chart_items"]["problem"]
    body = {**_condition(f["patient"]), "id": str(problem.public_id), "note": [{"text": "x"}]}
    body["code"] = {"coding": [{"system": ICD, "code": "I10"}]}
    return api.put(f"/Condition/{problem.public_id}", body)


def book_appointment(api, f):
    clinic, patient = f["clinic"], f["patient"]
    body = {
        "resourceType": "Appointment",
        "status": "booked",
        "appointmentType": {"coding": [{"code": "follow-up"}]},
        "start": factories.next_slot(clinic, hours_ahead=30).isoformat(),
        "participant": [
            {"actor": {"reference": f"Patient/{patient.public_id}"}, "status": "accepted"},
            {
                "actor": {"reference": f"Practitioner/{f['provider'].public_id}"},
                "status": "accepted",
            },
        ],
    }
    return api.post("/Appointment", body)


def export_record(api, f):
    return api.get(f"/Patient/{f['patient'].public_id}/$everything")


def transaction(api, f):
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "resource": _condition(f["patient"]),
                "request": {"method": "POST", "url": "Condition"},
            }
        ],
    }
    return api.post("/", bundle)


FD, MA, DR, BI, AD, OTHER, ANON = ROLES
MATRIX = {
    read_patient: {FD: 200, MA: 200, DR: 200, BI: 200, AD: 200, OTHER: 404, ANON: 401},
    search_conditions: {FD: 200, MA: 200, DR: 200, BI: 200, AD: 200, OTHER: 200, ANON: 401},
    read_vitals: {FD: 200, MA: 200, DR: 200, BI: 403, AD: 200, OTHER: 404, ANON: 401},
    create_patient: {FD: 201, MA: 403, DR: 403, BI: 403, AD: 201, OTHER: 403, ANON: 401},
    update_patient: {FD: 200, MA: 200, DR: 403, BI: 403, AD: 200, OTHER: 403, ANON: 401},
    create_condition: {FD: 403, MA: 201, DR: 201, BI: 403, AD: 403, OTHER: 422, ANON: 401},
    update_condition: {FD: 403, MA: 200, DR: 200, BI: 403, AD: 403, OTHER: 404, ANON: 401},
    book_appointment: {FD: 201, MA: 201, DR: 403, BI: 403, AD: 201, OTHER: 403, ANON: 401},
    export_record: {FD: 200, MA: 403, DR: 200, BI: 403, AD: 200, OTHER: 404, ANON: 401},
    transaction: {FD: 403, MA: 200, DR: 200, BI: 403, AD: 403, OTHER: 422, ANON: 401},
}
CASES = [
    pytest.param(call, role, status, id=f"{call.__name__}-{role or 'anonymous'}")
    for call, by_role in MATRIX.items()
    for role, status in by_role.items()
]


@pytest.mark.parametrize(("call", "role", "status"), CASES)
def test_role_matrix(request, cast, patient, chart_items, clinic, provider, call, role, status):
    # given
    user = cast[role] if role else None
    api = Fhir(user) if user else Fhir()
    fixtures = {
        "patient": patient,
        "chart_items": chart_items,
        "clinic": clinic,
        "provider": provider,
    }
    before = data_counts()
    # when
    response = call(api, fixtures)
    # then
    assert response.status_code == status, response.data
    if status >= 400:
        assert response.data["resourceType"] == "OperationOutcome"
        assert data_counts() == before
