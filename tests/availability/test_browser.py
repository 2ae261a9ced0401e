"""Find a slot in a real browser (Debian's chromium): search a patient, list slots, book one."""

import pytest

from medassist.scheduling.models import Appointment
from tests.browser_support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_front_desk_finds_and_books_the_first_slot(page, front_desk, templated, patient, monday):
    # given the Find a slot page (patient waits: the shared test machine is busy)
    page.set_default_timeout(60_000)
    login(page, "frontdesk")
    page.goto("/availability/find/")
    page.get_by_label("Visit type", exact=True).select_option(label="Follow-up (20 min)")
    page.get_by_label("From", exact=True).fill(monday.isoformat())
    page.get_by_label("To", exact=True).fill(monday.isoformat())
    # when the patient is searched and chosen
    page.get_by_label("Patient").press_sequentially("reyes", delay=20)
    page.get_by_role("button", name="Reyes, Jordan").click()
    page.get_by_text("Change patient").wait_for()
    # and slots are found
    page.get_by_role("button", name="Find slots").click()
    first = page.get_by_role("button", name="Book").first
    first.wait_for()
    row = page.locator("#results tbody tr").first.inner_text()
    assert "08:00–08:20" in row and "Paul Osler" in row
    # when the first one is booked
    first.click()
    page.get_by_role("heading", name="Booked").wait_for()
    # then the appointment exists and its page is one click away
    appt = Appointment.objects.get(patient=patient)
    link = page.get_by_role("link", name="Open the appointment")
    assert link.get_attribute("href") == f"/schedule/appointments/{appt.public_id}/"
    link.click()
    page.wait_for_url(f"**/schedule/appointments/{appt.public_id}/**")
