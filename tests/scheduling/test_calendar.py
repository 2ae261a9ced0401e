"""The calendar: day and week, per provider and per room, click-to-move, state kept in the URL."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from medassist.booking.services import appointment_book
from medassist.practice.models import Room
from medassist.scheduling.models import Appointment, AppointmentMove
from medassist.scheduling.services import appointment_transition
from tests import factories
from tests.api.conftest import snapshot

CAL = "/schedule/calendar/"


def at(clinic, day, hh, mm=0):
    return datetime.combine(day, time(hh, mm), tzinfo=clinic.tz)


@pytest.mark.parametrize(
    "role,expected",
    [
        ("anonymous", 302),
        ("front_desk", 200),
        ("medical_assistant", 200),
        ("physician", 200),
        ("biller", 200),
        ("clinic_admin", 200),
    ],
)
@pytest.mark.parametrize("view", ["day", "week"])
def test_calendar_role_matrix(role, expected, view, actor, client_for, appointment):
    before = snapshot()
    day = appointment.start.astimezone(appointment.clinic.tz).date()
    response = client_for(actor(role)).get(CAL, {"view": view, "date": day.isoformat()})
    assert response.status_code == expected
    if expected == 200:
        assert appointment.patient.display_name in response.content.decode()
    assert snapshot()["appointments"] == before["appointments"]


def test_other_clinic_never_sees_this_clinics_visits(
    client_for, other_clinic_physician, appointment
):
    day = appointment.start.astimezone(appointment.clinic.tz).date()
    response = client_for(other_clinic_physician).get(
        CAL, {"view": "week", "date": day.isoformat()}
    )
    assert response.status_code == 200
    assert appointment.patient.display_name not in response.content.decode()


def test_week_view_shows_seven_days_of_one_provider_with_times_status_and_flags(
    front_desk, clinic_admin, client_for, patient, provider, second_provider, clinic, future_day,
    book_at,
):  # fmt: skip
    # given: two visits on two days, a double-booked one, and one of another provider
    a = book_at(front_desk, patient, provider, future_day, 9)
    book_at(front_desk, factories.make_patient(front_desk), provider, future_day + timedelta(1), 10)
    appointment_book(
        actor=clinic_admin,
        patient=factories.make_patient(front_desk, last_name="Doubled"),
        provider=provider,
        visit_type=a.visit_type,
        location=a.location,
        start=a.start,
        double_book=True,
    )
    book_at(front_desk, factories.make_patient(front_desk, last_name="Elsewhere"), second_provider,
            future_day, 9)  # fmt: skip
    # when
    response = client_for(front_desk).get(
        CAL, {"view": "week", "date": future_day.isoformat(), "provider": provider.public_id}
    )
    html = response.content.decode()
    # then
    assert html.count('class="appt ') == 3
    assert "Double-booked" in html
    assert "Elsewhere" not in html
    assert "09:00–09:20" in html
    assert html.count('<th scope="col"') == 8  # time + 7 days


def test_week_view_query_count_is_independent_of_the_number_of_visits(
    front_desk, client_for, provider, future_day, book_at
):
    client = client_for(front_desk)
    counts = []
    booked = 0
    for count in (1, 12):
        # given
        while booked < count:
            monday = future_day - timedelta(days=future_day.weekday())
            day = monday + timedelta(days=booked % 5)
            book_at(front_desk, factories.make_patient(front_desk), provider, day, 8 + booked // 5)
            booked += 1
        # when
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(
                CAL,
                {"view": "week", "date": future_day.isoformat(), "provider": provider.public_id},
            )
        # then
        assert response.content.decode().count('class="appt ') == count
        appointment_queries = [
            q for q in ctx.captured_queries if 'FROM "scheduling_appointment"' in q["sql"]
        ]
        assert len(appointment_queries) == 1
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_room_view_shows_the_visits_roomed_there(
    front_desk, medical_assistant, client_for, patient, provider, clinic
):
    from medassist.frontdesk.services import check_in
    from medassist.intake.services import rooming_complete

    # given: a visit today, checked in and roomed in Exam 2
    appt = factories.book(front_desk, patient, provider)
    check_in(actor=front_desk, appointment=appt, demographics_confirmed=True,
             coverage=patient.coverages.first())  # fmt: skip
    room = Room.objects.get(location__clinic=clinic, name="Exam 2")
    rooming_complete(actor=medical_assistant, appointment=appt, room=room, reason_for_visit="Cough")
    day = appt.start.astimezone(clinic.tz).date()
    client = client_for(front_desk)
    # when
    by_room = client.get(CAL, {"by": "room", "date": day.isoformat()}).content.decode()
    exam1_id = Room.objects.get(location__clinic=clinic, name="Exam 1").public_id
    exam1 = client.get(CAL, {"by": "room", "date": day.isoformat(), "room": exam1_id})
    # then
    assert "Exam 2" in by_room and patient.display_name in by_room
    assert patient.display_name not in exam1.content.decode()


def test_navigation_keeps_the_provider_and_moves_by_a_week(
    front_desk, client_for, provider, future_day
):
    response = client_for(front_desk).get(
        CAL, {"view": "week", "date": future_day.isoformat(), "provider": provider.public_id}
    )
    nxt = response.context["next_url"]
    query = parse_qs(urlparse(nxt).query)
    assert query["date"] == [(future_day + timedelta(days=7)).isoformat()]
    assert query["provider"] == [str(provider.public_id)]
    assert query["view"] == ["week"]


@pytest.mark.parametrize("bad", ["2026-13-45", "yesterday", "99999-01-01"])
def test_a_bad_date_falls_back_to_today_with_a_message(front_desk, client_for, bad):
    response = client_for(front_desk).get(CAL, {"date": bad})
    assert response.status_code == 200
    assert "YYYY-MM-DD" in response.content.decode() or "between" in response.content.decode()


def test_an_unknown_provider_is_reported(front_desk, client_for):
    response = client_for(front_desk).get(CAL, {"provider": "not-a-uuid"})
    assert response.status_code == 200
    assert "no such provider" in response.content.decode()


# ---------------------------------------------------------------------------- moving


def test_move_mode_offers_move_here_on_free_times_only(
    front_desk, client_for, patient, provider, future_day, book_at
):
    a = book_at(front_desk, patient, provider, future_day, 9)
    response = client_for(front_desk).get(
        CAL, {"date": future_day.isoformat(), "provider": provider.public_id, "move": a.public_id}
    )
    html = response.content.decode()
    assert "Moving " in html
    assert "Move here" in html
    assert 'data-time="09:00"' in html


def test_move_from_the_calendar_returns_to_the_same_date_and_provider(
    front_desk, client_for, patient, provider, clinic, future_day, book_at
):
    # given
    appt = book_at(front_desk, patient, provider, future_day, 9)
    back = f"{CAL}?view=week&date={future_day.isoformat()}&provider={provider.public_id}"
    # when
    response = client_for(front_desk).post(
        reverse("scheduling:move", args=[appt.public_id]),
        {"from": "calendar", "next": back, "date": future_day.isoformat(), "time": "13:15",
         "provider": provider.public_id},
    )  # fmt: skip
    # then
    assert response.status_code == 302
    assert response["Location"] == back
    appt.refresh_from_db()
    assert appt.start == at(clinic, future_day, 13, 15)


def test_move_onto_a_taken_time_from_the_calendar_says_why_and_changes_nothing(
    front_desk, client_for, patient, provider, future_day, book_at
):
    appt = book_at(front_desk, patient, provider, future_day, 9)
    book_at(front_desk, factories.make_patient(front_desk), provider, future_day, 11)
    before = snapshot()
    back = f"{CAL}?date={future_day.isoformat()}"
    client = client_for(front_desk)
    response = client.post(
        reverse("scheduling:move", args=[appt.public_id]),
        {"from": "calendar", "next": back, "date": future_day.isoformat(), "time": "11:00"},
    )
    assert response.status_code == 302 and response["Location"] == back
    assert "overlaps" in client.get(back).content.decode()
    assert snapshot()["appointments"] == before["appointments"]


@pytest.mark.parametrize(
    "data,message",
    [
        ({"date": "", "time": "10:00"}, "Choose the new date."),
        ({"date": "2026-02-30", "time": "10:00"}, "YYYY-MM-DD"),
        ({"date": "2001-01-01", "time": "10:00"}, "past date"),
        ({"time": "25:00"}, "HH:MM"),
        ({"provider": "00000000-0000-0000-0000-000000000000"}, "not taking appointments"),
    ],
)
def test_move_form_bad_input_is_shown_in_place_and_changes_nothing(
    front_desk, client_for, appointment, future_day, data, message
):
    before = snapshot()
    body = {"date": future_day.isoformat(), "time": "10:00", **data}
    response = client_for(front_desk).post(
        reverse("scheduling:move", args=[appointment.public_id]), body
    )
    assert response.status_code in (409, 422)
    assert message in response.content.decode()
    assert snapshot() == before or snapshot()["appointments"] == before["appointments"]
    assert AppointmentMove.objects.count() == 0


@pytest.mark.parametrize(
    "role,expected",
    [
        ("anonymous", 302),
        ("front_desk", 302),
        ("medical_assistant", 302),
        ("physician", 403),
        ("biller", 403),
        ("clinic_admin", 302),
        ("other_clinic_physician", 403),
    ],
)
def test_move_role_matrix(role, expected, actor, client_for, appointment, future_day):
    before = snapshot()
    response = client_for(actor(role)).post(
        reverse("scheduling:move", args=[appointment.public_id]),
        {"date": future_day.isoformat(), "time": "10:00"},
    )
    assert response.status_code == expected
    moved = Appointment.objects.get(pk=appointment.pk).start != appointment.start
    assert moved == (expected == 302 and role != "anonymous")
    if not moved:
        assert snapshot()["appointments"] == before["appointments"]


def test_an_arrived_visit_shows_no_move_form(front_desk, client_for, appointment):
    appointment_transition(actor=front_desk, appointment=appointment, to_status="arrived")
    html = (
        client_for(front_desk)
        .get(reverse("scheduling:appointment", args=[appointment.public_id]))
        .content.decode()
    )
    assert "Move this visit" not in html


def test_booking_from_the_calendar_returns_to_the_calendar(
    front_desk, client_for, patient, provider, clinic, future_day
):
    from medassist.practice.models import VisitType

    back = f"{CAL}?view=week&date={future_day.isoformat()}&provider={provider.public_id}"
    response = client_for(front_desk).post(
        reverse("scheduling:book"),
        {
            "patient": patient.public_id,
            "provider": provider.public_id,
            "visit_type": VisitType.objects.get(clinic=clinic, code="follow-up").public_id,
            "location": clinic.locations.first().public_id,
            "date": future_day.isoformat(),
            "time": "10:30",
            "next": back,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == back


def test_nav_links_to_the_calendar(front_desk, client_for):
    html = client_for(front_desk).get(CAL).content.decode()
    assert 'href="/schedule/calendar/"' in html
