"""The waitlist in a real browser: the desk finds a patient and adds them; a patient accepts
an offered slot from the link without logging in."""

from __future__ import annotations

from datetime import timedelta

import pytest

from medassist.booking.services import appointment_cancel
from medassist.reminders.models import Message
from medassist.scheduling.selectors import clinic_today
from medassist.waitlist.models import WaitlistEntry
from medassist.worker.loop import run_once
from tests.browser_support import login
from tests.waitlist.conftest import offer_token

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_desk_adds_a_patient_to_the_waitlist(page, front_desk, patient, clinic):
    # given the waitlist screen
    login(page, "frontdesk")
    page.goto("/waitlist/")
    # when the desk searches, picks the patient and fills the form
    page.get_by_label("Find the patient").fill(patient.last_name)
    page.get_by_label(patient.display_name, exact=False).check()
    page.get_by_label("Visit type").select_option(label="New patient (40 min)")
    latest = clinic_today(clinic) + timedelta(days=21)
    page.get_by_label("Latest date").fill(latest.isoformat())
    page.get_by_label("Time of day").select_option("morning")
    page.get_by_role("button", name="Add to waitlist").click()
    # then the entry is listed
    page.wait_for_selector("text=is on the waitlist")
    assert patient.display_name in page.locator("table").inner_text()
    entry = WaitlistEntry.objects.get()
    assert (entry.patient_id, entry.latest_date, entry.time_of_day) == (
        patient.pk,
        latest,
        "morning",
    )


def test_a_patient_accepts_an_offer_from_the_link(page, busy_visit, waiting, front_desk):
    # given a freed slot offered by text
    appointment_cancel(actor=front_desk, appointment=busy_visit, reason="Patient called")
    run_once()
    token = offer_token(Message.objects.filter(kind="offer").first())
    # when the patient opens the link and accepts
    page.goto(f"/waitlist/o/{token}/")
    page.get_by_role("button", name="Accept this time").click()
    # then they are booked
    page.wait_for_selector("text=You are booked.")
    assert WaitlistEntry.objects.filter(status="booked").count() == 1
