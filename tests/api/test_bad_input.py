"""Bad input of every kind gets a clear, specific message and changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from medassist.patients.models import Patient
from medassist.practice.models import Location, Payer, Provider, Room, VisitType
from tests import factories
from tests.api.conftest import Api, snapshot, today_at

GOOD_PATIENT = {
    "first_name": "Lena",
    "last_name": "Okafor",
    "date_of_birth": "1972-11-02",
    "sex": "F",
}


def _booking(patient, provider, start) -> dict:
    clinic = patient.clinic
    return {
        "patient": str(patient.public_id),
        "provider": str(provider.public_id),
        "visit_type": str(VisitType.objects.get(clinic=clinic, code="follow-up").public_id),
        "location": str(Location.objects.get(clinic=clinic).public_id),
        "start": start.isoformat() if hasattr(start, "isoformat") else start,
    }


def _refused(response, status: int, code: str, *, field: str | None = None, says: str = ""):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    if field is not None:
        assert field in body["errors"], body
    assert says in body["message"], body["message"]
    return body


def test_malformed_json_is_refused_with_a_clear_message(front_desk):
    # given
    api = Api(front_desk)
    before = snapshot()
    # when
    response = api.post("/api/patients", raw='{"first_name": "Lena", ')
    # then
    _refused(response, 400, "malformed_json", says="The request body is not valid JSON")
    assert "line 1, column" in response.json()["message"]
    assert snapshot() == before


def test_a_json_array_instead_of_an_object_is_refused(front_desk):
    api = Api(front_desk)
    before = snapshot()
    response = api.post("/api/patients", [GOOD_PATIENT])
    _refused(response, 422, "validation_failed", says="valid dictionary")
    assert snapshot() == before


@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        ({"first_name": 123}, "first_name", "valid string"),
        ({"date_of_birth": 19721102}, "date_of_birth", "YYYY-MM-DD"),
        ({"date_of_birth": "02/11/1972"}, "date_of_birth", "YYYY-MM-DD"),
        ({"date_of_birth": "1972-02-30"}, "date_of_birth", "not a real date"),
        ({"sex": "female"}, "sex", "'F', 'M', 'U' or 'X'"),
        ({"allow_duplicate": "yes"}, "allow_duplicate", "valid boolean"),
        ({"last_name": ""}, "last_name", "at least 1 character"),
        ({"state": "New York"}, "state", "at most 2 characters"),
        ({"first_name": "x" * 101}, "first_name", "at most 100 characters"),
        ({"nickname": "Lee"}, "nickname", "Extra inputs are not permitted"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth", "cannot be in the future"),
        ({"phone_mobile": "12"}, "phone_mobile", "phone number"),
        ({"email": "not-an-email"}, "email", "valid email"),
    ],
    ids=lambda v: str(v)[:30],
)
def test_registration_with_a_bad_field_names_the_field_and_registers_nobody(
    front_desk, change, field, says
):
    # given
    api = Api(front_desk)
    before = snapshot()
    # when
    response = api.post("/api/patients", {**GOOD_PATIENT, **change})
    # then
    _refused(response, 422, "validation_failed", field=field, says=says)
    assert snapshot() == before


def test_a_likely_duplicate_is_refused_with_candidates_until_confirmed(front_desk, patient):
    # given
    api = Api(front_desk)
    same = {"first_name": "jordan", "last_name": "REYES", "date_of_birth": "1980-05-17", "sex": "F"}
    before = snapshot()
    # when
    refused = api.post("/api/patients", same)
    # then
    body = _refused(refused, 409, "possible_duplicate", says="already registered")
    assert body["candidates"] == [{"id": str(patient.public_id), "mrn": patient.mrn}]
    assert snapshot() == before
    # when the desk confirms this is a different person
    accepted = api.post("/api/patients", {**same, "allow_duplicate": True})
    # then
    assert accepted.status_code == 201
    assert Patient.objects.filter(last_name_key="reyes").count() == 2


def test_a_partial_update_changes_only_the_fields_sent(front_desk, patient):
    # given
    api = Api(front_desk)
    # when
    response = api.patch(f"/api/patients/{patient.public_id}", {"preferred_name": "Jo"})
    # then
    assert response.status_code == 200
    patient.refresh_from_db()
    assert patient.preferred_name == "Jo"
    assert patient.first_name == "Jordan" and patient.phone_mobile == "+15185550142"


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        ({"first_name": None}, "first_name", "may not be null"),
        ({"first_name": ""}, "first_name", "at least 1 character"),
        ({"sex": 1}, "sex", "'F', 'M', 'U' or 'X'"),
        ({"mrn": "XX1"}, "mrn", "Extra inputs are not permitted"),
        ({"allow_duplicate": True}, "allow_duplicate", "Extra inputs are not permitted"),
    ],
    ids=["null", "blank", "wrong-type", "read-only-field", "register-only-field"],
)
def test_a_bad_partial_update_is_refused_and_changes_nothing(
    front_desk, patient, body, field, says
):
    api = Api(front_desk)
    before = snapshot()
    response = api.patch(f"/api/patients/{patient.public_id}", body)
    _refused(response, 422, "validation_failed", field=field, says=says)
    assert snapshot() == before


def test_a_coverage_update_changes_only_the_fields_sent_and_null_clears_the_copay(biller, patient):
    # given
    coverage = patient.coverages.first()
    # when
    response = Api(biller).patch(
        f"/api/patients/{patient.public_id}/coverages/{coverage.public_id}",
        {"copay": None, "group_number": "G-7"},
    )
    # then
    assert response.status_code == 200, response.content
    assert response.json()["copay"] is None
    coverage.refresh_from_db()
    assert (coverage.copay, coverage.group_number, coverage.member_id) == (
        None,
        "G-7",
        "XJH123456789",
    )


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        ({"copay": 25}, "copay", 'as a string, like "25.00"'),
        ({"copay": "-5"}, "copay", "no sign"),
        ({"copay": "NaN"}, "copay", "like"),
        ({"copay": "12.345"}, "copay", "two decimal places"),
        ({"priority": 4}, "priority", "less than or equal to 3"),
        ({"priority": True}, "priority", "valid integer"),
        ({"relationship": "cousin"}, "relationship", "'self', 'spouse', 'child' or 'other'"),
        ({"member_id": ""}, "member_id", "at least 1 character"),
        ({"payer": "not-a-uuid"}, "payer", "UUID"),
        ({"payer": "00000000-0000-4000-8000-000000000000"}, "payer", "Unknown payer"),
    ],
    ids=lambda v: str(v)[:25],
)
def test_a_bad_coverage_is_refused_and_changes_nothing(front_desk, patient, body, field, says):
    # given
    api = Api(front_desk)
    payer = Payer.objects.get(clinic=patient.clinic)
    before = snapshot()
    # when
    response = api.post(
        f"/api/patients/{patient.public_id}/coverages",
        {"payer": str(payer.public_id), "member_id": "M1", **body},
    )
    # then
    _refused(response, 422, "validation_failed", field=field, says=says)
    assert snapshot() == before


def test_a_coverage_of_another_patient_is_not_found_under_this_one(front_desk, patient):
    api = Api(front_desk)
    other = factories.make_patient(front_desk)
    coverage = patient.coverages.first()
    before = snapshot()
    response = api.patch(
        f"/api/patients/{other.public_id}/coverages/{coverage.public_id}", {"group_number": "X"}
    )
    _refused(response, 404, "not_found")
    assert snapshot() == before


def test_a_malformed_id_in_the_path_is_refused_with_its_name(front_desk):
    api = Api(front_desk)
    response = api.get("/api/patients/not-a-uuid")
    _refused(response, 422, "validation_failed", field="patient_id", says="valid UUID")


def test_another_clinics_record_is_not_found(front_desk, other_clinic_physician):
    # given: a patient of the other clinic
    stranger = factories.make_patient(
        factories.make_user(other_clinic_physician.clinic, "front_desk")
    )
    api = Api(front_desk)
    # when
    response = api.get(f"/api/patients/{stranger.public_id}")
    # then
    _refused(response, 404, "not_found", says="No such patient")


def test_a_naive_start_time_is_refused(front_desk, patient, provider):
    api = Api(front_desk)
    naive = factories.next_slot(patient.clinic).replace(tzinfo=None).isoformat()
    before = snapshot()
    response = api.post("/api/appointments", _booking(patient, provider, naive))
    _refused(response, 422, "validation_failed", field="start", says="no UTC offset")
    assert snapshot() == before


@pytest.mark.parametrize(
    ("start", "says"),
    [(1767225600, "ISO 8601"), ("tomorrow at 9", "ISO 8601"), ("2026-13-01T09:00:00Z", "ISO")],
    ids=["number", "words", "impossible-month"],
)
def test_a_start_time_that_is_not_an_iso_time_is_refused(
    front_desk, patient, provider, start, says
):
    api = Api(front_desk)
    before = snapshot()
    response = api.post("/api/appointments", _booking(patient, provider, start))
    _refused(response, 422, "validation_failed", field="start", says=says)
    assert snapshot() == before


def test_booking_a_past_date_is_refused(front_desk, patient, provider):
    api = Api(front_desk)
    yesterday = today_at(patient.clinic, 9 * 60) - timedelta(days=1)  # 9:00 the day before
    before = snapshot()
    response = api.post("/api/appointments", _booking(patient, provider, yesterday))
    _refused(response, 422, "validation_failed", field="start", says="past date")
    assert snapshot() == before


def test_an_overlapping_booking_is_refused_with_slot_taken(front_desk, appointment, provider):
    # given: another patient wants a time ten minutes into the booked visit
    api = Api(front_desk)
    other = factories.make_patient(front_desk)
    before = snapshot()
    # when
    response = api.post(
        "/api/appointments", _booking(other, provider, appointment.start + timedelta(minutes=10))
    )
    # then
    _refused(response, 409, "slot_taken", field="start", says="overlaps")
    assert snapshot() == before


def test_booking_with_another_clinics_provider_is_not_found(
    front_desk, patient, other_clinic_physician
):
    api = Api(front_desk)
    before = snapshot()
    response = api.post(
        "/api/appointments",
        _booking(patient, other_clinic_physician.provider, factories.next_slot(patient.clinic)),
    )
    _refused(response, 404, "not_found", says="No such provider")
    assert snapshot() == before


def test_a_booking_note_over_500_characters_is_refused(front_desk, patient, provider):
    api = Api(front_desk)
    before = snapshot()
    body = {**_booking(patient, provider, factories.next_slot(patient.clinic)), "note": "n" * 501}
    response = api.post("/api/appointments", body)
    _refused(response, 422, "validation_failed", field="note", says="at most 500 characters")
    assert snapshot() == before


@pytest.mark.parametrize(
    ("status", "method", "path", "says"),
    [
        ("booked", "POST", "/api/appointments/{id}/start-visit", "cannot be marked with provider"),
        ("booked", "POST", "/api/visits/{id}/check-out", "cannot be marked checked out"),
        ("arrived", "POST", "/api/visits/{id}/check-in", "cannot be marked arrived"),
        ("with_provider", "POST", "/api/appointments/{id}/cancel", "cannot be marked cancelled"),
    ],
    ids=["start-before-rooming", "checkout-before-visit", "check-in-twice", "cancel-in-visit"],
)
def test_an_illegal_transition_is_refused_and_changes_nothing(
    front_desk, clinic_admin, physician, visit_in, status, method, path, says
):
    # given
    appt = visit_in(status)
    actor = physician if "start-visit" in path else clinic_admin
    body = {
        "check-out": {},
        "check-in": {"demographics_confirmed": True, "self_pay": True},
        "cancel": {"reason": "Patient left"},
    }.get(path.rsplit("/", 1)[-1])
    before = snapshot()
    # when
    response = Api(actor).call(method, path.format(id=appt.public_id), body)
    # then
    _refused(response, 409, "illegal_transition", says=says)
    assert snapshot() == before


def test_a_no_show_before_the_visit_starts_is_refused(front_desk, upcoming_appointment):
    api = Api(front_desk)
    before = snapshot()
    response = api.post(f"/api/appointments/{upcoming_appointment.public_id}/no-show")
    _refused(response, 422, "validation_failed", says="has not started yet")
    assert snapshot() == before


def test_cancelling_without_a_reason_is_refused(front_desk, appointment):
    api = Api(front_desk)
    before = snapshot()
    response = api.post(f"/api/appointments/{appointment.public_id}/cancel", {"reason": ""})
    _refused(response, 422, "validation_failed", field="reason", says="at least 1 character")
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        ({"demographics_confirmed": False, "self_pay": True}, "demographics_confirmed", "Confirm"),
        ({"demographics_confirmed": True}, "coverage", "self-pay"),
        ({"demographics_confirmed": "true", "self_pay": True}, "demographics_confirmed", "bool"),
        (
            {"demographics_confirmed": True, "self_pay": True, "copay_collected": "10.00"},
            "payment_method",
            "cash, card or check",
        ),
        (
            {"demographics_confirmed": True, "self_pay": True, "payment_method": "bitcoin"},
            "payment_method",
            "'', 'cash', 'card' or 'check'",
        ),
        ({"demographics_confirmed": True, "self_pay": True, "tip": "1"}, "tip", "Extra inputs"),
    ],
    ids=["not-confirmed", "no-insurance", "string-bool", "no-method", "bad-method", "unknown"],
)
def test_a_bad_check_in_is_refused_and_changes_nothing(front_desk, appointment, body, field, says):
    api = Api(front_desk)
    before = snapshot()
    response = api.post(f"/api/visits/{appointment.public_id}/check-in", body)
    _refused(response, 422, "validation_failed", field=field, says=says)
    assert snapshot() == before


def test_checking_in_with_another_patients_insurance_is_refused(front_desk, appointment):
    # given
    api = Api(front_desk)
    other = factories.make_patient(front_desk)
    foreign = factories.add_coverage(front_desk, other)
    before = snapshot()
    # when
    response = api.post(
        f"/api/visits/{appointment.public_id}/check-in",
        {"demographics_confirmed": True, "coverage": str(foreign.public_id)},
    )
    # then
    _refused(response, 422, "validation_failed", field="coverage", says="not on this patient")
    assert snapshot() == before


@pytest.mark.parametrize(
    ("vitals", "field", "says"),
    [
        ({"pulse": 900}, "pulse", "is not possible"),
        ({"bp_systolic": 80, "bp_diastolic": 120}, "bp_diastolic", "swapped"),
        ({"bp_systolic": 120}, "bp_diastolic", "both systolic and diastolic"),
        ({"temperature": 210, "temperature_unit": "F"}, "temperature_c", "is not possible"),
        ({"pulse": "72"}, "pulse", "valid integer"),
        ({"pulse": 72.5}, "pulse", "valid integer"),
        ({"temperature": True}, "temperature", "valid number"),
        ({"temperature": 37, "temperature_unit": "K"}, "temperature_unit", "'C' or 'F'"),
        ({"glucose": 90}, "glucose", "Extra inputs"),
    ],
    ids=lambda v: str(v)[:30],
)
def test_impossible_or_mistyped_vitals_are_refused_and_change_nothing(
    medical_assistant, visit_in, vitals, field, says
):
    # given
    appt = visit_in("arrived")
    api = Api(medical_assistant)
    before = snapshot()
    # when
    response = api.post(f"/api/intake/{appt.public_id}/vitals", vitals)
    # then
    _refused(response, 422, "validation_failed", field=field, says=says)
    assert snapshot() == before


def test_empty_vitals_are_refused(medical_assistant, visit_in):
    appt = visit_in("arrived")
    before = snapshot()
    response = Api(medical_assistant).post(f"/api/intake/{appt.public_id}/vitals", {})
    _refused(response, 422, "validation_failed", says="at least one vital sign")
    assert snapshot() == before


def test_rooming_with_impossible_vitals_rooms_nobody(medical_assistant, visit_in, clinic):
    # given
    appt = visit_in("arrived")
    room = Room.objects.filter(location__clinic=clinic).first()
    before = snapshot()
    # when
    response = Api(medical_assistant).post(
        f"/api/intake/{appt.public_id}/room",
        {"room": str(room.public_id), "reason_for_visit": "Dizzy", "vitals": {"spo2": 140}},
    )
    # then
    _refused(response, 422, "validation_failed", field="spo2", says="is not possible")
    assert snapshot() == before


def test_an_unknown_field_inside_nested_vitals_is_named_with_its_path(
    medical_assistant, visit_in, clinic
):
    appt = visit_in("arrived")
    room = Room.objects.filter(location__clinic=clinic).first()
    before = snapshot()
    response = Api(medical_assistant).post(
        f"/api/intake/{appt.public_id}/room",
        {"room": str(room.public_id), "reason_for_visit": "Dizzy", "vitals": {"bpm": 70}},
    )
    _refused(response, 422, "validation_failed", field="vitals.bpm", says="vitals.bpm")
    assert snapshot() == before


def test_rooming_into_an_occupied_room_is_refused(medical_assistant, visit_in, front_desk, clinic):
    # given: one patient is already in Exam 1
    first = visit_in("roomed")
    second = factories.book(
        front_desk,
        factories.make_patient(front_desk),
        factories.make_provider(clinic, npi=factories.VALID_NPIS[2]),
    )
    api_desk = Api(front_desk)
    api_desk.post(
        f"/api/visits/{second.public_id}/check-in",
        {"demographics_confirmed": True, "self_pay": True},
    )
    before = snapshot()
    # when
    response = Api(medical_assistant).post(
        f"/api/intake/{second.public_id}/room",
        {"room": str(first.room.public_id), "reason_for_visit": "Rash"},
    )
    # then
    _refused(response, 409, "room_occupied", field="room", says="occupied")
    assert snapshot() == before


def test_query_parameters_of_the_wrong_type_are_refused(front_desk):
    api = Api(front_desk)
    assert api.get("/api/appointments", date="13/01/2026").status_code == 422
    body = api.get("/api/appointments", provider="nope").json()
    assert body["code"] == "validation_failed" and "provider" in body["errors"]
    assert api.post("/api/patients/search", {"q": "x" * 201}).status_code == 422
    assert api.post("/api/patients/search", {"q": "a", "limit": 0}).status_code == 422


def test_an_empty_provider_filter_means_all_providers(front_desk, appointment, clinic):
    api = Api(front_desk)
    day = appointment.start.astimezone(clinic.tz).date().isoformat()
    response = api.get("/api/appointments", date=day, provider="", location="")
    assert response.status_code == 200
    assert [a["id"] for a in response.json()] == [str(appointment.public_id)]


def test_an_inactive_provider_cannot_be_booked(front_desk, patient, provider):
    Provider.objects.filter(pk=provider.pk).update(active=False)
    api = Api(front_desk)
    before = snapshot()
    response = api.post(
        "/api/appointments", _booking(patient, provider, factories.next_slot(patient.clinic))
    )
    _refused(response, 422, "validation_failed", field="provider", says="not taking")
    assert snapshot() == before
