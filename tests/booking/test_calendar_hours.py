"""The calendar shows and asks for the provider's hours: cells outside them are marked and offer
no "Book"; a move lands the calendar on the visit's new day with an "Undo the move"; a drop on
a closed cell asks for a reason (roles allowed to book past hours) or is not taken at all."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from medassist.booking.services import appointment_book
from tests.availability.conftest import at

CAL = "/schedule/calendar/"


@pytest.fixture
def visit(front_desk, clinic, templated, monday, patient):
    from medassist.practice.models import VisitType

    return appointment_book(
        actor=front_desk,
        patient=patient,
        provider=templated,
        visit_type=VisitType.objects.get(clinic=clinic, code="follow-up"),
        start=at(clinic, monday, 9),
    )


def test_cells_outside_hours_are_marked_and_offer_no_booking(client, front_desk, templated, monday):
    client.force_login(front_desk)
    params = {"view": "week", "date": monday.isoformat(), "provider": templated.public_id}
    html = client.get(CAL, params).content.decode()
    saturday = (monday + timedelta(days=5)).isoformat()
    who = f'data-provider="{templated.public_id}"'
    # the weekend and the lunch hour are marked closed, and no Book link points at them
    assert f'data-day="{saturday}" data-time="09:00" {who} data-closed' in html
    assert f'data-day="{monday.isoformat()}" data-time="12:15" {who} data-closed' in html
    assert f"start={saturday}T09" not in html.replace("%3A", ":")
    assert f"start={monday.isoformat()}T09%3A15" in html  # an open morning cell still books


def test_a_move_returns_to_the_new_day_with_an_undo(
    client, front_desk, clinic, templated, monday, visit
):
    client.force_login(front_desk)
    tuesday = monday + timedelta(days=1)
    back = f"{CAL}?view=day&date={monday.isoformat()}&provider={templated.public_id}"
    moved = client.post(
        reverse("scheduling:move", args=[visit.public_id]),
        {"from": "calendar", "next": back, "date": tuesday.isoformat(), "time": "10:00"},
    )
    assert moved.status_code == 302
    assert f"date={tuesday.isoformat()}" in moved["Location"]
    page = client.get(moved["Location"]).content.decode()
    assert "Undo the move" in page
    # when the undo is posted, the visit is back at Monday 09:00
    undo = client.post(
        reverse("scheduling:move", args=[visit.public_id]),
        {"from": "calendar", "next": moved["Location"], "date": monday.isoformat(),
         "time": "09:00", "provider": templated.public_id, "reason": "Undo of a calendar move"},
    )  # fmt: skip
    visit.refresh_from_db()
    assert undo.status_code == 302 and visit.start == at(clinic, monday, 9)


def test_the_table_says_who_may_drop_outside_hours(
    client, front_desk, medical_assistant, templated, monday
):
    params = {"view": "week", "date": monday.isoformat(), "provider": templated.public_id}
    client.force_login(front_desk)
    desk = client.get(CAL, params).content.decode()
    client.force_login(medical_assistant)
    ma = client.get(CAL, params).content.decode()
    assert "data-outside-hours" in desk and "data-outside-hours" not in ma
