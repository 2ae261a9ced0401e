"""In chromium: a patient books a visit and asks a clinical question in the portal chat; the
question appears in the clinician's inbox with the patient's words."""

from __future__ import annotations

import pytest

from medassist.assistant.understand import decide
from medassist.scheduling.models import Appointment
from tests.browser_support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def say(page, text: str, expect: str) -> None:
    page.get_by_label("Your message").fill(text)
    page.get_by_role("button", name="Send").click()
    page.locator("#chat-log").get_by_text(expect).last.wait_for()


def test_patient_books_and_asks_a_clinical_question_which_reaches_the_clinician(
    page, clinic, portal, patient, physician
):
    # given the clinic's chat page (the classifier trained beforehand: the live server runs in
    # this process, and training on a busy machine can outlast a click's timeout)
    decide("hello")
    page.goto(f"/assistant/chat/{clinic.public_id}/")
    # when the patient books: verification, then the first slot offered
    say(page, "I'd like to book an appointment", "first and last name")
    say(page, "Jordan Reyes", "date of birth")
    say(page, "05/17/1980", "Reply with the number")
    say(page, "1", "You're booked")
    # and asks a clinical question, and agrees to send it to the care team
    say(page, "Should I stop taking my metformin before the visit?", "can't give medical advice")
    say(page, "yes", "sent your question to your care team")
    # then the visit is booked online
    assert Appointment.objects.get(patient=patient).booked_online
    # and the clinician sees the question, with the patient's words
    login(page, "doctor")
    page.goto("/assistant/inbox/")
    page.get_by_role("link", name="Question for the care team").click()
    words = page.locator("blockquote.patient-words")
    words.get_by_text("Should I stop taking my metformin before the visit?").wait_for()
