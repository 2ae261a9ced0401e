"""The availability API: slots, booking, set-up; role matrix with token auth; bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest

from medassist.availability.models import AvailabilityException, ClinicHoliday, WeeklySession
from medassist.scheduling.models import Appointment
from tests import factories
from tests.api.conftest import Api
from tests.availability.conftest import at
from tests.availability.test_views import BOOKERS, ROLES, STAFF, snapshot


@pytest.fixture
def w(cast, clinic, templated, follow_up, monday, patient):
    exc = AvailabilityException.objects.create(
        clinic=clinic,
        provider=templated,
        start_date=monday + timedelta(days=7),
        end_date=monday + timedelta(days=7),
    )
    holiday = ClinicHoliday.objects.create(
        clinic=clinic, date=monday + timedelta(days=8), name="Staff"
    )
    return {
        "session": WeeklySession.objects.filter(provider=templated).first(),
        "exception": exc,
        "holiday": holiday,
        "provider": templated,
        "vt": follow_up,
        "monday": monday,
        "patient": patient,
        "clinic": clinic,
        "location": clinic.locations.first(),
    }


def _call(api: Api, case: str, w):
    p, m, loc = w["provider"], w["monday"], w["location"]
    match case:
        case "slots":
            return api.get(
                "/api/availability/slots", visit_type=w["vt"].public_id, date_from=m, date_to=m
            )
        case "book":
            return api.post(
                "/api/availability/book",
                {
                    "patient": str(w["patient"].public_id),
                    "visit_type": str(w["vt"].public_id),
                    "provider": str(p.public_id),
                    "start": at(w["clinic"], m, 8).isoformat(),
                },
            )
        case "sessions":
            return api.get(f"/api/availability/providers/{p.public_id}/sessions")
        case "session_add":
            return api.post(
                f"/api/availability/providers/{p.public_id}/sessions",
                {
                    "location": str(loc.public_id),
                    "weekday": 5,
                    "start_time": "09:00",
                    "end_time": "12:00",
                },
            )
        case "session_delete":
            return api.call("delete", f"/api/availability/sessions/{w['session'].public_id}")
        case "exceptions":
            return api.get(f"/api/availability/providers/{p.public_id}/exceptions")
        case "exception_add":
            return api.post(
                f"/api/availability/providers/{p.public_id}/exceptions",
                {"start_date": m.isoformat()},
            )
        case "exception_delete":
            return api.call("delete", f"/api/availability/exceptions/{w['exception'].public_id}")
        case "holidays":
            return api.get("/api/availability/holidays", year=m.year)
        case "holidays_load":
            return api.post("/api/availability/holidays/load", {"year": 2027})
        case "holiday_add":
            return api.post(
                "/api/availability/holidays",
                {"date": (m + timedelta(days=9)).isoformat(), "name": "Flood"},
            )
        case "holiday_delete":
            return api.call("delete", f"/api/availability/holidays/{w['holiday'].public_id}")
    raise AssertionError(case)


ADMIN = {"clinic_admin"}
# (case, allowed roles, ok status, another clinic's physician, writes)
CASES = [
    ("slots", STAFF, 200, 404, False),
    ("book", BOOKERS, 201, 403, True),
    ("sessions", STAFF, 200, 404, False),
    ("session_add", ADMIN, 201, 403, True),
    ("session_delete", ADMIN, 204, 403, True),
    ("exceptions", STAFF, 200, 404, False),
    ("exception_add", ADMIN, 201, 403, True),
    ("exception_delete", ADMIN, 204, 403, True),
    ("holidays", STAFF, 200, 200, False),
    ("holidays_load", ADMIN, 201, 403, True),
    ("holiday_add", ADMIN, 201, 403, True),
    ("holiday_delete", ADMIN, 204, 403, True),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("case", "allowed", "ok", "other", "write"), CASES, ids=[c[0] for c in CASES]
)
def test_api_role_matrix(role, case, allowed, ok, other, write, w, cast):
    api = Api(cast[role] if role else None)
    before = snapshot()
    response = _call(api, case, w)
    if role is None:
        expected = 401
    elif role == "other_clinic_physician":
        expected = other
    else:
        expected = ok if role in allowed else 403
    assert response.status_code == expected, response.content[:300]
    if expected != ok or not write:
        assert snapshot() == before


def test_slots_then_book_then_409(front_desk, clinic, templated, follow_up, monday, patient):
    api = Api(front_desk)
    slots = api.get(
        "/api/availability/slots",
        visit_type=follow_up.public_id,
        date_from=monday,
        date_to=monday,
        patient=patient.public_id,
        time_of_day="09:00-10:00",
        limit=2,
    ).json()
    assert [s["start"][11:16] for s in slots] == ["09:00", "09:15"]
    assert slots[0]["provider"]["id"] == str(templated.public_id)
    body = {
        "patient": str(patient.public_id),
        "visit_type": str(follow_up.public_id),
        "provider": slots[0]["provider"]["id"],
        "start": slots[0]["start"],
        "location": slots[0]["location"]["id"],
        "note": "from the API",
    }
    r = api.post("/api/availability/book", body)
    assert r.status_code == 201
    assert r.json()["url"] == f"/schedule/appointments/{r.json()['id']}/"
    again = api.post(
        "/api/availability/book",
        {**body, "patient": str(factories.make_patient(front_desk).public_id)},
    )
    assert again.status_code == 409 and again.json()["code"] == "slot_taken"
    outside = api.post(
        "/api/availability/book", {**body, "start": at(clinic, monday, 12, 30).isoformat()}
    )
    assert outside.status_code == 422 and outside.json()["code"] == "not_open"
    assert Appointment.objects.count() == 1


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "2027-02-30"}, "not a real date"),
        ({"date_from": "tomorrow"}, "YYYY-MM-DD"),
        ({"time_of_day": "noonish"}, "morning, afternoon or evening"),
        ({"time_of_day": "10:00-09:00"}, "end after it starts"),
        ({"time_of_day": "9-to-5"}, "HH:MM-HH:MM"),
        ({"limit": 1000}, "limit"),
        ({"visit_type": "not-a-uuid"}, "visit_type"),
    ],
)
def test_slots_bad_input(front_desk, follow_up, monday, params, message):
    query = {
        "visit_type": follow_up.public_id,
        "date_from": monday,
        "date_to": monday + timedelta(days=2),
    }
    query.update(params)
    r = Api(front_desk).get("/api/availability/slots", **query)
    assert r.status_code == 422
    assert message in str(r.json())


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"weekday": "1"}, "weekday"),
        ({"weekday": 9}, "Choose a weekday"),
        ({"start_time": "8am"}, "HH:MM"),
        ({"end_time": "07:00"}, "must end after it starts"),
        ({"surprise": True}, "surprise"),
    ],
)
def test_session_add_bad_input_changes_nothing(clinic_admin, clinic, templated, body, message):
    payload = {
        "location": str(clinic.locations.first().public_id),
        "weekday": 5,
        "start_time": "09:00",
        "end_time": "12:00",
    }
    payload.update(body)
    before = WeeklySession.objects.count()
    r = Api(clinic_admin).post(
        f"/api/availability/providers/{templated.public_id}/sessions", payload
    )
    assert r.status_code == 422 and message in str(r.json())
    assert WeeklySession.objects.count() == before


def test_exception_api_round_trip(clinic_admin, front_desk, clinic, templated, follow_up, monday):
    api = Api(clinic_admin)
    r = api.post(
        f"/api/availability/providers/{templated.public_id}/exceptions",
        {
            "start_date": monday.isoformat(),
            "start_time": "08:00",
            "end_time": "12:00",
            "reason": "Dentist",
        },
    )
    assert r.status_code == 201 and r.json()["all_day"] is False
    slots = (
        Api(front_desk)
        .get(
            "/api/availability/slots",
            visit_type=follow_up.public_id,
            date_from=monday,
            date_to=monday,
            limit=1,
        )
        .json()
    )
    assert slots[0]["start"][11:16] == "13:00"
    listed = api.get(f"/api/availability/providers/{templated.public_id}/exceptions").json()
    assert [x["reason"] for x in listed] == ["Dentist"]
