"""The schedule screens: day view, booking, one appointment with cancel and no-show."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from django.utils import timezone

from medassist.booking.services import appointment_cancel
from medassist.practice.models import Location, VisitType
from medassist.scheduling.models import Appointment, StatusChange
from medassist.scheduling.selectors import clinic_today
from tests import factories
from tests.scheduling.conftest import ROLES


def cell_html(html: str, provider, hhmm: str) -> str:
    """The inner HTML of the day grid's cell for a provider at a local time (or '')."""
    match = re.search(
        rf'<td class="slot[^"]*" data-provider="{provider.public_id}" data-time="{hhmm}">'
        r"(.*?)</td>",
        html,
        re.S,
    )
    return match.group(1) if match else ""


def book_data(patient, provider, day, hhmm: str, /, **extra) -> dict:
    clinic = patient.clinic
    data = {
        "patient": str(patient.public_id),
        "provider": str(provider.public_id),
        "visit_type": str(VisitType.objects.get(clinic=clinic, code="follow-up").public_id),
        "location": str(clinic.locations.first().public_id),
        "date": day.isoformat(),
        "time": hhmm,
        "note": "",
    }
    data.update(extra)
    return data


def assert_sent_to_login(response):
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


# ---------------------------------------------------------------------------- role matrix

DAY_STATUS = {
    "anonymous": 302,
    "front_desk": 200,
    "medical_assistant": 200,
    "physician": 200,
    "biller": 200,
    "clinic_admin": 200,
    "other_clinic_physician": 200,
}
BOOK_STATUS = {
    "anonymous": 302,
    "front_desk": 200,
    "medical_assistant": 200,
    "physician": 403,
    "biller": 403,
    "clinic_admin": 200,
    "other_clinic_physician": 403,
}
BOOK_POST_STATUS = {**BOOK_STATUS, "front_desk": 302, "medical_assistant": 302, "clinic_admin": 302}
DETAIL_STATUS = {
    "anonymous": 302,
    "front_desk": 200,
    "medical_assistant": 200,
    "physician": 200,
    "biller": 200,
    "clinic_admin": 200,
    "other_clinic_physician": 404,
}
CANCEL_STATUS = {
    "anonymous": 302,
    "front_desk": 302,
    "medical_assistant": 403,
    "physician": 403,
    "biller": 403,
    "clinic_admin": 302,
    "other_clinic_physician": 403,
}


@pytest.mark.parametrize("role", ROLES)
def test_day_view_role_matrix(role, actor, client_for, appointment):
    # given
    client = client_for(actor(role))
    # when
    response = client.get(reverse("scheduling:day"))
    # then
    assert response.status_code == DAY_STATUS[role]
    if role == "anonymous":
        assert_sent_to_login(response)


def test_day_view_of_another_clinic_shows_none_of_this_clinics_patients(
    other_clinic_physician, client_for, appointment, patient
):
    # given
    day = appointment.start.astimezone(appointment.clinic.tz).date()
    # when
    response = client_for(other_clinic_physician).get(
        reverse("scheduling:day"), {"date": day.isoformat()}
    )
    # then
    assert response.status_code == 200
    assert patient.last_name not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_booking_page_role_matrix(role, actor, client_for, cast):
    response = client_for(actor(role)).get(reverse("scheduling:book"))
    assert response.status_code == BOOK_STATUS[role]
    if role == "anonymous":
        assert_sent_to_login(response)


@pytest.mark.parametrize("role", ROLES)
def test_booking_post_role_matrix_and_refusals_change_nothing(
    role, actor, client_for, cast, patient, provider, future_day, snapshot
):
    # given
    before = snapshot()
    # when
    response = client_for(actor(role)).post(
        reverse("scheduling:book"), book_data(patient, provider, future_day, "10:00")
    )
    # then
    assert response.status_code == BOOK_POST_STATUS[role]
    if BOOK_POST_STATUS[role] == 302 and role != "anonymous":
        assert Appointment.objects.count() == 1
    else:
        assert snapshot() == before
    if role == "anonymous":
        assert_sent_to_login(response)


@pytest.mark.parametrize("role", ROLES)
def test_appointment_page_role_matrix(role, actor, client_for, appointment):
    response = client_for(actor(role)).get(
        reverse("scheduling:appointment", args=[appointment.public_id])
    )
    assert response.status_code == DETAIL_STATUS[role]
    if role == "anonymous":
        assert_sent_to_login(response)


@pytest.mark.parametrize("role", ROLES)
def test_cancel_role_matrix_and_refusals_change_nothing(
    role, actor, client_for, appointment, snapshot
):
    # given
    before = snapshot()
    # when
    response = client_for(actor(role)).post(
        reverse("scheduling:cancel", args=[appointment.public_id]), {"reason": "Patient called"}
    )
    # then
    assert response.status_code == CANCEL_STATUS[role]
    appointment.refresh_from_db()
    if role in ("front_desk", "clinic_admin"):
        assert appointment.status == "cancelled"
        assert appointment.cancel_reason == "Patient called"
    else:
        assert snapshot() == before
        assert appointment.status == "booked"
    if role == "anonymous":
        assert_sent_to_login(response)


@pytest.fixture
def started_appointment(appointment):
    """A booked visit whose start time has passed (booking in the past is refused, so move it)."""
    start = timezone.now() - timedelta(minutes=30)
    Appointment.objects.filter(pk=appointment.pk).update(
        start=start, end=start + timedelta(minutes=20)
    )
    appointment.refresh_from_db()
    return appointment


@pytest.mark.parametrize("role", ROLES)
def test_no_show_role_matrix_and_refusals_change_nothing(
    role, actor, client_for, started_appointment, snapshot
):
    # given
    before = snapshot()
    # when
    response = client_for(actor(role)).post(
        reverse("scheduling:no_show", args=[started_appointment.public_id])
    )
    # then
    assert response.status_code == CANCEL_STATUS[role]
    started_appointment.refresh_from_db()
    if role in ("front_desk", "clinic_admin"):
        assert started_appointment.status == "no_show"
    else:
        assert snapshot() == before
        assert started_appointment.status == "booked"


def test_another_clinics_front_desk_cannot_cancel_this_clinics_visit(
    other_clinic, client_for, appointment, snapshot
):
    # given
    stranger = factories.make_user(other_clinic, "front_desk", "otherdesk")
    before = snapshot()
    # when
    response = client_for(stranger).post(
        reverse("scheduling:cancel", args=[appointment.public_id]), {"reason": "Not mine"}
    )
    # then
    assert response.status_code == 404
    assert snapshot() == before


def test_cancel_and_no_show_refuse_get(front_desk, client_for, appointment):
    client = client_for(front_desk)
    assert client.get(reverse("scheduling:cancel", args=[appointment.public_id])).status_code == 405
    assert (
        client.get(reverse("scheduling:no_show", args=[appointment.public_id])).status_code == 405
    )


# ---------------------------------------------------------------------------- day view


def test_day_view_shows_a_visit_in_its_providers_column_at_local_time(
    front_desk, client_for, patient, provider, second_provider, future_day, book_at
):
    # given
    appt = book_at(front_desk, patient, provider, future_day, 10, 30)
    # when
    response = client_for(front_desk).get(
        reverse("scheduling:day"), {"date": future_day.isoformat()}
    )
    # then
    html = response.content.decode()
    assert response.status_code == 200
    cell = cell_html(html, provider, "10:30")
    assert str(appt.public_id) in cell
    assert "10:30" in cell and "Reyes, Jordan" in cell and "Follow-up" in cell
    assert 'class="badge booked"' in cell
    assert str(appt.public_id) not in cell_html(html, second_provider, "10:30")
    # the 20-minute visit also fills the next row, which offers no "Book"
    assert "Book" not in cell_html(html, provider, "10:45")
    assert "Book" in cell_html(html, second_provider, "10:30")


def test_day_view_links_each_visit_to_its_page_and_keeps_the_day(
    front_desk, client_for, patient, provider, future_day, book_at
):
    # given
    appt = book_at(front_desk, patient, provider, future_day, 9)
    # when
    html = (
        client_for(front_desk)
        .get(reverse("scheduling:day"), {"date": future_day.isoformat()})
        .content.decode()
    )
    # then
    link = re.search(r'<a class="appt booked" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    parsed = urlparse(link)
    assert parsed.path == reverse("scheduling:appointment", args=[appt.public_id])
    assert f"date={future_day.isoformat()}" in parse_qs(parsed.query)["next"][0]


def test_an_empty_slot_offers_booking_with_provider_and_start_prefilled(
    front_desk, client_for, provider, future_day
):
    # when
    html = (
        client_for(front_desk)
        .get(reverse("scheduling:day"), {"date": future_day.isoformat()})
        .content.decode()
    )
    # then
    cell = cell_html(html, provider, "14:15")
    href = re.search(r'href="([^"]+)"', cell).group(1).replace("&amp;", "&")
    query = parse_qs(urlparse(href).query)
    assert urlparse(href).path == reverse("scheduling:book")
    assert query["provider"] == [str(provider.public_id)]
    assert query["start"] == [f"{future_day.isoformat()}T14:15"]


def test_roles_that_cannot_book_see_no_book_links(physician, client_for, future_day):
    html = (
        client_for(physician)
        .get(reverse("scheduling:day"), {"date": future_day.isoformat()})
        .content.decode()
    )
    assert 'class="book"' not in html


def test_day_view_filters_by_provider_and_location(
    front_desk, client_for, patient, provider, second_provider, future_day, book_at, clinic
):
    # given
    mine = book_at(front_desk, patient, provider, future_day, 9)
    theirs = book_at(front_desk, factories.make_patient(front_desk), second_provider, future_day, 9)
    other_site = Location.objects.create(clinic=clinic, name="Annex")
    # when
    by_provider = client_for(front_desk).get(
        reverse("scheduling:day"),
        {"date": future_day.isoformat(), "provider": str(provider.public_id)},
    )
    by_location = client_for(front_desk).get(
        reverse("scheduling:day"),
        {"date": future_day.isoformat(), "location": str(other_site.public_id)},
    )
    # then
    html = by_provider.content.decode()
    assert str(mine.public_id) in html and str(theirs.public_id) not in html
    assert f'data-provider="{second_provider.public_id}"' not in html
    located = by_location.content.decode()
    assert str(mine.public_id) not in located and str(theirs.public_id) not in located


@pytest.mark.parametrize(
    "params, message",
    [
        ({"date": "2026-02-30"}, "YYYY-MM-DD"),
        ({"date": "0001-01-01"}, "Choose a date between"),
        ({"provider": "not-a-uuid"}, "no such provider"),
        ({"provider": "6f1d3c51-1d7e-4a47-9d55-0f7d1a1a2b3c"}, "no such provider"),
        ({"location": "zzz"}, "no such location"),
    ],
)
def test_day_view_explains_bad_filters_and_shows_today(
    front_desk, client_for, clinic, params, message
):
    response = client_for(front_desk).get(reverse("scheduling:day"), params)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert clinic_today(clinic).strftime("%B") in html


def test_another_clinics_provider_is_not_a_valid_filter(
    front_desk, client_for, other_clinic_physician, future_day
):
    response = client_for(front_desk).get(
        reverse("scheduling:day"),
        {
            "date": future_day.isoformat(),
            "provider": str(other_clinic_physician.provider.public_id),
        },
    )
    assert "no such provider" in response.content.decode()
    assert other_clinic_physician.provider.last_name not in response.content.decode()


def test_day_view_prev_and_next_keep_the_filters(front_desk, client_for, provider, future_day):
    html = (
        client_for(front_desk)
        .get(
            reverse("scheduling:day"),
            {"date": future_day.isoformat(), "provider": str(provider.public_id)},
        )
        .content.decode()
    )
    prev_day = (future_day - timedelta(days=1)).isoformat()
    next_day = (future_day + timedelta(days=1)).isoformat()
    assert f"date={prev_day}&amp;provider={provider.public_id}" in html
    assert f"date={next_day}&amp;provider={provider.public_id}" in html


def test_day_view_widens_the_grid_for_a_visit_outside_clinic_hours(
    front_desk, client_for, patient, provider, future_day, book_at
):
    appt = book_at(front_desk, patient, provider, future_day, 20, 5)
    html = (
        client_for(front_desk)
        .get(reverse("scheduling:day"), {"date": future_day.isoformat()})
        .content.decode()
    )
    assert str(appt.public_id) in cell_html(html, provider, "20:00")


def test_day_view_query_count_does_not_grow_with_visits(
    front_desk, client_for, provider, second_provider, future_day, book_at
):
    """The same number of queries for 1 and for 10 visits (and a small number)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(front_desk)
    counts = []
    booked = 0
    for count in (1, 10):
        # given
        while booked < count:
            who = provider if booked % 2 == 0 else second_provider
            book_at(
                front_desk, factories.make_patient(front_desk), who, future_day, 8 + booked // 2
            )
            booked += 1
        # when
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("scheduling:day"), {"date": future_day.isoformat()})
        # then
        assert response.content.decode().count('class="appt ') == count
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    assert counts[0] <= 20


# ---------------------------------------------------------------------------- booking


def test_booking_succeeds_and_returns_to_that_day_for_that_provider(
    front_desk, client_for, patient, provider, future_day, clinic
):
    # when
    response = client_for(front_desk).post(
        reverse("scheduling:book"),
        book_data(patient, provider, future_day, "11:15", note="Bring glucose log"),
    )
    # then
    assert response.status_code == 302
    target = urlparse(response["Location"])
    assert target.path == reverse("scheduling:day")
    assert parse_qs(target.query) == {
        "date": [future_day.isoformat()],
        "provider": [str(provider.public_id)],
    }
    appt = Appointment.objects.get()
    assert appt.start == datetime.combine(future_day, time(11, 15), tzinfo=clinic.tz)
    assert appt.note == "Bring glucose log"
    assert appt.patient == patient and appt.provider == provider
    # and the day it returns to shows the visit
    day_html = client_for(front_desk).get(response["Location"]).content.decode()
    assert str(appt.public_id) in cell_html(day_html, provider, "11:15")


def test_booking_a_day_other_than_today_comes_back_to_that_day_not_today(
    front_desk, client_for, patient, provider, clinic
):
    # given
    other_day = clinic_today(clinic) + timedelta(days=3)
    # when
    response = client_for(front_desk).post(
        reverse("scheduling:book"), book_data(patient, provider, other_day, "09:00"), follow=True
    )
    # then
    html = response.content.decode()
    assert response.redirect_chain[-1][0].startswith(
        f"{reverse('scheduling:day')}?date={other_day.isoformat()}"
    )
    assert other_day.strftime("%A, %B %-d, %Y") in html
    assert "Booked Reyes, Jordan" in html


def test_an_overlapping_booking_is_refused_next_to_the_time_and_nothing_is_booked(
    front_desk, client_for, patient, provider, future_day, book_at, snapshot
):
    # given
    book_at(front_desk, patient, provider, future_day, 10)
    other = factories.make_patient(front_desk, first_name="Sam", last_name="Lee")
    before = snapshot()
    # when
    response = client_for(front_desk).post(
        reverse("scheduling:book"), book_data(other, provider, future_day, "10:10")
    )
    # then
    html = response.content.decode()
    assert response.status_code == 409
    assert "already has an appointment at 10:00" in html
    assert "overlaps this time" in html
    time_field = html.split('id="id_time"')[1]
    assert time_field.index("overlaps") < time_field.index('id="id_note"')
    assert snapshot() == before
    # what was typed is kept, including the chosen patient
    assert 'value="10:10"' in html and "Lee, Sam" in html


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"patient": ""}, "patient", "Choose a patient"),
        ({"patient": "6f1d3c51-1d7e-4a47-9d55-0f7d1a1a2b3c"}, "patient", "no such patient"),
        ({"provider": "nonsense"}, "provider", "not taking appointments here"),
        ({"time": "25:99"}, "time", "HH:MM"),
        ({"date": "2026-13-01"}, "date", "YYYY-MM-DD"),
        ({"date": "9999-12-31"}, "date", "Choose a date between"),
        ({"note": "x" * 501}, "note", "500 characters"),
    ],
)
def test_bad_booking_input_gets_a_clear_message_and_books_nothing(
    front_desk, client_for, patient, provider, future_day, snapshot, change, field, message
):
    before = snapshot()
    response = client_for(front_desk).post(
        reverse("scheduling:book"), book_data(patient, provider, future_day, "10:00", **change)
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert snapshot() == before


def test_booking_a_past_date_is_refused_by_the_date(
    front_desk, client_for, patient, provider, clinic, snapshot
):
    before = snapshot()
    yesterday = clinic_today(clinic) - timedelta(days=1)
    response = client_for(front_desk).post(
        reverse("scheduling:book"), book_data(patient, provider, yesterday, "10:00")
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "Cannot book a visit on a past date." in html
    assert snapshot() == before


def test_booking_another_clinics_patient_is_refused(
    front_desk, client_for, other_clinic, patient, provider, future_day, snapshot
):
    other_desk = factories.make_user(other_clinic, "front_desk", "otherdesk")
    stranger = factories.make_patient(other_desk, last_name="Elsewhere")
    before = snapshot()
    response = client_for(front_desk).post(
        reverse("scheduling:book"),
        book_data(patient, provider, future_day, "10:00", patient=str(stranger.public_id)),
    )
    assert response.status_code == 422
    assert "no such patient" in response.content.decode()
    assert snapshot() == before


def test_booking_form_prefills_provider_start_and_patient_from_the_link(
    front_desk, client_for, patient, provider, future_day
):
    response = client_for(front_desk).get(
        reverse("scheduling:book"),
        {
            "provider": str(provider.public_id),
            "start": f"{future_day.isoformat()}T14:45",
            "patient": str(patient.public_id),
        },
    )
    html = response.content.decode()
    assert f'<option value="{provider.public_id}" selected>' in html
    assert f'value="{future_day.isoformat()}"' in html and 'value="14:45"' in html
    assert f'name="patient" value="{patient.public_id}"' in html


def test_patient_typeahead_lists_matches_and_picking_fills_the_hidden_id(
    front_desk, client_for, patient
):
    # given
    client = client_for(front_desk)
    # when
    found = client.post(reverse("scheduling:book_patients"), {"q": "reyes"}, HTTP_HX_REQUEST="true")
    picked = client.get(
        reverse("scheduling:book"), {"pick": str(patient.public_id)}, HTTP_HX_REQUEST="true"
    )
    missing = client.post(
        reverse("scheduling:book_patients"), {"q": "zzzz"}, HTTP_HX_REQUEST="true"
    )
    # then
    assert "<html" not in found.content.decode()
    assert f"pick={patient.public_id}" in found.content.decode()
    assert f'name="patient" value="{patient.public_id}"' in picked.content.decode()
    assert "No patient matches" in missing.content.decode()


def test_typeahead_never_lists_another_clinics_patients(
    front_desk, client_for, other_clinic, patient
):
    other_desk = factories.make_user(other_clinic, "front_desk", "otherdesk")
    factories.make_patient(other_desk, last_name="Reyesson")
    found = client_for(front_desk).post(
        reverse("scheduling:book_patients"), {"q": "reyes"}, HTTP_HX_REQUEST="true"
    )
    assert "Reyesson" not in found.content.decode()


# ---------------------------------------------------------------------------- DST


@pytest.mark.parametrize(
    "day, utc_hour",
    [
        (datetime(2027, 3, 15).date(), 13),  # the Monday after clocks spring forward: EDT, -4
        (datetime(2027, 11, 8).date(), 14),  # the Monday after clocks fall back: EST, -5
    ],
)
def test_booking_0900_new_york_after_a_dst_change_lands_at_the_right_instant(
    front_desk, client_for, patient, provider, clinic, day, utc_hour
):
    # given
    assert clinic.timezone == "America/New_York"
    client = client_for(front_desk)
    # when
    response = client.post(reverse("scheduling:book"), book_data(patient, provider, day, "09:00"))
    # then
    assert response.status_code == 302
    appt = Appointment.objects.get()
    assert appt.start == datetime(day.year, day.month, day.day, utc_hour, 0, tzinfo=UTC)
    html = client.get(reverse("scheduling:day"), {"date": day.isoformat()}).content.decode()
    cell = cell_html(html, provider, "09:00")
    assert str(appt.public_id) in cell
    assert '<span class="t">09:00</span>' in cell


def test_a_time_skipped_by_the_spring_forward_change_is_refused(
    front_desk, client_for, patient, provider, snapshot
):
    before = snapshot()
    response = client_for(front_desk).post(
        reverse("scheduling:book"),
        book_data(patient, provider, datetime(2027, 3, 14).date(), "02:30"),
    )
    assert response.status_code == 422
    assert "does not exist" in response.content.decode()
    assert snapshot() == before


# ---------------------------------------------------------------------------- appointment page


def test_appointment_page_shows_history_with_who_when_and_why(
    front_desk, client_for, patient, provider, future_day, book_at
):
    # given
    appt = book_at(front_desk, patient, provider, future_day, 9, 45)
    appointment_cancel(actor=front_desk, appointment=appt, reason="Car trouble")
    # when
    html = (
        client_for(front_desk)
        .get(reverse("scheduling:appointment", args=[appt.public_id]))
        .content.decode()
    )
    # then
    assert "09:45" in html
    assert "Car trouble" in html
    assert "Fran Desk" in html
    assert html.count('<span class="badge cancelled">Cancelled</span>') >= 2


def test_appointment_page_offers_only_the_actions_of_the_role(
    front_desk, biller, client_for, appointment
):
    desk = client_for(front_desk).get(
        reverse("scheduling:appointment", args=[appointment.public_id])
    )
    bill = client_for(biller).get(reverse("scheduling:appointment", args=[appointment.public_id]))
    assert "Cancel visit" in desk.content.decode()
    assert "Cancel visit" not in bill.content.decode()
    assert "Nothing to do" in bill.content.decode()


def test_cancel_without_a_reason_is_refused_and_changes_nothing(
    front_desk, client_for, appointment, snapshot
):
    before = snapshot()
    response = client_for(front_desk).post(
        reverse("scheduling:cancel", args=[appointment.public_id]), {"reason": "   "}
    )
    assert response.status_code == 422
    assert "Give a reason for cancelling." in response.content.decode()
    assert snapshot() == before


def test_cancel_returns_to_the_day_it_came_from(
    front_desk, client_for, patient, provider, future_day, book_at
):
    appt = book_at(front_desk, patient, provider, future_day, 9)
    back = f"{reverse('scheduling:day')}?date={future_day.isoformat()}"
    response = client_for(front_desk).post(
        reverse("scheduling:cancel", args=[appt.public_id]), {"reason": "Sick", "next": back}
    )
    assert response.status_code == 302
    assert response["Location"] == back
    assert StatusChange.objects.filter(appointment=appt, to_status="cancelled").count() == 1


def test_cancel_ignores_an_off_site_next(
    front_desk, client_for, patient, provider, future_day, book_at
):
    appt = book_at(front_desk, patient, provider, future_day, 9)
    response = client_for(front_desk).post(
        reverse("scheduling:cancel", args=[appt.public_id]),
        {"reason": "Sick", "next": "https://evil.example/phish"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('scheduling:day')}?date={future_day}")


def test_no_show_before_the_start_time_is_refused_with_a_message(
    front_desk, client_for, upcoming_appointment, snapshot
):
    before = snapshot()
    response = client_for(front_desk).post(
        reverse("scheduling:no_show", args=[upcoming_appointment.public_id])
    )
    assert response.status_code == 422
    assert "has not started yet" in response.content.decode()
    assert snapshot() == before


def test_cancelling_twice_is_refused_with_the_lifecycle_message(
    front_desk, client_for, appointment
):
    appointment_cancel(actor=front_desk, appointment=appointment, reason="First")
    changes = StatusChange.objects.count()
    response = client_for(front_desk).post(
        reverse("scheduling:cancel", args=[appointment.public_id]), {"reason": "Again"}
    )
    assert response.status_code == 409
    assert "cannot be marked cancelled" in response.content.decode()
    assert StatusChange.objects.count() == changes
    appointment.refresh_from_db()
    assert appointment.cancel_reason == "First"
