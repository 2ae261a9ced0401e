"""Sending due messages through the email and SMS senders, with retries and delivery receipts."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from email.utils import make_msgid

from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.errors import Conflict, NotFound, ValidationFailed
from medassist.practice.models import User
from medassist.practice.roles import require
from medassist.reminders import conf, messages
from medassist.reminders.errors import Code
from medassist.reminders.models import Channel, Message
from medassist.reminders.senders import SendFailed, get_sender
from medassist.reminders.services.planning import _stale_reason

log = logging.getLogger(__name__)

STALE_CLAIM = timedelta(minutes=15)


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
def message_retry(*, actor: User, message: Message) -> Message:
    """Staff ask for one more attempt at a failed message (sent by the worker's next pass)."""
    require(actor, "reminder.manage")
    if message.clinic_id != actor.clinic_id:
        raise NotFound("No such message.")
    current = Message.objects.select_for_update().get(pk=message.pk)
    if current.status != Message.Status.FAILED:
        raise Conflict(
            f"Only a failed message can be retried; this one is {current.get_status_display()}.",
            code=Code.NOT_FAILED,
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
