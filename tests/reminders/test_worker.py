"""The worker plans reminders at the clinic's offsets and sends them when due, once."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command

from medassist.booking.services import appointment_cancel, appointment_reschedule
from medassist.reminders.models import Channel, Message, ReminderRule
from medassist.reminders.services import (
    messages_claim,
    messages_send_due,
    reminder_time,
    reminders_plan,
)
from medassist.worker.loop import run_once
from tests import factories

pytestmark = pytest.mark.django_db
NY = ZoneInfo("America/New_York")


def test_the_worker_plans_the_default_reminders_of_a_booked_visit(visit):
    # given a visit four days ahead and a clinic without rules
    # when the worker runs once now
    result = run_once()
    # then the defaults exist and both reminders are planned, neither sent yet
    assert ReminderRule.objects.filter(clinic=visit.clinic).count() == 2
    planned = {m.channel: m for m in Message.objects.filter(appointment=visit)}
    assert set(planned) == {Channel.EMAIL, Channel.SMS}
    assert planned[Channel.EMAIL].scheduled_for == visit.start - timedelta(hours=72)
    assert planned[Channel.SMS].scheduled_for == visit.start - timedelta(hours=24)
    assert all(m.status == Message.Status.QUEUED for m in planned.values())
    assert result["reminders_planned"] == 2
    assert mail.outbox == []


def test_each_reminder_is_sent_at_its_offset_and_only_once(visit, texts):
    # given planned reminders
    run_once()
    email_due = visit.start - timedelta(hours=72)
    sms_due = visit.start - timedelta(hours=24)
    # when the worker runs just before, at, and again after the email's time
    run_once(now=email_due - timedelta(minutes=1))
    assert mail.outbox == []
    run_once(now=email_due)
    run_once(now=email_due + timedelta(minutes=5))
    # then one email went, with the calendar file and the signed link, nothing clinical
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [visit.patient.email]
    assert "https://clinic.example.org/reminders/r/" in email.body
    assert "Follow-up" not in email.body
    name, content, mimetype = email.attachments[0]
    assert name == "visit.ics" and mimetype == "text/calendar"
    assert b"BEGIN:VEVENT" in (content if isinstance(content, bytes) else content.encode())
    assert texts() == []
    # when the text's time comes
    run_once(now=sms_due)
    run_once(now=sms_due + timedelta(hours=1))
    # then exactly one text went to the patient's mobile
    sent = texts()
    assert len(sent) == 1
    assert sent[0]["to"] == visit.patient.phone_mobile
    assert "Reply C to confirm, R to reschedule, X to cancel" in sent[0]["body"]
    sms = Message.objects.get(appointment=visit, channel=Channel.SMS)
    assert sms.status == Message.Status.SENT
    assert sms.sent_at == sms_due
    assert sms.provider_message_id == sent[0]["id"]


def test_a_reminder_whose_time_passed_before_booking_is_not_planned(front_desk, patient, provider):
    # given a visit booked 30 hours ahead (the 72 h email's time is already past)
    start = factories.next_slot(patient.clinic, hours_ahead=30)
    appt = factories.book(front_desk, patient, provider, start=start)
    # when the worker plans
    run_once()
    # then only the 24 h text is planned
    assert list(Message.objects.filter(appointment=appt).values_list("channel", flat=True)) == [
        Channel.SMS
    ]


def test_a_cancelled_visit_gets_its_unsent_reminders_cancelled(visit, front_desk, texts):
    # given planned reminders
    run_once()
    # when the visit is cancelled and the worker runs at the text's time
    appointment_cancel(actor=front_desk, appointment=visit, reason="Patient called")
    run_once(now=visit.start - timedelta(hours=24))
    # then nothing was sent and the reminders say why
    assert mail.outbox == [] and texts() == []
    statuses = set(Message.objects.filter(appointment=visit).values_list("status", "last_error"))
    assert statuses == {(Message.Status.CANCELLED, "Visit cancelled.")}


def test_a_moved_visit_gets_new_reminders_for_its_new_time(visit, front_desk, texts):
    # given planned reminders, then the visit is rescheduled a day later
    run_once()
    old_start = visit.start
    new_start = visit.start + timedelta(days=1)
    appointment_reschedule(actor=front_desk, appointment=visit, start=new_start)
    # when the worker runs (now, and again four days before the new time)
    run_once()
    run_once(now=new_start - timedelta(hours=96))
    # then the old ones are cancelled and new ones planned from the new time
    old = Message.objects.filter(appointment=visit, appointment_start=old_start)
    new = Message.objects.filter(appointment=visit, appointment_start=new_start)
    assert set(old.values_list("status", flat=True)) == {Message.Status.CANCELLED}
    assert sorted(new.values_list("scheduled_for", flat=True)) == [
        new_start - timedelta(hours=72),
        new_start - timedelta(hours=24),
    ]


def test_whole_day_offsets_keep_the_wall_clock_across_dst():
    # given a 10:00 visit on the day clocks spring forward (New York, 2027-03-14)
    start = datetime(2027, 3, 14, 10, 0, tzinfo=NY)
    # when reminders 24 h and 72 h before are placed
    day_before = reminder_time(start, 24, NY)
    three_days = reminder_time(start, 72, NY)
    # then they are at 10:00 local on those days (23 and 71 real hours before)
    assert day_before.astimezone(NY).replace(tzinfo=None) == datetime(2027, 3, 13, 10, 0)
    assert start - day_before == timedelta(hours=23)
    assert three_days.astimezone(NY).replace(tzinfo=None) == datetime(2027, 3, 11, 10, 0)
    # and a fall-back day gives 25 real hours
    fall = datetime(2027, 11, 7, 10, 0, tzinfo=NY)
    assert fall - reminder_time(fall, 24, NY) == timedelta(hours=25)
    # and leftover hours are exact
    assert start - reminder_time(start, 2, NY) == timedelta(hours=2)


def test_the_worker_plans_dst_correct_times_for_a_real_visit(front_desk, patient, provider):
    # given a visit at 10:00 on the spring-forward day
    start = datetime.combine(datetime(2027, 3, 14).date(), time(10, 0), tzinfo=NY)
    appt = factories.book(front_desk, patient, provider, start=start)
    # when the worker runs two days before
    run_once(now=datetime(2027, 3, 12, 12, 0, tzinfo=UTC))
    # then the 24 h text is due at 10:00 local the day before
    sms = Message.objects.get(appointment=appt, channel=Channel.SMS)
    assert sms.scheduled_for.astimezone(NY).replace(tzinfo=None) == datetime(2027, 3, 13, 10, 0)


def test_rules_can_be_limited_to_visit_types(visit, clinic):
    # given a clinic whose only rule is for new-patient visits
    rule = ReminderRule.objects.create(clinic=clinic, name="New", offset_hours=48, channel="email")
    rule.visit_types.set(clinic.visit_types.filter(code="new"))
    # when the worker plans
    planned = reminders_plan(now=visit.created_at)
    # then the follow-up visit gets nothing
    assert planned == 0


def test_two_workers_never_claim_the_same_message(visit):
    # given due messages
    run_once()
    now = visit.start - timedelta(hours=1)
    # when two workers claim one after the other (the second runs while the first sends)
    first = messages_claim(now=now)
    second = messages_claim(now=now)
    # then the second gets nothing
    assert len(first) == 2
    assert second == []
    assert messages_send_due(now=now) == 0


def test_worker_command_once_runs_one_pass(visit, capsys):
    # when the command runs with --once
    call_command("worker", "--once")
    # then it reports what it did
    out = capsys.readouterr().out
    assert "reminders_planned 2" in out


def test_a_patient_without_an_email_gets_the_text_only_and_no_failure(front_desk, provider, clinic):
    # given a patient with a mobile number but no email
    p = factories.make_patient(front_desk, email="")
    start = factories.next_slot(clinic, hours_ahead=5 * 24)
    appt = factories.book(front_desk, p, provider, start=start)
    # when reminders are planned
    run_once()
    # then the email reminder is cancelled with the reason, the text is queued
    rows = dict(Message.objects.filter(appointment=appt).values_list("channel", "status"))
    assert rows == {"email": "cancelled", "sms": "queued"}
    assert Message.objects.get(appointment=appt, channel="email").last_error.startswith(
        "No email address on file"
    )


def test_a_patient_who_cannot_be_reached_is_a_failure_for_the_desk(front_desk, provider, clinic):
    p = factories.make_patient(front_desk, email="", phone_mobile="")
    appt = factories.book(
        front_desk, p, provider, start=factories.next_slot(clinic, hours_ahead=5 * 24)
    )
    run_once()
    statuses = set(Message.objects.filter(appointment=appt).values_list("status", flat=True))
    assert statuses == {"failed"}
    assert Message.objects.filter(appointment=appt, max_attempts=0).count() == 2
