"""Reads for the reminders screen and API: failures first, then today's and upcoming messages,
patients' answers that need the desk, and recent confirmations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from medassist.audit.services import audit_patients_listed
from medassist.core.access import get_scoped
from medassist.practice.roles import require
from medassist.reminders.models import Message, PatientReply

_RELATED = ("patient", "appointment", "appointment__provider")
UPCOMING_DAYS = 7


def access_message(*, user, id) -> Message:
    require(user, "reminder.view")
    return get_scoped(
        Message.objects.select_related(*_RELATED),
        public_id=id,
        what="message",
        clinic_id=user.clinic_id,
    )


def access_reply(*, user, id) -> PatientReply:
    require(user, "reminder.view")
    return get_scoped(
        PatientReply.objects.select_related("patient", "appointment"),
        public_id=id,
        what="reply",
        clinic_id=user.clinic_id,
    )


def failed_messages(*, user, limit: int = 100) -> QuerySet[Message]:
    require(user, "reminder.view")
    return (
        Message.objects.filter(clinic_id=user.clinic_id, status=Message.Status.FAILED)
        .select_related(*_RELATED)
        .order_by("-updated_at", "-id")[:limit]
    )


def message_list(
    *, user, start: datetime, end: datetime, status: str | None = None, limit: int = 500
) -> QuerySet[Message]:
    require(user, "reminder.view")
    qs = Message.objects.filter(
        clinic_id=user.clinic_id, scheduled_for__gte=start, scheduled_for__lt=end
    )
    if status:
        qs = qs.filter(status=status)
    return qs.select_related(*_RELATED).order_by("scheduled_for", "id")[:limit]


def replies_needing_staff(*, user, limit: int = 100) -> QuerySet[PatientReply]:
    require(user, "reminder.view")
    return (
        PatientReply.objects.filter(
            clinic_id=user.clinic_id, needs_staff=True, handled_at__isnull=True
        )
        .select_related("patient", "appointment")
        .order_by("received_at", "id")[:limit]
    )


def recent_replies(*, user, since: datetime, limit: int = 100) -> QuerySet[PatientReply]:
    require(user, "reminder.view")
    return (
        PatientReply.objects.filter(clinic_id=user.clinic_id, received_at__gte=since)
        .select_related("patient", "appointment")
        .order_by("-received_at", "-id")[:limit]
    )


@dataclass
class Overview:
    failed: list[Message]
    upcoming: list[Message]
    tasks: list[PatientReply]
    replies: list[PatientReply]


def overview(*, user, now: datetime | None = None) -> Overview:
    """Everything the reminders screen shows, with each patient shown audited as listed."""
    require(user, "reminder.view")
    now = now or timezone.now()
    tz = user.clinic.tz
    today = timezone.localtime(now, tz).replace(hour=0, minute=0, second=0, microsecond=0)
    failed = list(failed_messages(user=user))
    failed_ids = {m.pk for m in failed}
    upcoming = [
        m
        for m in message_list(user=user, start=today, end=today + timedelta(days=UPCOMING_DAYS + 1))
        if m.pk not in failed_ids
    ]
    tasks = list(replies_needing_staff(user=user))
    replies = list(recent_replies(user=user, since=now - timedelta(days=UPCOMING_DAYS)))
    shown = {m.patient_id: m.patient for m in (*failed, *upcoming)}
    shown.update({r.patient_id: r.patient for r in (*tasks, *replies)})
    audit_patients_listed(
        actor=user,
        patients=shown.values(),
        object_type="reminders.Message",
        detail={"view": "reminders"},
    )
    return Overview(failed=failed, upcoming=upcoming, tasks=tasks, replies=replies)
