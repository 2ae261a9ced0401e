"""The portal's sign-in and self-service in chromium: a code read from the queued message,
then cancelling a visit, through Django's CSRF check with a real browser's cookies."""

from __future__ import annotations

import pytest

from medassist.portal.models import PortalSettings
from medassist.scheduling.models import Status
from tests.availability.conftest import add_session
from tests.portal.test_sign_in import book, sent_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_patient_signs_in_with_a_code_and_cancels_a_visit(
    page, clinic, front_desk, patient, provider
):
    # given online booking on and a patient with a visit in two days
    for weekday in range(7):
        add_session(clinic, provider, weekday, (8, 0), (17, 0))
    PortalSettings.objects.create(clinic=clinic, enabled=True)
    visit = book(front_desk, patient, provider)
    # when the patient asks for a code on the start page
    page.goto(f"/portal/c/{clinic.public_id}/sign-in/")
    page.get_by_label("First name").fill(patient.first_name)
    page.get_by_label("Last name").fill(patient.last_name)
    page.get_by_label("Date of birth").fill(patient.date_of_birth.isoformat())
    page.get_by_label("Mobile number or e-mail").fill(patient.email)
    page.get_by_role("button", name="Send me a code").click()
    page.get_by_text("If we found you, we sent a code").wait_for()
    # and enters the code from the queued message
    page.get_by_label("6-digit code").fill(sent_code(patient))
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Your booked visits").wait_for()
    # and cancels the visit with a reason
    page.get_by_label("Reason").select_option("conflict")
    page.get_by_role("button", name="Cancel this visit").click()
    page.get_by_text("is cancelled").wait_for()
    # then the visit is cancelled with that reason
    visit.refresh_from_db()
    assert visit.status == Status.CANCELLED
    assert visit.changes.latest("at").reason.endswith("Cannot make that time")
