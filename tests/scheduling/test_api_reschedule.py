"""The JSON API for reschedule, double-booking and recurring series."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from medassist.practice.models import VisitType
from medassist.scheduling.models import Appointment
from tests.api.conftest import Api, snapshot


@pytest.fixture
def api_as(db):
    return Api


ROLES = ["anonymous", "front_desk", "medical_assistant", "physician", "biller", "clinic_admin"]


def iso(clinic, day, hh, mm=0) -> str:
    return datetime.combine(day, time(hh, mm), tzinfo=clinic.tz).isoformat()


@pytest.mark.parametrize(
    "role,expected",
    [
        ("anonymous", 401),
        ("front_desk", 200),
        ("medical_assistant", 200),
        ("physician", 403),
        ("biller", 403),
        ("clinic_admin", 200),
        ("other_clinic_physician", 404),
    ],
)
def test_reschedule_endpoint_role_matrix(
    role, expected, actor, api_as, appointment, clinic, future_day
):
    # given
    before = snapshot()
    # when
    response = api_as(actor(role)).post(
        f"/api/appointments/{appointment.public_id}/reschedule",
        {"start": iso(clinic, future_day, 10), "reason": "Patient asked"},
    )
    # then
    assert response.status_code == expected, response.content
    if expected == 200:
        assert response.json()["start"].startswith(f"{future_day.isoformat()}T10:00")
    else:
        assert snapshot() == before


def test_reschedule_endpoint_reports_a_clash_as_slot_taken(
    api_as, front_desk, patient, provider, clinic, future_day, book_at
):
    from tests import factories

    appt = book_at(front_desk, patient, provider, future_day, 9)
    book_at(front_desk, factories.make_patient(front_desk), provider, future_day, 10)
    before = snapshot()
    response = api_as(front_desk).post(
        f"/api/appointments/{appt.public_id}/reschedule", {"start": iso(clinic, future_day, 10)}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "slot_taken"
    assert snapshot() == before


@pytest.mark.parametrize(
    "body,message",
    [
        ({"start": "2030-01-01T09:00:00"}, "UTC offset"),
        ({"start": "not a time"}, "ISO 8601"),
        ({"start": "2001-01-01T09:00:00-05:00"}, "past date"),
    ],
)
def test_reschedule_endpoint_bad_input_changes_nothing(
    api_as, front_desk, appointment, body, message
):
    before = snapshot()
    response = api_as(front_desk).post(
        f"/api/appointments/{appointment.public_id}/reschedule", body
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("role,expected", [("front_desk", 403), ("clinic_admin", 201)])
def test_double_book_through_the_api(
    role, expected, cast, api_as, front_desk, patient, provider, clinic, future_day, book_at
):
    # given
    first = book_at(front_desk, patient, provider, future_day, 9)
    before = Appointment.objects.count()
    # when
    response = api_as(cast[role]).post(
        "/api/appointments",
        {
            "patient": str(patient.public_id),
            "provider": str(provider.public_id),
            "visit_type": str(first.visit_type.public_id),
            "location": str(first.location.public_id),
            "start": first.start.isoformat(),
            "double_book": True,
        },
    )
    # then
    assert response.status_code == expected, response.content
    if expected == 201:
        assert response.json()["double_booked"] is True
        assert Appointment.objects.count() == before + 1
    else:
        assert Appointment.objects.count() == before


def test_series_endpoint_books_every_visit(
    api_as, front_desk, patient, provider, clinic, future_day
):
    vt = VisitType.objects.get(clinic=clinic, code="follow-up")
    response = api_as(front_desk).post(
        "/api/appointments/series",
        {
            "patient": str(patient.public_id),
            "provider": str(provider.public_id),
            "visit_type": str(vt.public_id),
            "location": str(clinic.locations.first().public_id),
            "first_date": future_day.isoformat(),
            "local_time": "09:30",
            "interval_weeks": 2,
            "count": 4,
        },
    )
    assert response.status_code == 201, response.content
    visits = response.json()["appointments"]
    assert [v["series_index"] for v in visits] == [1, 2, 3, 4]
    assert visits[1]["start"].startswith((future_day + timedelta(weeks=2)).isoformat())


@pytest.mark.parametrize("role,expected", [("front_desk", 200), ("medical_assistant", 403)])
def test_cancel_series_endpoint(role, expected, cast, api_as, front_desk, patient, provider):
    from medassist.booking.services import series_book

    clinic = patient.clinic
    series = series_book(
        actor=front_desk, patient=patient, provider=provider,
        visit_type=VisitType.objects.get(clinic=clinic, code="follow-up"),
        location=clinic.locations.first(), first_date=date(2027, 3, 1),
        local_time=time(9), count=3,
    )  # fmt: skip
    second = series.appointments.get(series_index=2)
    before = snapshot()
    response = api_as(cast[role]).post(
        f"/api/appointments/{second.public_id}/cancel-series",
        {"reason": "Moving away", "scope": "following"},
    )
    assert response.status_code == expected, response.content
    if expected == 200:
        assert [v["status"] for v in response.json()] == ["booked", "cancelled", "cancelled"]
    else:
        assert snapshot() == before
