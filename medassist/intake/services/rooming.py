"""Rooming a visit and recording vital signs."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.errors import Conflict, ValidationFailed
from medassist.intake import vitals as vitals_rules
from medassist.intake.errors import Code
from medassist.intake.models import Rooming, Vitals
from medassist.practice.models import Room, User
from medassist.practice.roles import require, staff_clinic
from medassist.scheduling.models import Appointment, Status
from medassist.scheduling.services import appointment_transition


class RoomOccupied(Conflict):
    code: str = Code.ROOM_OCCUPIED


@transaction.atomic
def vitals_record(*, actor: User, appointment: Appointment, **readings) -> Vitals:
    """Record a set of vitals for a visit. Impossible values are refused; out-of-range flagged."""
    require(actor, "vitals.record")
    if appointment.clinic_id != actor.clinic_id:
        raise ValidationFailed("Unknown appointment.")
    if appointment.status not in (Status.ARRIVED, Status.ROOMED, Status.WITH_PROVIDER):
        raise ValidationFailed("Vitals can be recorded only for a patient who is in the clinic.")
    patient = appointment.patient
    age = patient.age_on(timezone.localdate(timezone=staff_clinic(actor).tz))
    reading = vitals_rules.normalize(age_years=age, **readings)
    vitals = Vitals(
        patient=patient,
        appointment=appointment,
        taken_at=timezone.now(),
        recorded_by=actor,
        bmi=reading.bmi,
        flags=reading.flags,
        **reading.values,
    )
    vitals.stamp(actor)
    vitals.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=vitals,
        patient=patient,
        detail={"flags": [f["field"] for f in reading.flags]},
    )
    return vitals


@transaction.atomic
def rooming_complete(
    *,
    actor: User,
    appointment: Appointment,
    room: Room,
    reason_for_visit: str,
    vitals: dict | None = None,
) -> Rooming:
    """Put an arrived patient in a room, with the reason for visit and (optionally) vitals."""
    require(actor, "appointment.room")
    if room.location.clinic_id != actor.clinic_id:
        raise ValidationFailed("Unknown room.", field="room")
    if room.location_id != appointment.location_id:
        raise ValidationFailed(
            f"{room.name} is at {room.location.name}; this visit is at "
            f"{appointment.location.name}. Choose a room there.",
            field="room",
        )
    if not room.active:
        raise ValidationFailed(f"{room.name} is out of service. Choose another room.", field="room")
    reason = (reason_for_visit or "").strip()
    if not reason:
        raise ValidationFailed(
            "Write the reason for the visit in the patient's own words.", field="reason_for_visit"
        )
    if len(reason) > 2000:
        raise ValidationFailed(
            "Reason for visit is limited to 2,000 characters.", field="reason_for_visit"
        )
    occupant = (
        Appointment.objects.filter(room=room, status__in=(Status.ROOMED, Status.WITH_PROVIDER))
        .exclude(pk=appointment.pk)
        .first()
    )
    if occupant is not None:
        raise RoomOccupied(
            f"{room.name} is occupied by another patient. Choose another room.", field="room"
        )
    appointment_transition(actor=actor, appointment=appointment, to_status=Status.ROOMED)
    appointment.room = room
    appointment.save(update_fields=["room"])
    rooming = Rooming(
        appointment=appointment,
        room=room,
        reason_for_visit=reason,
        roomed_by=actor,
        roomed_at=timezone.now(),
    )
    rooming.stamp(actor)
    rooming.save()
    audit_record(
        actor=actor, action=AuditEvent.Action.CREATE, obj=rooming, patient=appointment.patient
    )
    if vitals and any(str(v).strip() for k, v in vitals.items() if not k.endswith("_unit")):
        vitals_record(actor=actor, appointment=appointment, **vitals)
    return rooming
