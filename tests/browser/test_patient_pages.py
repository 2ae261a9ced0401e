"""Pages a patient opens from a link, in chromium, for a clinic on the US west coast while the
server runs in UTC: every time shown is the clinic's, and the portal's booking form gets
through Django's CSRF check with chromium's real Origin and Referer behaviour."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from medassist.booking.services import appointment_cancel
from medassist.portal.models import PortalSettings
from medassist.portal.services import portal_link_make
from medassist.practice.models import VisitType
from medassist.reminders import links
from medassist.reminders.models import Message
from medassist.scheduling.models import Appointment
from medassist.scheduling.selectors import clinic_today
from medassist.waitlist.services import waitlist_entry_add
from medassist.worker.loop import run_once
from tests import factories
from tests.waitlist.conftest import offer_token

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WEST = "America/Los_Angeles"


@pytest.fixture
def west(clinic, settings, tmp_path):
    """The cast's clinic keeps Pacific time; the server's own zone is UTC (settings)."""
    assert settings.TIME_ZONE == "UTC"
    clinic.timezone = WEST
    clinic.save(update_fields=["timezone"])
    settings.MEDASSIST_SMS_DIR = str(tmp_path / "sms")
    settings.MEDASSIST_SMS_SENDER = "medassist.reminders.senders.FileSender"
    return clinic


def _at(clinic, days: int, hh: int, mm: int) -> datetime:
    return datetime.combine(clinic_today(clinic) + timedelta(days=days), time(hh, mm), clinic.tz)


def test_the_reminder_link_page_shows_the_clinics_time(page, west, front_desk, patient, provider):
    # given a visit at 11:25 Pacific (19:25 UTC) in two days
    visit = factories.book(front_desk, patient, provider, start=_at(west, 2, 11, 25))
    # when the patient opens the link from the reminder
    page.goto(f"/reminders/r/{links.reminder_token(visit)}/")
    # then the page says 11:25 AM, as the e-mail and the .ics do
    text = page.locator("main").inner_text()
    assert "11:25 AM" in text and "7:25 PM" not in text


def test_a_waitlist_offer_shows_and_books_the_clinics_time(
    page, west, front_desk, patient, provider
):
    # given an 8:50 Pacific visit cancelled, offered to a waiting patient by text
    visit = factories.book(front_desk, patient, provider, start=_at(west, 3, 8, 50))
    waiting = factories.make_patient(front_desk, first_name="Avery")
    waitlist_entry_add(
        actor=front_desk,
        patient=waiting,
        visit_type=VisitType.objects.get(clinic=west, code="follow-up"),
        earliest_date=clinic_today(west),
        latest_date=clinic_today(west) + timedelta(days=10),
    )
    appointment_cancel(actor=front_desk, appointment=visit, reason="Patient called")
    run_once()
    offer = Message.objects.get(patient=waiting, kind="offer")
    assert "8:50 AM" in offer.body
    # when the patient opens the offer and accepts it
    page.goto(f"/waitlist/o/{offer_token(offer)}/")
    shown = page.locator("main").inner_text()
    page.get_by_role("button", name="Accept this time").click()
    page.wait_for_selector("text=You are booked")
    # then both pages say 8:50 AM, the clinic's time
    assert "8:50 AM" in shown and "4:50 PM" not in shown
    assert "8:50" in page.locator("main").inner_text()


def test_a_patient_books_online_in_chromium(page, west, front_desk, patient, provider):
    # given online booking open for follow-ups (the cast's provider works every day)
    portal = PortalSettings.objects.create(
        clinic=west, enabled=True, min_days_ahead=1, max_days_ahead=30, link_valid_days=14
    )
    portal.visit_types.add(VisitType.objects.get(clinic=west, code="follow-up"))
    link = portal_link_make(actor=front_desk, patient=patient)
    # when the patient opens the link, picks the visit type and books the first time shown
    page.goto(link.replace("http://testserver", ""))
    page.get_by_label("Kind of visit", exact=True).select_option(label="Follow-up (20 min)")
    page.get_by_role("button", name="Show open times").click()
    first = page.locator("input[name=slot]").first
    first.check()
    page.get_by_role("button", name="Book this time").click()
    # then chromium's POST passes the CSRF check and the visit is booked
    page.wait_for_selector("text=You are booked")
    assert Appointment.objects.filter(patient=patient, booked_online=True).count() == 1
