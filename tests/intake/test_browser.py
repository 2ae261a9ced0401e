"""Kiosk self check-in on a phone-sized screen and the MA's rooming path, in a real browser."""

from __future__ import annotations

from datetime import datetime, time

import pytest
from playwright.sync_api import expect

from medassist.intake.models import QuestionnaireResponse
from medassist.scheduling.selectors import clinic_today
from medassist.scheduling.services import appointment_transition
from tests import factories
from tests.browser_support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tablet_visit(clinic, front_desk, provider):
    start = datetime.combine(clinic_today(clinic), time(23, 30), tzinfo=clinic.tz)
    who = factories.make_patient(
        front_desk, first_name="Kim", last_name="Tablet", phone_mobile="(518) 555-0199"
    )
    factories.add_coverage(front_desk, who)
    return factories.book(front_desk, who, provider, start=start)


def test_kiosk_check_in_on_a_phone(browser, live_server, front_desk, tablet_visit):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    context.set_default_timeout(15_000)
    page = context.new_page()
    # the front desk unlocks the device, and their own session ends on it
    login(page, "frontdesk")
    page.goto("/intake/kiosk/unlock/")
    page.get_by_role("button", name="Start check-in mode").click()
    expect(page.get_by_role("heading", name="Welcome to Maple Family Medicine")).to_be_visible()
    # a wrong phone gets the same answer as no visit at all
    page.get_by_label("First name").fill("Kim")
    page.get_by_label("Last name").fill("Tablet")
    page.get_by_label("Date of birth").fill("1980-05-17")
    page.get_by_label("Phone number").fill("518 555 0000")
    page.get_by_role("button", name="Find my visit").click()
    expect(page.get_by_role("alert")).to_contain_text("Please check in at the front desk")
    page.get_by_label("Phone number").fill("518 555 0199")
    page.get_by_role("button", name="Find my visit").click()
    expect(page.get_by_role("heading", name="Hello Kim")).to_be_visible()
    page.get_by_role("button", name="Yes, this is right").click()
    expect(page.locator("#card_front")).to_have_attribute("capture", "environment")
    page.get_by_role("button", name="This is still my insurance").click()
    for box in page.get_by_role("checkbox").all():
        box.check()
    page.get_by_label("Type your full name to sign").fill("Kim Tablet")
    page.get_by_role("button", name="Sign").click()
    expect(page.get_by_text("You are checked in.")).to_be_visible()
    tablet_visit.refresh_from_db()
    assert tablet_visit.status == "arrived"
    # the visit intake: a follow-up question appears only when it applies
    page.get_by_role("link", name="Visit intake").click()
    page.get_by_label("In your own words, what brings you in today?").fill("Sore throat")
    page.locator("#q-reason\\.chest-pain-now").get_by_label("No").check()
    page.locator("#q-reason\\.self-harm-now").get_by_label("No").check()
    page.locator("#q-reason\\.new-symptom").get_by_label("No").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Review of systems")).to_be_visible()
    page.get_by_role("button", name="Save and continue").click()
    detail = page.locator("#q-meds\\.new-allergy-detail")
    expect(detail).to_be_hidden()
    page.locator("#q-meds\\.new-allergy").get_by_label("Yes").check()
    expect(detail).to_be_visible()
    page.get_by_label("What were you allergic to, and what happened?").fill("Hives from penicillin")
    page.get_by_role("button", name="Save and continue").click()
    page.locator("#q-history\\.changed").get_by_label("No").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Hives from penicillin")).to_be_visible()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("Your answers were sent to the clinic.")).to_be_visible()
    r = QuestionnaireResponse.objects.get(questionnaire__name="visit-intake")
    assert r.status == "completed" and r.channel == "kiosk"
    assert r.answers["meds.new-allergy-detail"] == "Hives from penicillin"
    # the patient sees no score anywhere; finishing clears the tablet for the next patient
    page.get_by_role("button", name="I'm finished").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    page.get_by_role("link", name="Next patient").click()
    expect(page.get_by_label("First name")).to_have_value("")
    context.close()


def test_rooming_path_on_a_tablet(browser, live_server, medical_assistant, front_desk, appointment):
    appointment_transition(actor=front_desk, appointment=appointment, to_status="arrived")
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1024, "height": 768})
    context.set_default_timeout(15_000)
    page = context.new_page()
    login(page, "ma")
    page.goto(f"/intake/visits/{appointment.public_id}/rooming/")
    page.get_by_role("link", name="Room the patient (room, reason, vitals)").click()
    page.get_by_label("Room").select_option(label="Exam 2")
    page.get_by_label("Reason for visit").fill("Follow-up of my blood pressure")
    page.locator("#id_bp_systolic").fill("162")
    page.locator("#id_bp_diastolic").fill("98")
    page.get_by_role("button", name="Room patient").click()
    page.goto(f"/intake/visits/{appointment.public_id}/rooming/")
    expect(page.locator("[data-step=reason]")).to_contain_text("✔")
    expect(page.locator("[data-step=vitals]")).to_contain_text("✔")
    page.get_by_label("Repeat BP: systolic").fill("148")
    page.get_by_label("diastolic").fill("92")
    page.get_by_role("button", name="Record repeat BP").click()
    expect(page.get_by_text("148/92")).to_be_visible()
    expect(page.get_by_text("162/98")).to_be_visible()
    page.get_by_role("link", name="confirm allergies").click()
    page.get_by_role("button", name="The patient confirms this list").click()
    expect(page.locator("[data-step=allergies]")).to_contain_text("✔")
    page.get_by_role("link", name="Room board").click()
    room = page.locator("[data-room='Exam 2']")
    expect(room).to_contain_text("Jordan")
    expect(room).to_contain_text("min")
    expect(page.locator("[data-room='Exam 1']")).to_contain_text("Free")
    context.close()
