"""The chart in a real browser: htmx forms swap in place, the banner follows the allergies,
a note is written, signed and amended, and every time shown is the clinic's (not the
server's UTC), in fragments too."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from medassist.intake.services import rooming_complete
from medassist.practice.models import Room
from medassist.records import services
from medassist.records.models import Encounter, NoKnownAllergies, Note
from medassist.scheduling.services import appointment_transition
from tests import factories
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


def test_times_after_htmx_saves_and_the_encounter_default_are_the_clinics(
    page, settings, clinic, physician, patient
):
    # given a clinic in Los Angeles, while the server runs in UTC
    assert settings.TIME_ZONE == "UTC"
    west = ZoneInfo("America/Los_Angeles")
    clinic.timezone = "America/Los_Angeles"
    clinic.save(update_fields=["timezone"])
    login(page, "doctor")
    page.goto(f"/records/patients/{patient.public_id}/")

    # when the physician opens "Start encounter"
    before = timezone.now()
    page.get_by_role("button", name="Start encounter").click()
    when = page.get_by_label("Date and time")
    # then the form's default is the clinic's now
    local_minutes = {(before + timedelta(minutes=m)).astimezone(west) for m in (0, 1)}
    assert when.input_value() in {t.strftime("%Y-%m-%dT%H:%M") for t in local_minutes}

    # when an encounter at 09:15 clinic time is saved (htmx swaps the section in)
    when.fill("2026-03-02T09:15")
    page.get_by_role("button", name="Save").click()
    page.locator(".encounter").first.wait_for()
    # then it was read as the clinic's 09:15 (17:15 UTC) and is shown as 09:15
    encounter = Encounter.objects.get()
    assert encounter.start == datetime(2026, 3, 2, 9, 15, tzinfo=west)
    card = page.locator(f"#enc-{encounter.public_id}")
    assert "03/02/2026 09:15" in card.inner_text()
    assert "17:15" not in card.inner_text()

    # when a note is written and signed (htmx swaps the encounter in)
    card.get_by_role("button", name="Write note").click()
    page.locator("#chart-form textarea[name=body]").fill("Knee pain on stairs.")
    page.get_by_role("button", name="Save").click()
    card.get_by_role("button", name="Sign").click()
    card.locator(".badge.st-signed").wait_for()
    # then the signature time shown is the clinic's
    signed_at = Note.objects.get().signed_at
    assert f"signed {signed_at.astimezone(west):%m/%d/%Y %H:%M}" in card.inner_text()
    assert f"{signed_at.astimezone(ZoneInfo('UTC')):%m/%d/%Y %H:%M}" not in card.inner_text()

    # when "no known allergies" is recorded (htmx swaps the allergies in)
    page.get_by_role("button", name="No known allergies").click()
    page.locator(".nka-line").wait_for()
    # then its time is the clinic's too
    recorded_at = NoKnownAllergies.objects.get().recorded_at
    nka_line = page.locator(".nka-line").inner_text()
    assert f"recorded {recorded_at.astimezone(west):%m/%d/%Y %H:%M}" in nka_line


def test_the_doctor_goes_from_the_worklist_to_the_chart_and_starts_the_visit(
    page, physician, medical_assistant, front_desk, patient, provider, clinic
):
    # given a patient roomed today with her reason for the visit
    visit = factories.book(front_desk, patient, provider, start=factories.next_slot(clinic, 0))
    appointment_transition(actor=front_desk, appointment=visit, to_status="arrived")
    room = Room.objects.filter(location__clinic=clinic).order_by("name").first()
    rooming_complete(
        actor=medical_assistant, appointment=visit, room=room, reason_for_visit="Dizzy spells"
    )
    login(page, "doctor")
    page.goto("/intake/worklist/")
    # when the physician clicks the patient's name on the worklist
    page.locator(f"[data-appointment='{visit.public_id}']").get_by_role(
        "link", name=patient.display_name
    ).click()
    # then the chart opens for this visit, with the reason in the patient's words
    this_visit = page.locator("#this-visit")
    assert "Dizzy spells" in this_visit.inner_text()
    # when the visit is started from the chart
    this_visit.get_by_role("button", name="Start visit").click()
    page.get_by_role("link", name="Go to this visit's encounter").wait_for()
    # then the encounter is there, with the reason, ready for a note
    encounter = Encounter.objects.get(appointment=visit)
    card = page.locator(f"#enc-{encounter.public_id}")
    assert "Reason: Dizzy spells" in card.inner_text()
    assert card.get_by_role("button", name="Write note").is_visible()
