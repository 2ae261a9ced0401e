"""The interactive docs and the OpenAPI document describe every endpoint."""

from __future__ import annotations

from django.test import Client

OUR_PATHS = {
    "/api/practice/providers": {"get"},
    "/api/practice/visit-types": {"get"},
    "/api/practice/locations": {"get"},
    "/api/practice/rooms": {"get"},
    "/api/practice/payers": {"get"},
    "/api/patients": {"get", "post"},
    "/api/patients/search": {"post"},
    "/api/patients/{patient_id}": {"get", "patch"},
    "/api/patients/{patient_id}/coverages": {"get", "post"},
    "/api/patients/{patient_id}/coverages/{coverage_id}": {"patch"},
    "/api/appointments": {"get", "post"},
    "/api/appointments/{appointment_id}": {"get"},
    "/api/appointments/{appointment_id}/cancel": {"post"},
    "/api/appointments/{appointment_id}/no-show": {"post"},
    "/api/appointments/{appointment_id}/start-visit": {"post"},
    "/api/visits/board": {"get"},
    "/api/visits/{appointment_id}/check-in": {"post"},
    "/api/visits/{appointment_id}/check-out": {"post"},
    "/api/intake/worklist": {"get"},
    "/api/intake/{appointment_id}/room": {"post"},
    "/api/intake/{appointment_id}/vitals": {"get", "post"},
}


def test_the_docs_page_loads(db):
    response = Client().get("/api/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content


def test_the_openapi_document_lists_every_endpoint_with_its_methods(db):
    # when
    response = Client().get("/api/openapi.json")
    # then
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path, methods in OUR_PATHS.items():
        assert path in paths, path
        assert set(paths[path]) == methods, path


def test_the_openapi_document_types_ids_times_and_money(db):
    schemas = Client().get("/api/openapi.json").json()["components"]["schemas"]
    booking = schemas["AppointmentIn"]
    assert booking["properties"]["patient"]["format"] == "uuid"
    assert booking["properties"]["start"]["format"] == "date-time"
    assert booking["additionalProperties"] is False
    assert schemas["CheckInIn"]["properties"]["copay_collected"]["type"] == "string"
    assert schemas["PatientIn"]["properties"]["first_name"]["maxLength"] == 100
