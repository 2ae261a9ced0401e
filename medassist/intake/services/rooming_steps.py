"""The rest of rooming: cleaning rooms, the clinic's rooming checklist per visit type and its
hand-checked steps, medication reconciliation and allergy confirmation (the chart's lists are
read by records, which calls these to store what the MA found)."""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.errors import ValidationFailed
from medassist.intake.models import (
    AllergyConfirmation,
    ChecklistTick,
    MedReconciliation,
    RoomCleaning,
    RoomingChecklist,
)
from medassist.practice.models import Room, User, VisitType
from medassist.practice.roles import require, staff_clinic
from medassist.scheduling.models import Appointment, Status

# Steps the work itself checks (intake.selectors.checklist_for): their keys are reserved.
STANDARD_STEPS = [
    ("reason", "Reason for visit in the patient's words"),
    ("vitals", "Vital signs"),
    ("medications", "Medication reconciliation"),
    ("allergies", "Allergies confirmed"),
    ("instruments", "Questionnaires and screening instruments due"),
]
KEY = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
ROOMING_STATUSES = (Status.ARRIVED, Status.ROOMED, Status.WITH_PROVIDER)


def _visit(actor: User, appointment: Appointment) -> None:
    if appointment.clinic_id != staff_clinic(actor).pk:
        raise ValidationFailed("Unknown appointment.")
    if appointment.status not in ROOMING_STATUSES:
        raise ValidationFailed("This can be recorded only for a patient who is in the clinic.")


@transaction.atomic
def room_clean(*, actor: User, room: Room) -> RoomCleaning:
    require(actor, "appointment.room")
    if room.location.clinic_id != staff_clinic(actor).pk:
        raise ValidationFailed("Unknown room.", field="room")
    if Appointment.objects.filter(
        room=room, status__in=(Status.ROOMED, Status.WITH_PROVIDER)
    ).exists():
        raise ValidationFailed(f"{room.name} has a patient in it.", field="room")
    row = RoomCleaning.objects.create(room=room, cleaned_at=timezone.now(), cleaned_by=actor)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        object_type="intake.RoomCleaning",
        object_id=str(room.public_id),
        detail={"room": room.name},
    )
    return row


@transaction.atomic
def checklist_save(*, actor: User, visit_type: VisitType | None, steps: list) -> RoomingChecklist:
    """Set the rooming checklist of a visit type (None: every visit type without its own).
    `steps` are {"key", "label"}; standard keys keep their automatic check."""
    require(actor, "practice.manage")
    clinic = staff_clinic(actor)
    if visit_type is not None and visit_type.clinic_id != clinic.pk:
        raise ValidationFailed("Unknown visit type.", field="visit_type")
    if not isinstance(steps, list) or not steps or len(steps) > 30:
        raise ValidationFailed("A checklist has 1 to 30 steps.", field="steps")
    clean, seen = [], set()
    for n, step in enumerate(steps, 1):
        key = str((step or {}).get("key", "")).strip() if isinstance(step, dict) else ""
        label = str((step or {}).get("label", "")).strip() if isinstance(step, dict) else ""
        if not KEY.match(key):
            raise ValidationFailed(
                f"Step {n}: the key is lowercase letters, digits, '-' or '_'.", field="steps"
            )
        if key in seen:
            raise ValidationFailed(f"Step {n}: the key {key!r} is used twice.", field="steps")
        if not label or len(label) > 200:
            raise ValidationFailed(f"Step {n}: give a label (up to 200 characters).", field="steps")
        seen.add(key)
        clean.append({"key": key, "label": label})
    row, _ = RoomingChecklist.objects.get_or_create(
        clinic=clinic, visit_type=visit_type, defaults={"steps": clean}
    )
    row.steps = clean
    row.stamp(actor)
    row.save()
    audit_record(
        actor=actor, action=AuditEvent.Action.UPDATE, obj=row, detail={"steps": len(clean)}
    )
    return row


@transaction.atomic
def checklist_tick(*, actor: User, appointment: Appointment, key: str) -> ChecklistTick | None:
    """Check a hand-checked step (once; a second tick returns None)."""
    require(actor, "appointment.room")
    _visit(actor, appointment)
    from medassist.intake.selectors import checklist_steps

    steps = {s["key"] for s in checklist_steps(appointment=appointment)}
    if key not in steps or key in dict(STANDARD_STEPS):
        raise ValidationFailed("That step is not checked by hand on this visit.", field="key")
    try:
        with transaction.atomic():
            tick = ChecklistTick.objects.create(
                appointment=appointment, key=key, done_at=timezone.now(), done_by=actor
            )
    except IntegrityError:
        return None
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=appointment,
        patient=appointment.patient,
        detail={"checklist": key},
    )
    return tick


@transaction.atomic
def med_reconcile(*, actor: User, appointment: Appointment, entries: list[dict]) -> list:
    """Store what the patient says about each medication: taking as listed, not taking, or
    taking differently (say how), with the source. entries: medication_id (optional),
    medication (display), taking, change, source."""
    require(actor, "chart.edit")
    _visit(actor, appointment)
    if not entries:
        raise ValidationFailed("Record at least one medication, or 'no medications'.")
    rows, errors = [], {}
    for n, e in enumerate(entries):
        name = str(e.get("medication", "")).strip()
        taking = e.get("taking", "")
        source = e.get("source", "")
        change = str(e.get("change", "")).strip()
        where = f"entries.{n}"
        if not name or len(name) > 300:
            errors[where] = ["Name the medication."]
        elif taking not in MedReconciliation.Taking.values:
            errors[where] = [f"{name}: choose taking, not taking or changed."]
        elif source not in MedReconciliation.Source.values:
            errors[where] = [f"{name}: say where this came from (patient, bottles, pharmacy...)."]
        elif taking == MedReconciliation.Taking.CHANGED and not change:
            errors[where] = [f"{name}: say how the patient takes it now."]
        elif len(change) > 300:
            errors[where] = [f"{name}: keep the change to 300 characters."]
        rows.append(
            MedReconciliation(
                appointment=appointment,
                patient=appointment.patient,
                medication_id=e.get("medication_id") or None,
                medication=name,
                taking=taking,
                change=change if taking == MedReconciliation.Taking.CHANGED else "",
                source=source,
                recorded_by=actor,
            )
        )
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], errors=errors)
    for row in rows:
        row.stamp(actor)
    MedReconciliation.objects.bulk_create(rows)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=appointment,
        patient=appointment.patient,
        detail={"med_reconciliation": len(rows)},
    )
    return rows


@transaction.atomic
def allergies_confirm(
    *, actor: User, appointment: Appointment, listed: list[str], confirmed: bool, note: str = ""
) -> AllergyConfirmation:
    require(actor, "chart.edit")
    _visit(actor, appointment)
    note = (note or "").strip()
    if not confirmed and not note:
        raise ValidationFailed("Say what is different about the allergies.", field="note")
    if len(note) > 500:
        raise ValidationFailed("Keep the note to 500 characters.", field="note")
    row = AllergyConfirmation(
        appointment=appointment,
        patient=appointment.patient,
        confirmed=confirmed,
        note=note,
        listed=[str(x)[:200] for x in listed][:100],
        recorded_by=actor,
    )
    row.stamp(actor)
    row.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=row,
        patient=appointment.patient,
        detail={"confirmed": confirmed},
    )
    return row
