"""Reminder writes: planning reminders for upcoming visits, sending due messages (claimed so
two workers never send the same one), retries, and what patients answer.

Functions the worker calls take an explicit `now` so tests (and catch-up runs) control time."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from email.utils import make_msgid

from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.errors import Conflict, NotFound, ValidationFailed
from medassist.core.normalize import phone_e164
from medassist.practice.models import Clinic
from medassist.practice.roles import require
from medassist.reminders import conf, links, messages
from medassist.reminders.models import Channel, Message, PatientReply, ReminderRule
from medassist.reminders.senders import SendFailed, get_sender
from medassist.reminders.system import system_user
from medassist.scheduling.models import Appointment, Status

log = logging.getLogger(__name__)

DEFAULT_RULES = (
    ("Email 3 days before", 72, Channel.EMAIL),
    ("Text 1 day before", 24, Channel.SMS),
)
STALE_CLAIM = timedelta(minutes=15)


# ---------------------------------------------------------------------------- rules


def ensure_default_rules(clinic: Clinic) -> list[ReminderRule]:
    """A clinic without any rule gets the defaults (72 h email, 24 h text) on first use. A
    clinic that wants no reminders deactivates its rules rather than deleting them."""
    rules = list(ReminderRule.objects.filter(clinic=clinic).prefetch_related("visit_types"))
    if rules:
        return [r for r in rules if r.active]
    created = [
        ReminderRule.objects.create(clinic=clinic, name=name, offset_hours=hours, channel=channel)
        for name, hours, channel in DEFAULT_RULES
    ]
    return created


def reminder_time(start: datetime, offset_hours: int, tz) -> datetime:
    """When to send a reminder `offset_hours` before `start`. Whole days step back on the
    clinic's wall clock (so 24 h before a 09:00 visit is 09:00 the day before, across DST);
    the remaining hours are exact."""
    days, hours = divmod(offset_hours, 24)
    wall = start.astimezone(tz).replace(tzinfo=None) - timedelta(days=days)
    return wall.replace(tzinfo=tz).astimezone(UTC) - timedelta(hours=hours)


# ---------------------------------------------------------------------------- queueing


def _address(patient, channel: str) -> str:
    return patient.email if channel == Channel.EMAIL else patient.phone_mobile


def message_queue(
    *,
    clinic: Clinic,
    patient,
    channel: str,
    kind: str,
    context: dict,
    scheduled_for: datetime,
    appointment: Appointment | None = None,
    rule: ReminderRule | None = None,
) -> Message:
    """Queue one message rendered from its reviewed template. A patient without an address for
    the channel gets a cancelled row saying so, or a failed one (for the desk) when there is no
    way at all to reach them."""
    sms = channel == Channel.SMS
    subject, body = messages.render(kind, sms=sms, clinic=clinic, **context)
    to = _address(patient, channel)
    msg = Message(
        clinic=clinic,
        patient=patient,
        appointment=appointment,
        rule=rule,
        kind=kind,
        channel=channel,
        to=to,
        subject=subject,
        body=body,
        scheduled_for=scheduled_for,
        appointment_start=appointment.start if appointment is not None else None,
        max_attempts=conf.get_int("MEDASSIST_SEND_MAX_ATTEMPTS"),
    )
    if not to:
        other = Channel.SMS if channel == Channel.EMAIL else Channel.EMAIL
        missing = "No email address on file" if sms is False else "No mobile number on file"
        msg.max_attempts = 0
        if _address(patient, other):
            # Reachable the other way (the clinic's other rule): not a failure for the desk.
            msg.status = Message.Status.CANCELLED
            msg.last_error = f"{missing}; not sent by {msg.get_channel_display().lower()}."
        else:
            msg.status = Message.Status.FAILED
            msg.last_error = f"{missing}, and no other way to reach the patient."
    msg.save()
    return msg


def preferred_channel(patient) -> str:
    return Channel.SMS if patient.phone_mobile else Channel.EMAIL


def _reminder_context(appt: Appointment) -> dict:
    ctx = messages.visit_context(
        patient=appt.patient,
        provider=appt.provider,
        location=appt.location,
        start=appt.start,
        clinic=appt.clinic,
    )
    path = reverse("reminders:patient_link", args=[links.reminder_token(appt)])
    ctx["link"] = links.absolute(path)
    return ctx


def reminders_plan(*, now: datetime, clinic: Clinic | None = None) -> int:
    """Plan the reminders of every booked visit ahead that lacks them. A reminder whose time
    came before the visit was booked is skipped; one missed while the worker was down is sent
    at once. One transaction per clinic. Returns how many were planned."""
    clinics = [clinic] if clinic is not None else list(Clinic.objects.all())
    return sum(_plan_clinic(c, now) for c in clinics)


@transaction.atomic
def _plan_clinic(clinic: Clinic, now: datetime) -> int:
    planned = 0
    rules = ensure_default_rules(clinic)
    if not rules:
        return 0
    horizon = now + timedelta(hours=max(r.offset_hours for r in rules) + 48)
    visits_qs = Appointment.objects.filter(
        clinic=clinic, status=Status.BOOKED, start__gt=now, start__lte=horizon
    ).select_related("patient", "provider", "location", "clinic")
    if hasattr(Appointment, "moves"):  # reschedule history, where scheduling keeps it
        visits_qs = visits_qs.annotate(last_moved_at=Max("moves__at"))
    visits = list(visits_qs)
    if not visits:
        return 0
    have = set(
        Message.objects.filter(
            appointment__in=visits, kind=Message.Kind.REMINDER, rule__isnull=False
        ).values_list("appointment_id", "rule_id", "appointment_start")
    )
    for appt in visits:
        for rule in rules:
            types = {vt.pk for vt in rule.visit_types.all()}
            if types and appt.visit_type_id not in types:
                continue
            if (appt.pk, rule.pk, appt.start) in have:
                continue
            when = reminder_time(appt.start, rule.offset_hours, clinic.tz)
            booked_at = getattr(appt, "last_moved_at", None) or appt.created_at
            if when < booked_at - timedelta(minutes=1) or when >= appt.start:
                continue  # its time came before the visit was booked (or moved)
            message_queue(
                clinic=clinic,
                patient=appt.patient,
                channel=rule.channel,
                kind=Message.Kind.REMINDER,
                context=_reminder_context(appt),
                scheduled_for=when,
                appointment=appt,
                rule=rule,
            )
            planned += 1
    return planned


def _stale_reason(msg: Message) -> str:
    appt = msg.appointment
    if appt is None:
        return ""
    if appt.status != Status.BOOKED:
        return f"Visit {appt.get_status_display().lower()}."
    if msg.appointment_start is not None and appt.start != msg.appointment_start:
        return "Visit moved; new reminders are planned for the new time."
    return ""


@transaction.atomic
def reminders_cancel_stale(*, now: datetime) -> int:
    """Cancel unsent reminders of visits that were cancelled, no-showed or moved."""
    pending = Message.objects.filter(
        kind=Message.Kind.REMINDER,
        appointment__isnull=False,
        status__in=[Message.Status.QUEUED, Message.Status.FAILED],
    ).filter(~Q(appointment__status=Status.BOOKED) | ~Q(appointment__start=F("appointment_start")))
    cancelled = 0
    for msg in pending.select_related("appointment"):
        reason = _stale_reason(msg)
        if reason:
            Message.objects.filter(pk=msg.pk, status=msg.status).update(
                status=Message.Status.CANCELLED, last_error=reason, updated_at=now
            )
            cancelled += 1
    return cancelled


# ---------------------------------------------------------------------------- sending


def _due(now: datetime) -> Q:
    return Q(status=Message.Status.QUEUED, scheduled_for__lte=now) | Q(
        status=Message.Status.FAILED,
        next_attempt_at__isnull=False,
        next_attempt_at__lte=now,
        attempts__lt=F("max_attempts"),
    )


def messages_claim(*, now: datetime, limit: int = 50) -> list[int]:
    """Mark up to `limit` due messages as being sent by this worker and return their ids.

    PostgreSQL: the due rows are locked with SKIP LOCKED, so a second worker takes other rows.
    SQLite: the transaction takes the database's write lock at BEGIN (IMMEDIATE). On both, the
    conditional UPDATE only moves rows still due, so a row is claimed by exactly one worker."""
    with transaction.atomic():
        qs = Message.objects.filter(_due(now)).order_by("scheduled_for", "id")
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        ids = list(qs.values_list("pk", flat=True)[:limit])
        if not ids:
            return []
        Message.objects.filter(_due(now), pk__in=ids).update(
            status=Message.Status.SENDING, claimed_at=now
        )
        return list(
            Message.objects.filter(
                pk__in=ids, status=Message.Status.SENDING, claimed_at=now
            ).values_list("pk", flat=True)
        )


def _deliver(msg: Message) -> str:
    if msg.channel == Channel.SMS:
        return get_sender().send(to=msg.to, body=msg.body)
    message_id = make_msgid(domain="medassist")
    email = EmailMessage(
        subject=msg.subject,
        body=msg.body,
        from_email=conf.get("MEDASSIST_REMINDER_FROM_EMAIL"),
        to=[msg.to],
        headers={"Message-ID": message_id},
    )
    appt = msg.appointment
    if appt is not None and msg.kind in (Message.Kind.REMINDER, Message.Kind.BOOKED):
        ics = messages.ics_for(
            uid=f"{appt.public_id}@medassist",
            start=appt.start,
            end=appt.end,
            clinic=appt.clinic,
            location=appt.location,
            provider=appt.provider,
        )
        email.attach("visit.ics", ics, "text/calendar")
    try:
        email.send(fail_silently=False)
    except Exception as exc:  # noqa: BLE001 - any mail backend error is a failed send
        raise SendFailed(f"Email not accepted: {exc}"[:300]) from exc
    return message_id.strip("<>")


def retry_delay(attempts: int) -> timedelta:
    return timedelta(minutes=conf.get_int("MEDASSIST_SEND_RETRY_MINUTES") * 2 ** (attempts - 1))


def message_send(*, message_id: int, now: datetime) -> Message:
    """Send one claimed message and record the outcome. Never marks a message sent unless the
    channel accepted it."""
    msg = Message.objects.select_related(
        "appointment__clinic",
        "appointment__location",
        "appointment__provider",
        "patient",
    ).get(pk=message_id)
    if msg.status != Message.Status.SENDING:
        return msg
    reason = _stale_reason(msg) if msg.kind == Message.Kind.REMINDER else ""
    if reason:
        msg.status, msg.last_error = Message.Status.CANCELLED, reason
        msg.save(update_fields=["status", "last_error", "updated_at"])
        return msg
    msg.attempts += 1
    try:
        provider_id = _deliver(msg)
    except SendFailed as exc:
        msg.status = Message.Status.FAILED
        msg.last_error = str(exc)[:500]
        msg.next_attempt_at = (
            now + retry_delay(msg.attempts) if msg.attempts < msg.max_attempts else None
        )
        log.warning("message %s failed (attempt %s): %s", msg.public_id, msg.attempts, exc)
    else:
        msg.status = Message.Status.SENT
        msg.provider_message_id = provider_id[:100]
        msg.sent_at = now
        msg.next_attempt_at = None
        msg.last_error = ""
    msg.claimed_at = None
    msg.save(
        update_fields=[
            "status",
            "attempts",
            "last_error",
            "next_attempt_at",
            "provider_message_id",
            "sent_at",
            "claimed_at",
            "updated_at",
        ]
    )
    return msg


def messages_send_due(*, now: datetime, batch: int = 50, most: int = 2000) -> int:
    """Claim and send due messages, a batch at a time (so another worker can share the load),
    until none is due or `most` were tried; returns how many were tried."""
    tried = 0
    while tried < most:
        ids = messages_claim(now=now, limit=min(batch, most - tried))
        if not ids:
            break
        for pk in ids:
            message_send(message_id=pk, now=now)
        tried += len(ids)
    return tried


@transaction.atomic
def messages_release_stale(*, now: datetime) -> int:
    """A worker that died mid-send leaves a row in 'sending'. It may or may not have gone out,
    so it is marked failed for a person to look at, never retried by itself."""
    return Message.objects.filter(
        status=Message.Status.SENDING, claimed_at__lt=now - STALE_CLAIM
    ).update(
        status=Message.Status.FAILED,
        last_error="Interrupted while sending: it may or may not have gone out. Check before "
        "retrying.",
        next_attempt_at=None,
        max_attempts=F("attempts"),
        claimed_at=None,
    )


@transaction.atomic
def message_retry(*, actor, message: Message) -> Message:
    """Staff ask for one more attempt at a failed message (sent by the worker's next pass)."""
    require(actor, "reminder.manage")
    if message.clinic_id != actor.clinic_id:
        raise NotFound("No such message.")
    current = Message.objects.select_for_update().get(pk=message.pk)
    if current.status != Message.Status.FAILED:
        raise Conflict(
            f"Only a failed message can be retried; this one is {current.get_status_display()}.",
            code="not_failed",
        )
    if not current.to:
        raise ValidationFailed(
            "There is no address to send to. Add the patient's contact details first.",
            field="to",
        )
    now = timezone.now()
    current.max_attempts = current.attempts + 1
    current.next_attempt_at = now
    current.save(update_fields=["max_attempts", "next_attempt_at", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=current,
        patient=current.patient,
        detail={"retry": True},
    )
    return current


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
        from medassist.scheduling.services import appointment_cancel

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
        raise NotFound("Unknown sender: no message was sent to this number.", code="unknown_sender")
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
        raise NotFound("No message with this id.", code="unknown_message")
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
def reply_mark_handled(*, actor, reply: PatientReply) -> PatientReply:
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
