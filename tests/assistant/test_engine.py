"""The conversation engine: identity before personal information, booking through the booking
service, clinical questions routed to the care team, emergencies escalated, everything stored."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from medassist.assistant.engine import conversation_start, respond
from medassist.assistant.models import Channel, Conversation, Task, Turn
from medassist.scheduling.models import Appointment
from medassist.scheduling.selectors import clinic_today
from tests.factories import book


def chat(conversation, *messages):
    return [respond(conversation=conversation, text=m) for m in messages]


def start(clinic, channel=Channel.PORTAL, phone=""):
    return conversation_start(clinic=clinic, channel=channel, phone=phone)


def test_patient_books_after_verifying_and_the_visit_is_booked_through_the_service(
    clinic, portal, patient
):
    # given
    c = start(clinic)
    # when
    asked, dob, slots = chat(c, "I'd like to book an appointment", "Jordan Reyes", "05/17/1980")
    booked = respond(conversation=c, text="1")
    # then
    assert asked.template == "ask_name"
    assert dob.template == "ask_dob"
    assert slots.template == "verified+slots"
    assert booked.template == "booked"
    appt = Appointment.objects.get(patient=patient)
    assert appt.booked_online
    assert "with" in booked.text and appt.provider.display_name in booked.text
    turns = list(Turn.objects.filter(conversation=c, speaker="patient"))
    assert turns[0].intent == "book" and turns[0].decision == "answer"


def test_a_clinical_question_is_never_answered_and_goes_to_the_care_team_on_yes(
    clinic, portal, patient
):
    # given
    c = start(clinic)
    # when
    offer = respond(conversation=c, text="Should I stop taking my metformin?")
    chat(c, "yes", "Jordan Reyes")
    sent = respond(conversation=c, text="05/17/1980")
    # then
    assert offer.template == "clinical"
    assert "can't give medical advice" in offer.text
    assert sent.template == "verified+clinical_sent"
    task = Task.objects.get(kind=Task.Kind.CARE_TEAM)
    assert task.clinician_only and task.patient == patient
    assert task.words == "Should I stop taking my metformin?"
    first = Turn.objects.filter(conversation=c, speaker="patient").first()
    assert first.decision == "route" and first.safety["verdict"] == "clinical"


def test_an_emergency_gets_911_at_once_alerts_staff_and_flags_the_conversation(clinic):
    c = start(clinic)
    reply = respond(conversation=c, text="my chset hurts so bad and my left arm is numb")
    c.refresh_from_db()
    assert reply.template == "emergency" and "911" in reply.text
    assert c.emergency
    assert Task.objects.get(kind=Task.Kind.EMERGENCY).urgent


def test_a_suicidal_crisis_gets_988(clinic):
    reply = respond(conversation=start(clinic), text="i dont want to live anymore")
    assert reply.template == "emergency_crisis" and "988" in reply.text


def test_an_emergency_interrupts_a_verification_in_progress(clinic, portal):
    c = start(clinic)
    chat(c, "cancel my appointment")
    reply = respond(conversation=c, text="I took the whole bottle of my pills")
    assert reply.emergency


@pytest.mark.parametrize("name", ["Jordan Reyes", "Nobody Atall"])
def test_unverified_callers_hear_the_same_words_whether_or_not_the_name_is_a_patient(
    clinic, portal, patient, name
):
    c = start(clinic)
    chat(c, "when is my appointment", name)
    reply = respond(conversation=c, text="01/01/1950")
    assert reply.template == "verify_failed"
    assert "Jordan" not in reply.text


def test_five_failed_verifications_lock_the_conversation_and_alert_staff(clinic, portal, patient):
    c = start(clinic)
    respond(conversation=c, text="what time is my appointment")
    for _ in range(5):
        last = chat(c, "Jordan Reyes", "02/02/1999")[-1]
    c.refresh_from_db()
    assert last.template == "locked"
    assert c.status == Conversation.Status.LOCKED
    assert Task.objects.filter(kind=Task.Kind.LOCKED, urgent=True).count() == 1
    # even the right answer is refused now
    assert chat(c, "Jordan Reyes", "05/17/1980")[-1].template == "locked"


def test_sms_verification_also_needs_the_phone_on_file(clinic, portal, patient):
    c = start(clinic, Channel.SMS, phone="+15185550199")
    chat(c, "when is my next visit", "Jordan Reyes")
    assert respond(conversation=c, text="05/17/1980").template == "verify_failed"


def test_a_mixed_message_does_the_booking_and_offers_the_question_to_the_care_team(
    clinic, portal, patient
):
    c = start(clinic)
    first = respond(conversation=c, text="book me in, and should I stop my metformin?")
    chat(c, "Jordan Reyes")
    slots = respond(conversation=c, text="05/17/1980")
    booked = respond(conversation=c, text="2")
    sent = respond(conversation=c, text="yes")
    assert "can't give medical advice" in first.text
    assert "slots" in slots.template
    assert booked.template == "booked+clinical"  # the question is offered again
    assert sent.template == "clinical_sent"
    assert Task.objects.get(kind=Task.Kind.CARE_TEAM).words.startswith("book me in")


def test_refill_request_goes_to_the_staff_queue_with_medicine_and_pharmacy(
    clinic, portal, patient
):
    c = conversation_start(clinic=clinic, channel=Channel.PORTAL, patient=patient)
    reply = respond(conversation=c, text="I need a refill of lisinopril sent to CVS on Main")
    task = Task.objects.get(kind=Task.Kind.REFILL)
    assert reply.template == "refill_taken"
    assert task.medication_text == "lisinopril" and "cvs" in task.pharmacy_text


def visit_in_two_days(front_desk, patient, provider):
    day = clinic_today(patient.clinic) + timedelta(days=2)
    start = datetime.combine(day, time(10, 0), tzinfo=patient.clinic.tz)
    return book(front_desk, patient, provider, start=start)


def test_cancel_asks_then_cancels_through_the_booking_service(
    clinic, portal, patient, front_desk, provider
):
    appointment = visit_in_two_days(front_desk, patient, provider)
    c = conversation_start(clinic=clinic, channel=Channel.PORTAL, patient=patient)
    ask = respond(conversation=c, text="please cancel my appointment")
    done = respond(conversation=c, text="yes")
    appointment.refresh_from_db()
    assert ask.template == "cancel_ask"
    assert done.template == "cancelled"
    assert appointment.status == "cancelled"


def test_spanish_messages_get_spanish_templates(clinic, portal):
    reply = respond(conversation=start(clinic), text="Hola, necesito una cita")
    assert reply.template == "ask_name" and "nombre" in reply.text


def test_two_misunderstandings_hand_over_to_a_person(clinic):
    c = start(clinic)
    replies = chat(c, "blorp zzkx", "qwfp plam")
    assert replies[0].template == "not_understood"
    assert replies[1].handoff
    assert Task.objects.filter(kind=Task.Kind.HANDOFF).exists()


@pytest.mark.parametrize("text", ["", "   ", None, 12, "x" * 100_000, "🙂🙂🙂", "Ça va? 你好"])
def test_odd_messages_get_a_clear_reply_and_each_turn_is_stored_whole(clinic, text):
    c = start(clinic)
    reply = respond(conversation=c, text=text)
    assert reply.text
    assert Turn.objects.filter(conversation=c).count() == 2


def test_confirm_tells_the_next_visit_in_the_clinic_zone(
    clinic, portal, patient, front_desk, provider
):
    visit_in_two_days(front_desk, patient, provider)
    c = conversation_start(clinic=clinic, channel=Channel.PORTAL, patient=patient)
    reply = respond(conversation=c, text="what time is my appointment?")
    assert reply.template == "next_visit"
    assert "at 10:00 AM" in reply.text  # 10:00 New York, not UTC


def test_reschedule_moves_the_same_visit(clinic, portal, patient, front_desk, provider):
    appointment = visit_in_two_days(front_desk, patient, provider)
    c = conversation_start(clinic=clinic, channel=Channel.PORTAL, patient=patient)
    offer = respond(conversation=c, text="I need to reschedule my appointment to next week")
    moved = respond(conversation=c, text="1")
    appointment.refresh_from_db()
    assert offer.template == "slots"
    assert moved.template == "moved"
    assert Appointment.objects.filter(patient=patient).count() == 1
    assert appointment.start.date() > clinic_today(clinic) + timedelta(days=2)
