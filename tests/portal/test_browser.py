"""The portal's sign-in and self-service in chromium: a code read from the queued message,
then cancelling a visit, through Django's CSRF check with a real browser's cookies."""

from __future__ import annotations

import pytest

from medassist.portal.models import PortalSettings
from medassist.scheduling.models import Status
from tests.availability.conftest import add_session
from tests.portal.test_sign_in import book, sent_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def ask_for_a_code(page, clinic, patient) -> None:
    page.goto(f"/portal/c/{clinic.public_id}/sign-in/")
    page.get_by_label("First name").fill(patient.first_name)
    page.get_by_label("Last name").fill(patient.last_name)
    page.get_by_label("Date of birth").fill(patient.date_of_birth.isoformat())
    page.get_by_label("Mobile number or e-mail").fill(patient.email)
    page.get_by_role("button", name="Send me a code").click()
    page.get_by_text("If we found you, we sent a code").wait_for()


def test_a_patient_signs_in_with_a_code_and_cancels_a_visit(
    page, clinic, front_desk, patient, provider
):
    # given online booking on and a patient with a visit in two days
    for weekday in range(7):
        add_session(clinic, provider, weekday, (8, 0), (17, 0))
    PortalSettings.objects.create(clinic=clinic, enabled=True)
    visit = book(front_desk, patient, provider)
    # when the patient asks for a code on the start page
    ask_for_a_code(page, clinic, patient)
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


def test_a_signed_in_patient_reaches_every_portal_page_from_their_page(
    page, clinic, front_desk, patient, provider
):
    """The patient session is one cookie for every patient page (refills, forms, handouts,
    chat live under other apps' paths): signed in once, each opens as the patient's."""
    for weekday in range(7):
        add_session(clinic, provider, weekday, (8, 0), (17, 0))
    PortalSettings.objects.create(clinic=clinic, enabled=True)
    book(front_desk, patient, provider)
    ask_for_a_code(page, clinic, patient)
    page.get_by_label("6-digit code").fill(sent_code(patient))
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Your booked visits").wait_for()
    home = page.url
    # each link on the patient's page opens as the signed-in patient
    for link, proof in (
        ("Ask for a refill", "Medication to refill"),
        ("Forms to fill in and how to prepare", f"Hello {patient.first_name}"),
        ("Handouts from your clinician", "Handouts from"),
        ("Chat with the clinic", "assistant"),
    ):
        page.goto(home)
        page.get_by_role("link", name=link).click()
        page.wait_for_load_state("networkidle")
        body = page.locator("main").inner_text()
        assert proof in body, (link, body[:300])
        assert "sign in again" not in body.lower() and "signed out" not in body.lower(), link
        if link != "Forms to fill in and how to prepare":
            page.get_by_role("link", name="Back to your page").click()
            page.get_by_role("heading", name="Your booked visits").wait_for()
    # the chat knows who it is talking to: no identity questions
    assert "date of birth" not in page.locator("main").inner_text().lower()
    # and signing out ends the session on every page
    page.goto(home)
    page.get_by_role("button", name="Sign out").click()
    page.goto("/pharmacy/portal/refill/")
    assert "Medication to refill" not in page.locator("main").inner_text()
