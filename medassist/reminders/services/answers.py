"""Patients' answers: signed links, text replies (C / R / X) and the staff's follow-up."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.booking.services import appointment_cancel
from medassist.core.errors import Conflict, NotFound, ValidationFailed
from medassist.core.normalize import phone_e164
from medassist.practice.models import User
from medassist.practice.roles import require
from medassist.reminders import links, messages
from medassist.reminders.errors import Code
from medassist.reminders.models import Channel, Message, PatientReply
from medassist.reminders.services.planning import message_queue
from medassist.reminders.system import system_user
from medassist.scheduling.models import Appointment, Status

# ---------------------------------------------------------------------------- patient answers

KEYWORDS = {
    "C": PatientReply.Action.CONFIRM,
    "CONFIRM": PatientReply.Action.CONFIRM,
    "YES": PatientReply.Action.CONFIRM,
    "R": PatientReply.Action.RESCHEDULE,
    "RESCHEDULE": PatientReply.Action.RESCHEDULE,
    "X": PatientReply.Action.CANCEL,
    "CANCEL": PatientReply.Action.CANCEL,
}
MAX_INBOUND_BODY = 1600


def _upcoming(appt: Appointment | None, now: datetime) -> bool:
    return appt is not None and appt.status == Status.BOOKED and appt.start > now


def _apply(*, action: str, appt: Appointment, via: str, now: datetime) -> str:
    """Carry out a patient's confirm/cancel on a visit; returns a note for staff ('' if none)."""
    if action == PatientReply.Action.CANCEL:
        how = "text reply" if via == PatientReply.Via.SMS else "reminder link"
        appointment_cancel(
            actor=system_user(appt.clinic),
            appointment=appt,
            reason=f"Cancelled by the patient ({how}).",
        )
    return ""


def _reply_to_patient(*, msg_like: Message, action: str, appt, now: datetime) -> Message:
    ctx = {"action": action, "when": ""}
    if appt is not None:
        ctx["when"] = messages.local_when(appt.start, appt.clinic.tz)
    return message_queue(
        clinic=msg_like.clinic,
        patient=msg_like.patient,
        channel=Channel.SMS,
        kind=Message.Kind.REPLY,
        context=ctx,
        scheduled_for=now,
        appointment=None,
    )


@transaction.atomic
def inbound_sms_receive(*, from_number: str, body: str, now: datetime | None = None) -> dict:
    """A text from a patient (the SMS provider's webhook). The sender must be a number we
    texted; C confirms, R asks for a new time (a task for the desk), X cancels, anything else
    gets the fixed help reply and is flagged for staff."""
    now = now or timezone.now()
    if not isinstance(from_number, str) or not from_number.strip():
        raise ValidationFailed("From is required.", field="From")
    if not isinstance(body, str):
        raise ValidationFailed("Body is required.", field="Body")
    if len(body) > MAX_INBOUND_BODY:
        raise ValidationFailed("Body is too long.", field="Body")
    number = phone_e164(from_number, field="From")
    last = (
        Message.objects.filter(
            channel=Channel.SMS,
            to=number,
            status__in=[Message.Status.SENT, Message.Status.DELIVERED],
        )
        .exclude(kind=Message.Kind.REPLY)
        .select_related("appointment__clinic", "patient", "clinic")
        .order_by("-sent_at", "-id")
        .first()
    )
    if last is None:
        raise NotFound(
            "Unknown sender: no message was sent to this number.", code=Code.UNKNOWN_SENDER
        )
    word = body.strip().split()[0].upper().strip(".!") if body.strip() else ""
    action = KEYWORDS.get(word, PatientReply.Action.OTHER)
    appt = last.appointment
    note = ""
    if action != PatientReply.Action.OTHER and not _upcoming(appt, now):
        note = "No upcoming visit to apply this reply to."
        action_done = PatientReply.Action.OTHER
    else:
        action_done = action
    applies = action_done in (PatientReply.Action.CONFIRM, PatientReply.Action.CANCEL)
    if appt is not None and applies:
        note = _apply(action=action_done, appt=appt, via=PatientReply.Via.SMS, now=now)
    reply = PatientReply.objects.create(
        clinic=last.clinic,
        patient=last.patient,
        appointment=appt,
        message=last,
        via=PatientReply.Via.SMS,
        action=action_done,
        from_number=number,
        body=body.strip()[:500],
        received_at=now,
        needs_staff=action_done in (PatientReply.Action.RESCHEDULE, PatientReply.Action.OTHER),
        staff_note=note
        or (
            "Patient wants to reschedule." if action_done == PatientReply.Action.RESCHEDULE else ""
        ),
    )
    audit_record(
        actor=None,
        action=AuditEvent.Action.CREATE,
        obj=reply,
        patient=last.patient,
        clinic=last.clinic,
        detail={"via": "sms", "action": action_done},
    )
    answer = _reply_to_patient(msg_like=last, action=action_done, appt=appt, now=now)
    return {"action": action_done, "reply": answer.body}


@transaction.atomic
def reminder_link_answer(*, token: str, action: str, now: datetime | None = None) -> PatientReply:
    """The patient confirms or cancels from the signed reminder page."""
    now = now or timezone.now()
    if action not in (PatientReply.Action.CONFIRM, PatientReply.Action.CANCEL):
        raise ValidationFailed("Choose confirm or cancel.", field="action")
    appt = link_appointment(token=token)
    if not _upcoming(appt, now):
        raise Conflict("This visit can no longer be changed online. Please call the clinic.")
    _apply(action=action, appt=appt, via=PatientReply.Via.LINK, now=now)
    reply = PatientReply.objects.create(
        clinic=appt.clinic,
        patient=appt.patient,
        appointment=appt,
        via=PatientReply.Via.LINK,
        action=action,
        received_at=now,
    )
    audit_record(
        actor=None,
        action=AuditEvent.Action.CREATE,
        obj=reply,
        patient=appt.patient,
        clinic=appt.clinic,
        detail={"via": "link", "action": action},
    )
    return reply


def link_appointment(*, token: str) -> Appointment:
    pid = links.reminder_appointment_id(token)
    appt = (
        Appointment.objects.select_related("clinic", "provider", "location", "patient")
        .filter(public_id=pid)
        .first()
    )
    if appt is None:
        raise links.LinkRefused("This link is not valid.")
    return appt


DELIVERY_STATUSES = {"delivered", "undelivered", "failed", "sent", "queued", "sending", "accepted"}


@transaction.atomic
def delivery_status_receive(
    *, provider_message_id: str, status: str, error_code: str = ""
) -> Message:
    """The SMS provider's delivery receipt (Twilio's status callback): a sent text becomes
    delivered, or failed with the carrier's error. Other statuses change nothing."""
    if not isinstance(provider_message_id, str) or not provider_message_id.strip():
        raise ValidationFailed("MessageSid is required.", field="MessageSid")
    status = (status or "").strip().lower()
    if status not in DELIVERY_STATUSES:
        raise ValidationFailed(f"Unknown MessageStatus {status!r}.", field="MessageStatus")
    msg = (
        Message.objects.select_for_update()
        .filter(channel=Channel.SMS, provider_message_id=provider_message_id.strip())
        .first()
    )
    if msg is None:
        raise NotFound("No message with this id.", code=Code.UNKNOWN_MESSAGE)
    if msg.status in (Message.Status.SENT, Message.Status.DELIVERED):
        if status == "delivered":
            msg.status = Message.Status.DELIVERED
        elif status in ("undelivered", "failed"):
            msg.status = Message.Status.FAILED
            code = f" (error {error_code.strip()[:20]})" if error_code.strip() else ""
            msg.last_error = f"The carrier reported it {status}{code}."
            msg.next_attempt_at = None
            msg.max_attempts = msg.attempts
        msg.save(
            update_fields=["status", "last_error", "next_attempt_at", "max_attempts", "updated_at"]
        )
    return msg


@transaction.atomic
def reply_mark_handled(*, actor: User, reply: PatientReply) -> PatientReply:
    require(actor, "reminder.manage")
    if reply.clinic_id != actor.clinic_id:
        raise NotFound("No such reply.")
    current = PatientReply.objects.select_for_update().get(pk=reply.pk)
    if current.handled_at is not None:
        return current
    current.handled_at = timezone.now()
    current.handled_by = actor
    current.stamp(actor)
    current.save(update_fields=["handled_at", "handled_by", "updated_at", "updated_by"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=current,
        patient=current.patient,
        detail={"handled": True},
    )
    return current
