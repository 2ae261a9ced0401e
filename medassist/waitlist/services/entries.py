"""Waitlist entries: who wants an earlier visit, for what, when."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.errors import Conflict, NotFound, ValidationFailed
from medassist.practice.models import User
from medassist.practice.roles import require, staff_clinic
from medassist.waitlist.errors import Code
from medassist.waitlist.models import (
    SlotOffer,
    WaitlistEntry,
)

MAX_WAIT_DAYS = 366


# ---------------------------------------------------------------------------- entries


def _same_clinic(actor: User, **objs) -> None:
    for what, obj in objs.items():
        if obj is not None and obj.clinic_id != actor.clinic_id:
            raise ValidationFailed(f"Unknown {what.replace('_', ' ')}.", field=what)


@transaction.atomic
def waitlist_entry_add(
    *,
    actor: User,
    patient,
    visit_type,
    earliest_date: date,
    latest_date: date,
    provider=None,
    location=None,
    time_of_day: str = WaitlistEntry.TimeOfDay.ANY,
    priority: int = WaitlistEntry.Priority.NORMAL,
    note: str = "",
) -> WaitlistEntry:
    require(actor, "waitlist.manage")
    _same_clinic(actor, patient=patient, visit_type=visit_type, provider=provider)
    _same_clinic(actor, location=location)
    if not patient.active:
        raise ValidationFailed("This patient's record is inactive.", field="patient")
    today = timezone.localdate(timezone=staff_clinic(actor).tz)
    if latest_date < today:
        raise ValidationFailed("The latest date is in the past.", field="latest_date")
    if latest_date < earliest_date:
        raise ValidationFailed(
            "The latest date must be on or after the earliest date.", field="latest_date"
        )
    if (latest_date - max(earliest_date, today)).days > MAX_WAIT_DAYS:
        raise ValidationFailed("Wait at most a year; choose an earlier date.", field="latest_date")
    if time_of_day not in WaitlistEntry.TimeOfDay.values:
        raise ValidationFailed("Choose any time, morning or afternoon.", field="time_of_day")
    if priority not in WaitlistEntry.Priority.values:
        raise ValidationFailed("Choose urgent, high or normal.", field="priority")
    if len(note) > 300:
        raise ValidationFailed("The note is limited to 300 characters.", field="note")
    if WaitlistEntry.objects.filter(
        clinic_id=staff_clinic(actor).pk,
        patient=patient,
        visit_type=visit_type,
        status__in=[WaitlistEntry.Status.WAITING, WaitlistEntry.Status.OFFERED],
    ).exists():
        raise Conflict(
            "This patient is already on the waitlist for this visit type.", code=Code.DUPLICATE
        )
    entry = WaitlistEntry(
        clinic_id=staff_clinic(actor).pk,
        patient=patient,
        visit_type=visit_type,
        provider=provider,
        location=location,
        earliest_date=max(earliest_date, today),
        latest_date=latest_date,
        time_of_day=time_of_day,
        priority=priority,
        note=note.strip(),
    )
    entry.stamp(actor)
    entry.save()
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, obj=entry, patient=patient)
    return entry


@transaction.atomic
def waitlist_entry_remove(*, actor: User, entry: WaitlistEntry, reason: str = "") -> WaitlistEntry:
    require(actor, "waitlist.manage")
    if entry.clinic_id != actor.clinic_id:
        raise NotFound("No such waitlist entry.")
    current = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
    if current.status in (WaitlistEntry.Status.REMOVED, WaitlistEntry.Status.BOOKED):
        raise Conflict(
            f"This entry is already {current.get_status_display().lower()}.", code=Code.CLOSED
        )
    current.status = WaitlistEntry.Status.REMOVED
    current.removed_reason = reason.strip()[:200]
    current.stamp(actor)
    current.save(update_fields=["status", "removed_reason", "updated_at", "updated_by"])
    SlotOffer.objects.filter(entry=current, status=SlotOffer.Status.OFFERED).update(
        status=SlotOffer.Status.EXPIRED, answered_at=timezone.now()
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=current,
        patient=current.patient,
        detail={"status": "removed"},
    )
    return current
