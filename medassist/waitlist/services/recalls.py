"""The recall list: patients due back, with contact attempts."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.errors import Conflict, NotFound, ValidationFailed
from medassist.practice.models import User
from medassist.practice.roles import require, staff_clinic
from medassist.scheduling.models import Appointment
from medassist.waitlist.errors import Code
from medassist.waitlist.models import (
    ContactAttempt,
    Recall,
)
from medassist.waitlist.services.entries import _same_clinic

# ---------------------------------------------------------------------------- recalls


@transaction.atomic
def recall_add(*, actor: User, patient, reason: str, due_date: date) -> Recall:
    require(actor, "recall.manage")
    _same_clinic(actor, patient=patient)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Give the reason for the recall.", field="reason")
    if len(reason) > 200:
        raise ValidationFailed("The reason is limited to 200 characters.", field="reason")
    if not isinstance(due_date, date):
        raise ValidationFailed("Give the due date.", field="due_date")
    today = timezone.localdate(timezone=staff_clinic(actor).tz)
    if abs((due_date - today).days) > 5 * 366:
        raise ValidationFailed("The due date is more than five years away.", field="due_date")
    recall = Recall(
        clinic_id=staff_clinic(actor).pk, patient=patient, reason=reason, due_date=due_date
    )
    recall.stamp(actor)
    recall.save()
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, obj=recall, patient=patient)
    return recall


def _open_recall(actor: User, recall: Recall) -> Recall:
    require(actor, "recall.manage")
    if recall.clinic_id != actor.clinic_id:
        raise NotFound("No such recall.")
    current = Recall.objects.select_for_update().select_related("patient").get(pk=recall.pk)
    if current.status in (Recall.Status.SCHEDULED, Recall.Status.CLOSED):
        raise Conflict(
            f"This recall is already {current.get_status_display().lower()}.", code=Code.CLOSED
        )
    return current


@transaction.atomic
def recall_contact_record(
    *, actor, recall: Recall, channel: str, outcome: str, note: str = ""
) -> ContactAttempt:
    current = _open_recall(actor, recall)
    if channel not in ContactAttempt.Channel.values:
        raise ValidationFailed("Choose how the patient was contacted.", field="channel")
    if outcome not in ContactAttempt.Outcome.values:
        raise ValidationFailed("Choose the outcome.", field="outcome")
    if len(note) > 500:
        raise ValidationFailed("The note is limited to 500 characters.", field="note")
    attempt = ContactAttempt.objects.create(
        recall=current,
        at=timezone.now(),
        by=actor,
        channel=channel,
        outcome=outcome,
        note=note.strip(),
    )
    if current.status == Recall.Status.DUE:
        current.status = Recall.Status.CONTACTED
        current.stamp(actor)
        current.save(update_fields=["status", "updated_at", "updated_by"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=current,
        patient=current.patient,
        detail={"contact": channel, "outcome": outcome},
    )
    return attempt


@transaction.atomic
def recall_mark_scheduled(*, actor: User, recall: Recall, appointment: Appointment | None = None):
    current = _open_recall(actor, recall)
    if appointment is not None and (
        appointment.clinic_id != actor.clinic_id or appointment.patient_id != current.patient_id
    ):
        raise ValidationFailed("That visit is not this patient's.", field="appointment")
    current.status = Recall.Status.SCHEDULED
    current.appointment = appointment
    current.stamp(actor)
    current.save(update_fields=["status", "appointment", "updated_at", "updated_by"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=current,
        patient=current.patient,
        detail={"status": "scheduled"},
    )
    return current


@transaction.atomic
def recall_close(*, actor: User, recall: Recall, note: str = "") -> Recall:
    current = _open_recall(actor, recall)
    current.status = Recall.Status.CLOSED
    current.stamp(actor)
    current.save(update_fields=["status", "updated_at", "updated_by"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=current,
        patient=current.patient,
        detail={"status": "closed", "note": note.strip()[:200]},
    )
    return current
