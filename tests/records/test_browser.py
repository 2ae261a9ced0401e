"""The chart in a real browser: htmx forms swap in place, the banner follows the allergies,
a note is written, signed and amended."""

from __future__ import annotations

import pytest

from medassist.records import services
from medassist.records.models import Note
from tests.browser_support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_allergies_nka_and_banner_in_the_browser(page, physician, patient):
    # given the chart of a patient with nothing recorded
    login(page, "doctor")
    page.goto(f"/records/patients/{patient.public_id}/")
    assert "Allergies not recorded" in page.locator("#chart-banner").inner_text()
    # when the physician records "no known allergies"
    page.get_by_role("button", name="No known allergies").click()
    page.wait_for_selector(".allergy-banner.nka")
    # then the banner says so
    assert "No known allergies" in page.locator("#chart-banner").inner_text()
    # when an allergy is added through the form
    page.get_by_role("button", name="Add allergy").click()
    page.get_by_label("Substance").fill("Sulfa")
    page.get_by_label("Reaction").fill("Rash")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector(".allergy-banner.has")
    # then the banner lists it and NKA is gone
    assert "Sulfa (Rash)" in page.locator("#chart-banner").inner_text()
    assert page.locator(".nka-line").count() == 0


def test_a_bad_code_is_shown_in_the_form_and_the_form_stays(page, physician, patient):
    login(page, "doctor")
    page.goto(f"/records/patients/{patient.public_id}/")
    page.get_by_role("button", name="Add immunization").click()
    page.get_by_label("Vaccine (CVX)").select_option("115")
    page.get_by_label("Date given").fill("2999-01-01")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("#chart-form .errorlist")
    assert "cannot be in the future" in page.locator("#chart-form").inner_text()
    assert "No immunizations recorded." in page.locator("#sec-immunizations").inner_text()


def test_write_sign_and_amend_a_note(page, physician, patient):
    # given an encounter
    encounter = services.encounter_create(actor=physician, patient=patient, type_display="Visit")
    login(page, "doctor")
    page.goto(f"/records/patients/{patient.public_id}/")
    card = page.locator(f"#enc-{encounter.public_id}")
    # when a note is written and signed
    card.get_by_role("button", name="Write note").click()
    page.locator("#chart-form textarea[name=body]").fill("Cough for three days.")
    page.get_by_role("button", name="Save").click()
    card.get_by_role("button", name="Sign").click()
    card.locator(".badge.st-signed").wait_for()
    # and amended with a reason
    card.get_by_role("button", name="Amend").click()
    page.get_by_label("Corrected note").fill("Cough for five days.")
    page.get_by_label("Reason for the amendment").fill("Duration corrected")
    page.get_by_role("button", name="Save").click()
    card.locator(".badge.st-amended").wait_for()
    # then both versions are kept, the original text unchanged
    original, amendment = Note.objects.order_by("id")
    assert original.status == "amended" and original.body == "Cough for three days."
    assert amendment.amends == original and amendment.amendment_reason == "Duration corrected"
    assert "Duration corrected" in card.inner_text()
