"""The calendar in a real browser: click a visit's Move, click a free time, and the visit is
there, with the calendar still on the same week and provider."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from medassist.scheduling.models import Appointment
from medassist.scheduling.selectors import clinic_today
from tests import factories
from tests.browser_support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_click_to_move_a_visit_on_the_week_calendar(page, front_desk, patient, provider):
    clinic = front_desk.clinic
    day = clinic_today(clinic) + timedelta(days=14)
    start = datetime.combine(day, time(9, 0), tzinfo=clinic.tz)
    appt = factories.book(front_desk, patient, provider, start=start)
    week = f"/schedule/calendar/?view=week&date={day.isoformat()}&provider={provider.public_id}"

    # given the front desk looks at the provider's week
    login(page, "frontdesk")
    page.goto(week)
    expect(page.locator(f'a.appt[data-appointment="{appt.public_id}"]')).to_contain_text("09:00")

    # when they click Move on the visit, then "Move here" at 14:30 the same day
    page.get_by_role("link", name=f"Move {patient.display_name}'s visit").click()
    expect(page.locator("#moving")).to_contain_text(f"Moving {patient.display_name}")
    target = page.get_by_role(
        "button", name=f"Move here: {day:%a %b} {day.day} 14:30 with {provider.display_name}"
    )
    target.click()
    page.wait_for_load_state("networkidle")

    # then the visit is at 14:30, and the calendar is still on that week and provider
    expect(page.locator(".msg, [role=status], .messages").first).to_contain_text("Moved")
    assert f"date={day.isoformat()}" in page.url and str(provider.public_id) in page.url
    assert "move=" not in page.url
    expect(page.locator(f'a.appt[data-appointment="{appt.public_id}"]')).to_contain_text("14:30")
    appt = Appointment.objects.get(pk=appt.pk)
    assert appt.start == datetime.combine(day, time(14, 30), tzinfo=clinic.tz)
    assert appt.moves.count() == 1
