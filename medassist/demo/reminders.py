"""Demo reminders: the planned reminders of the coming days, some already sent (a few
confirmed by the patient), three failures for the desk to retry, and two replies to act on."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from medassist.practice.models import Clinic
from medassist.reminders.models import Channel, Message, PatientReply
from medassist.reminders.services import (
    ensure_default_rules,
    message_queue,
    reminder_context,
    reminders_plan,
)
from medassist.scheduling.models import Appointment, Status

FAILURES = [
    "Text service answered 500: upstream error",
    "Text service did not answer within 10 s.",
    "Email not accepted: mailbox unavailable",
]


@transaction.atomic
def reminders_demo(clinic: Clinic, *, now: datetime | None = None, seed: int = 7) -> dict:
    now = now or timezone.now()
    rng = random.Random(seed)
    rules = {r.channel: r for r in ensure_default_rules(clinic)}
    planned = reminders_plan(now=now, clinic=clinic)
    # Visits in the next 24 hours already got their text yesterday.
    soon = list(
        Appointment.objects.filter(
            clinic=clinic, status=Status.BOOKED, start__gt=now, start__lte=now + timedelta(hours=24)
        )
        .select_related("patient", "provider", "location", "clinic")
        .order_by("start")[:40]
    )
    sent = []
    for appt in soon:
        msg = message_queue(
            clinic=clinic,
            patient=appt.patient,
            channel=Channel.SMS,
            kind=Message.Kind.REMINDER,
            context=reminder_context(appt),
            scheduled_for=appt.start - timedelta(hours=24),
            appointment=appt,
            rule=rules.get(Channel.SMS),
        )
        if msg.status == Message.Status.QUEUED:
            msg.status, msg.attempts = Message.Status.SENT, 1
            msg.sent_at = msg.scheduled_for + timedelta(seconds=rng.randint(5, 90))
            msg.provider_message_id = f"demo-{rng.getrandbits(48):012x}"
            msg.save()
            sent.append(msg)
    for error, msg in zip(FAILURES, sent[-len(FAILURES) :], strict=False):
        msg.status, msg.attempts, msg.max_attempts = Message.Status.FAILED, 3, 3
        msg.sent_at, msg.provider_message_id, msg.last_error = None, "", error
        msg.save()
    replies = 0
    for msg in sent[: max(0, len(sent) - len(FAILURES))]:
        sent_at = msg.sent_at or now
        roll = rng.random()
        if roll < 0.35:
            action, body, staff = PatientReply.Action.CONFIRM, "C", False
        elif roll < 0.40:
            action, body, staff = PatientReply.Action.RESCHEDULE, "R", True
        elif roll < 0.44:
            action, body, staff = PatientReply.Action.OTHER, "Is there parking nearby?", True
        else:
            continue
        PatientReply.objects.create(
            clinic=clinic,
            patient=msg.patient,
            appointment=msg.appointment,
            message=msg,
            via=PatientReply.Via.SMS,
            action=action,
            from_number=msg.to,
            body=body,
            received_at=sent_at + timedelta(minutes=rng.randint(2, 600)),
            needs_staff=staff,
            staff_note="Patient wants to reschedule." if action == "reschedule" else "",
        )
        replies += 1
    return {"reminders planned": planned, "reminders sent": len(sent), "replies": replies}
