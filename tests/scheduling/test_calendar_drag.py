"""The calendar in a real browser: drag a booked visit onto a free time and it moves there, with
the calendar still on the same date; a time taken meanwhile is refused and nothing changes."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from medassist.practice.models import Room
from medassist.scheduling.models import Appointment
from medassist.scheduling.selectors import clinic_today
from tests import factories
from tests.browser_support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def at(clinic, day, hh, mm=0):
    return datetime.combine(day, time(hh, mm), tzinfo=clinic.tz)


def visit(page, appt):
    return page.locator(f'a.appt[data-appointment="{appt.public_id}"]')


def cell(page, day, hhmm, *, provider=None, room=None):
    selector = f'td.slot[data-day="{day.isoformat()}"][data-time="{hhmm}"]'
    if provider is not None:
        selector += f'[data-provider="{provider.public_id}"]'
    if room is not None:
        selector += f'[data-room="{room.public_id}"]'
    return page.locator(selector)


def drag(page, source, target) -> None:
    """Drag with the mouse, as a person does: press on the visit, move over the cell in a few
    steps (so the page sees dragenter/dragover), release."""
    target.scroll_into_view_if_needed()
    source.hover()
    page.mouse.down()
    box = target.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=5)
    page.once("dialog", lambda dialog: dialog.accept())  # "Move … to …?": yes
    page.mouse.up()


def drop_targets_while_dragging(page, appt) -> list[str]:
    """Start a drag on the visit (as the browser would) and list the cells marked as targets."""
    return page.evaluate(
        """id => {
            const a = document.querySelector(`a.appt[data-appointment="${id}"]`);
            const dt = new DataTransfer();
            a.dispatchEvent(new DragEvent("dragstart", {bubbles: true, dataTransfer: dt}));
            const marked = [...document.querySelectorAll("td.drop-target")].map(
                c => `${c.dataset.day} ${c.dataset.time} ${c.dataset.provider || c.dataset.room}`);
            a.dispatchEvent(new DragEvent("dragend", {bubbles: true, dataTransfer: dt}));
            return marked;
        }""",
        str(appt.public_id),
    )


def test_drag_a_visit_to_a_free_time_on_the_week_calendar(page, front_desk, patient, provider):
    clinic = front_desk.clinic
    day = clinic_today(clinic) + timedelta(days=14)
    day -= timedelta(days=1) if day.weekday() == 6 else timedelta(0)  # the next day: same week
    appt = factories.book(front_desk, patient, provider, start=at(clinic, day, 9))
    week = f"/schedule/calendar/?view=week&date={day.isoformat()}&provider={provider.public_id}"

    # given the front desk looks at the provider's week
    login(page, "frontdesk")
    page.goto(week)
    expect(visit(page, appt)).to_contain_text("09:00")

    # when they drag the visit onto 10:30 the next day, pausing over it
    target = cell(page, day + timedelta(days=1), "10:30", provider=provider)
    target.scroll_into_view_if_needed()
    visit(page, appt).hover()
    page.mouse.down()
    box = target.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=5)
    expect(target).to_have_class("slot drop-target drop-over")
    assert cell(page, day, "09:00", provider=provider).get_attribute("class") == "slot busy"
    page.once("dialog", lambda dialog: dialog.accept())  # "Move … to …?": yes
    with page.expect_navigation():
        page.mouse.up()

    # then the visit is there, and the calendar is still on that week and provider
    expect(page.locator(".messages")).to_contain_text("Moved")
    assert f"date={day.isoformat()}" in page.url and str(provider.public_id) in page.url
    assert "view=week" in page.url
    expect(visit(page, appt)).to_contain_text("10:30")
    appt = Appointment.objects.get(pk=appt.pk)
    assert appt.start == at(clinic, day + timedelta(days=1), 10, 30)
    assert appt.provider == provider
    assert appt.moves.count() == 1


def test_drag_to_another_providers_column_moves_the_visit_to_them(
    page, front_desk, patient, provider
):
    clinic = front_desk.clinic
    other = factories.make_provider(clinic)
    day = clinic_today(clinic) + timedelta(days=14)
    appt = factories.book(front_desk, patient, provider, start=at(clinic, day, 9))
    factories.book(front_desk, factories.make_patient(front_desk), other, start=at(clinic, day, 8))

    # given the day view with every provider
    login(page, "frontdesk")
    page.goto(f"/schedule/calendar/?view=day&date={day.isoformat()}")

    # when the visit is dragged into the other provider's column at 10:00
    with page.expect_navigation():
        drag(page, visit(page, appt), cell(page, day, "10:00", provider=other))

    # then it is the other provider's visit at 10:00, on the same day's calendar
    expect(page.locator(".messages")).to_contain_text(f"with {other.display_name}")
    assert f"date={day.isoformat()}" in page.url and "view=day" in page.url
    appt = Appointment.objects.get(pk=appt.pk)
    assert (appt.start, appt.provider) == (at(clinic, day, 10), other)


def test_a_time_taken_meanwhile_is_refused_and_nothing_changes(page, front_desk, patient, provider):
    clinic = front_desk.clinic
    day = clinic_today(clinic) + timedelta(days=14)
    appt = factories.book(front_desk, patient, provider, start=at(clinic, day, 9))
    page_url = f"/schedule/calendar/?view=day&date={day.isoformat()}&provider={provider.public_id}"
    login(page, "frontdesk")
    page.goto(page_url)

    # given 11:00 was free when the page was drawn, and someone else books it now
    target = cell(page, day, "11:00", provider=provider)
    expect(target).not_to_have_class("slot busy")
    factories.book(front_desk, factories.make_patient(front_desk), provider, at(clinic, day, 11))

    # when the visit is dragged there
    with page.expect_navigation():
        drag(page, visit(page, appt), target)

    # then the server refuses it, the same day is shown, and the visit has not moved
    expect(page.locator(".msg.error")).to_be_visible()
    assert "Moved" not in page.locator(".messages").inner_text()
    assert f"date={day.isoformat()}" in page.url
    expect(visit(page, appt)).to_contain_text("09:00")
    appt = Appointment.objects.get(pk=appt.pk)
    assert appt.start == at(clinic, day, 9) and appt.moves.count() == 0


def test_push_a_visit_fifteen_minutes_later_onto_its_own_time(page, front_desk, patient, provider):
    clinic = front_desk.clinic
    day = clinic_today(clinic) + timedelta(days=14)
    appt = factories.book(front_desk, patient, provider, start=at(clinic, day, 9))
    login(page, "frontdesk")
    page.goto(f"/schedule/calendar/?view=day&date={day.isoformat()}&provider={provider.public_id}")

    # when the 09:00-09:20 visit is dragged onto 09:15, a cell it covers itself
    with page.expect_navigation():
        drag(page, visit(page, appt), cell(page, day, "09:15", provider=provider))

    # then it starts at 09:15
    expect(page.locator(".messages")).to_contain_text("Moved")
    assert Appointment.objects.get(pk=appt.pk).start == at(clinic, day, 9, 15)


def test_taken_and_past_cells_are_not_drop_targets(page, front_desk, patient, provider):
    clinic = front_desk.clinic
    day = clinic_today(clinic) + timedelta(days=14)
    ahead = factories.book(front_desk, patient, provider, start=at(clinic, day, 9))
    factories.book(
        front_desk, factories.make_patient(front_desk), provider, start=at(clinic, day, 10)
    )
    gone = factories.book(front_desk, patient, provider, start=at(clinic, day, 12))
    week_ago = timedelta(days=7 + 14)  # a week before today: every quarter hour is past
    Appointment.objects.filter(pk=gone.pk).update(
        start=gone.start - week_ago, end=gone.end - week_ago
    )
    login(page, "frontdesk")
    week = "/schedule/calendar/?view=week&provider={}&date={}"

    # when a drag starts on a visit ahead (09:00-09:20): the cell it starts in is not a target,
    # the rest of its own time is (a push later), another visit's time (10:00-10:20) is not
    page.goto(week.format(provider.public_id, day.isoformat()))
    marked = drop_targets_while_dragging(page, ahead)
    assert f"{day.isoformat()} 09:00 {provider.public_id}" not in marked
    assert f"{day.isoformat()} 09:15 {provider.public_id}" in marked
    assert f"{day.isoformat()} 09:30 {provider.public_id}" in marked
    assert f"{day.isoformat()} 10:00 {provider.public_id}" not in marked
    assert f"{day.isoformat()} 10:15 {provider.public_id}" not in marked

    # and a visit still booked in a past week has nowhere to go on its page
    page.goto(week.format(provider.public_id, (day - week_ago).isoformat()))
    assert page.locator("td.slot[data-past]").count() > 0
    assert drop_targets_while_dragging(page, gone) == []


def test_by_room_a_drop_changes_only_the_time_within_the_visits_room(
    page, front_desk, patient, provider
):
    clinic = front_desk.clinic
    day = clinic_today(clinic) + timedelta(days=14)
    exam1 = Room.objects.get(location__clinic=clinic, name="Exam 1")
    exam2 = Room.objects.get(location__clinic=clinic, name="Exam 2")
    appt = factories.book(front_desk, patient, provider, start=at(clinic, day, 9))
    Appointment.objects.filter(pk=appt.pk).update(room=exam1)  # a booked visit with its room
    login(page, "frontdesk")
    page.goto(f"/schedule/calendar/?view=day&by=room&date={day.isoformat()}")

    # given a drag of the visit: only its own room's free cells take it
    marked = drop_targets_while_dragging(page, appt)
    assert f"{day.isoformat()} 11:00 {exam1.public_id}" in marked
    assert not any(str(exam2.public_id) in m for m in marked)

    # when it is dropped at 11:00 in its room
    with page.expect_navigation():
        drag(page, visit(page, appt), cell(page, day, "11:00", room=exam1))

    # then only the time changed: same provider, same room, and the room view is shown again
    expect(page.locator(".messages")).to_contain_text("Moved")
    assert "by=room" in page.url and f"date={day.isoformat()}" in page.url
    appt = Appointment.objects.get(pk=appt.pk)
    assert (appt.start, appt.provider, appt.room) == (at(clinic, day, 11), provider, exam1)
