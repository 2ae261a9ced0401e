"""Booking and the visit lifecycle. Every change is time-stamped, attributed and audited."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.errors import Conflict, ValidationFailed
from medassist.patients.models import Patient
from medassist.practice.models import Location, Provider, VisitType
from medassist.practice.roles import require
from medassist.scheduling.models import ACTIVE_STATUSES, Appointment, Status, StatusChange

# Who may move an appointment into each status.
TRANSITION_PERMISSION: dict[str, str] = {
    Status.ARRIVED: "appointment.check_in",
    Status.ROOMED: "appointment.room",
    Status.WITH_PROVIDER: "appointment.start_visit",
    Status.CHECKED_OUT: "appointment.check_out",
    Status.CANCELLED: "appointment.cancel",
    Status.NO_SHOW: "appointment.no_show",
}


class SlotTaken(Conflict):
    code = "slot_taken"


class IllegalTransition(Conflict):
    code = "illegal_transition"


def overlapping(*, provider: Provider, start: datetime, end: datetime, exclude_id=None):
    qs = Appointment.objects.filter(
        provider=provider, status__in=ACTIVE_STATUSES, start__lt=end, end__gt=start
    )
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    return qs


@transaction.atomic
def appointment_book(
    *,
    actor,
    patient: Patient,
    provider: Provider,
    visit_type: VisitType,
    location: Location,
    start: datetime,
    note: str = "",
) -> Appointment:
    """Book a visit. Refuses a time that overlaps another active appointment of the provider."""
    require(actor, "appointment.book")
    clinic_id = actor.clinic_id
    for obj, what in ((patient, "patient"), (provider, "provider"), (visit_type, "visit type")):
        if obj.clinic_id != clinic_id:
            raise ValidationFailed(f"Unknown {what}.", field=what.replace(" ", "_"))
    if location.clinic_id != clinic_id:
        raise ValidationFailed("Unknown location.", field="location")
    if not provider.active:
        raise ValidationFailed(
            f"{provider.display_name} is not taking appointments.", field="provider"
        )
    if not visit_type.active:
        raise ValidationFailed(f"{visit_type.name} is no longer offered.", field="visit_type")
    if not patient.active:
        raise ValidationFailed("This patient's record is inactive.", field="patient")
    if start is None or timezone.is_naive(start):
        raise ValidationFailed("Start time must include a time zone.", field="start")
    if len(note) > 500:
        raise ValidationFailed("Booking note is limited to 500 characters.", field="note")
    clinic_today = timezone.localdate(timezone=actor.clinic.tz)
    if start.astimezone(actor.clinic.tz).date() < clinic_today:
        raise ValidationFailed("Cannot book a visit on a past date.", field="start")
    end = start + timedelta(minutes=visit_type.duration_minutes)
    # Serialize bookings for this provider: row lock on PostgreSQL, write lock on SQLite.
    Provider.objects.select_for_update().filter(pk=provider.pk).first()
    clash = overlapping(provider=provider, start=start, end=end).select_related("patient").first()
    if clash is not None:
        local = clash.start.astimezone(actor.clinic.tz)
        raise SlotTaken(
            f"{provider.display_name} already has an appointment at {local:%H:%M} on "
            f"{local:%a %b %d} that overlaps this time. Choose another time.",
            field="start",
        )
    now = timezone.now()
    appt = Appointment(
        clinic_id=clinic_id,
        patient=patient,
        provider=provider,
        visit_type=visit_type,
        location=location,
        start=start,
        end=end,
        status=Status.BOOKED,
        status_changed_at=now,
        note=note.strip(),
    )
    appt.stamp(actor)
    try:
        with transaction.atomic():
            appt.save()
    except IntegrityError as exc:
        # PostgreSQL's exclusion constraint caught a booking that raced past the check.
        raise SlotTaken(
            f"{provider.display_name} was just booked at this time by someone else. "
            "Choose another time.",
            field="start",
        ) from exc
    StatusChange.objects.create(
        appointment=appt, from_status="", to_status=Status.BOOKED, at=now, by=actor
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=appt,
        patient=patient,
        detail={"start": start.isoformat(), "provider": str(provider.public_id)},
    )
    return appt


@transaction.atomic
def appointment_transition(
    *, actor, appointment: Appointment, to_status: str, reason: str = ""
) -> Appointment:
    """Move a visit to its next status; refuses anything the lifecycle does not allow."""
    if to_status not in TRANSITION_PERMISSION:
        raise ValidationFailed(f"Unknown status {to_status!r}.", field="status")
    require(actor, TRANSITION_PERMISSION[to_status])
    if appointment.clinic_id != actor.clinic_id:
        raise ValidationFailed("Unknown appointment.")
    # Re-read under lock so two people clicking at once cannot both move it.
    current = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if to_status not in current.allowed_next():
        raise IllegalTransition(
            f"This visit is {current.get_status_display().lower()}; it cannot be marked "
            f"{Status(to_status).label.lower()}.",
            field="status",
        )
    if to_status == Status.CANCELLED and not reason.strip():
        raise ValidationFailed("Give a reason for cancelling.", field="reason")
    now = timezone.now()
    StatusChange.objects.create(
        appointment=current,
        from_status=current.status,
        to_status=to_status,
        at=now,
        by=actor,
        reason=reason.strip()[:500],
    )
    from_status = current.status
    appointment.status = to_status
    appointment.status_changed_at = now
    update = ["status", "status_changed_at", "updated_at", "updated_by"]
    if to_status == Status.CANCELLED:
        appointment.cancel_reason = reason.strip()[:500]
        update.append("cancel_reason")
    appointment.stamp(actor)
    appointment.save(update_fields=update)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.TRANSITION,
        obj=appointment,
        patient=appointment.patient,
        detail={"from": from_status, "to": to_status},
    )
    return appointment


def appointment_cancel(*, actor, appointment: Appointment, reason: str) -> Appointment:
    return appointment_transition(
        actor=actor, appointment=appointment, to_status=Status.CANCELLED, reason=reason
    )


def appointment_no_show(*, actor, appointment: Appointment) -> Appointment:
    if appointment.start > timezone.now():
        raise ValidationFailed("A visit that has not started yet cannot be a no-show.")
    return appointment_transition(actor=actor, appointment=appointment, to_status=Status.NO_SHOW)


def appointment_start_visit(*, actor, appointment: Appointment) -> Appointment:
    return appointment_transition(
        actor=actor, appointment=appointment, to_status=Status.WITH_PROVIDER
    )
