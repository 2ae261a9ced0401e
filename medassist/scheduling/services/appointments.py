"""The rows of a visit: writing a booked visit, moving one, and its status changes.

These are the building blocks of `medassist.booking`, the one way to book: only booking calls
`appointment_insert` and `appointment_move` (hours, visit-type rules and resources are checked
there, a layer above; tests/core/test_layering.py holds that true)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.errors import ValidationFailed
from medassist.patients.models import Patient
from medassist.practice.models import Location, Provider, User, VisitType
from medassist.practice.roles import require, staff_clinic
from medassist.scheduling.errors import IllegalTransition, SlotTaken
from medassist.scheduling.models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentMove,
    AppointmentSeries,
    Status,
    StatusChange,
)

# ---------------------------------------------------------------------------- appointments

# Who may move an appointment into each status.
TRANSITION_PERMISSION: dict[str, str] = {
    Status.ARRIVED: "appointment.check_in",
    Status.ROOMED: "appointment.room",
    Status.WITH_PROVIDER: "appointment.start_visit",
    Status.CHECKED_OUT: "appointment.check_out",
    Status.CANCELLED: "appointment.cancel",
    Status.NO_SHOW: "appointment.no_show",
}


MAX_YEARS_AHEAD = 5  # further than this is a typo (and 9999-12-31 would overflow)


def overlapping(*, provider: Provider, start: datetime, end: datetime, exclude_id=None):
    """Active visits of the provider that overlap [start, end) (double-booked ones included)."""
    qs = Appointment.objects.filter(
        provider=provider, status__in=ACTIVE_STATUSES, start__lt=end, end__gt=start
    )
    if exclude_id is not None:
        if isinstance(exclude_id, list | set | frozenset | tuple):
            qs = qs.exclude(pk__in=exclude_id)
        else:
            qs = qs.exclude(pk=exclude_id)
    return qs


def local_time_exists(moment: datetime) -> bool:
    """False for a wall-clock time a DST change skips (e.g. 02:30 on the spring-forward day)."""
    round_trip = moment.astimezone(UTC).astimezone(moment.tzinfo)
    return round_trip.replace(tzinfo=None) == moment.replace(tzinfo=None)


def lock_providers(*providers: Provider) -> None:
    """Serialize bookings for these providers: row locks on PostgreSQL (in key order, so two
    moves between the same providers cannot deadlock); SQLite already holds its write lock."""
    keys = sorted({p.pk for p in providers})
    list(Provider.objects.select_for_update().filter(pk__in=keys).order_by("pk"))


def check_same_clinic(actor: User, **objs) -> None:
    clinic_id = actor.clinic_id
    for what, obj in objs.items():
        if obj is not None and obj.clinic_id != clinic_id:
            raise ValidationFailed(f"Unknown {what.replace('_', ' ')}.", field=what)


def check_start(actor: User, start: datetime | None) -> None:
    if start is None or not isinstance(start, datetime) or timezone.is_naive(start):
        raise ValidationFailed("Start time must include a time zone.", field="start")
    offset = start.utcoffset()
    if offset is None or abs(offset) > timedelta(hours=14):
        raise ValidationFailed("That UTC offset is no time zone's.", field="start")
    clinic_today = timezone.localdate(timezone=staff_clinic(actor).tz)
    if start.year > clinic_today.year + MAX_YEARS_AHEAD:
        raise ValidationFailed(
            f"Visits are booked at most {MAX_YEARS_AHEAD} years ahead.", field="start"
        )
    if start.astimezone(staff_clinic(actor).tz).date() < clinic_today:
        raise ValidationFailed("Cannot book a visit on a past date.", field="start")


def clash_message(provider: Provider, clash: Appointment, tz) -> str:
    local = clash.start.astimezone(tz)
    return (
        f"{provider.display_name} already has an appointment at {local:%H:%M} on "
        f"{local:%a %b %d} that overlaps this time. Choose another time."
    )


def _raced(provider: Provider) -> SlotTaken:
    return SlotTaken(
        f"{provider.display_name} was just booked at this time by someone else. "
        "Choose another time.",
        field="start",
    )


@transaction.atomic
def appointment_insert(
    *,
    actor: User,
    patient: Patient,
    provider: Provider,
    visit_type: VisitType,
    location: Location,
    start: datetime,
    note: str = "",
    double_book: bool = False,
    booked_online: bool = False,
    series: AppointmentSeries | None = None,
    series_index: int | None = None,
    reason: str = "",
    audit_detail: dict | None = None,
) -> Appointment:
    """Write a booked visit. Refuses a time that overlaps another active appointment of the
    provider unless `double_book` (the caller, booking, checked the permission; the visit is
    then flagged). Call `medassist.booking.services.appointment_book` instead: it checks the
    provider's hours, the visit type's rules and its rooms and equipment first."""
    require(actor, "appointment.book")
    check_same_clinic(actor, patient=patient, provider=provider, visit_type=visit_type)
    check_same_clinic(actor, location=location)
    if not provider.active:
        raise ValidationFailed(
            f"{provider.display_name} is not taking appointments.", field="provider"
        )
    if not visit_type.active:
        raise ValidationFailed(f"{visit_type.name} is no longer offered.", field="visit_type")
    if not patient.active:
        raise ValidationFailed("This patient's record is inactive.", field="patient")
    check_start(actor, start)
    if len(note) > 500:
        raise ValidationFailed("Booking note is limited to 500 characters.", field="note")
    end = start + timedelta(minutes=visit_type.duration_minutes)
    # Serialize bookings for this provider: row lock on PostgreSQL, write lock on SQLite.
    lock_providers(provider)
    clash = overlapping(provider=provider, start=start, end=end).first()
    if clash is not None and not double_book:
        raise SlotTaken(clash_message(provider, clash, staff_clinic(actor).tz), field="start")
    now = timezone.now()
    appt = Appointment(
        clinic_id=staff_clinic(actor).pk,
        patient=patient,
        provider=provider,
        visit_type=visit_type,
        location=location,
        start=start,
        end=end,
        status=Status.BOOKED,
        status_changed_at=now,
        note=note.strip(),
        double_booked=clash is not None,
        booked_online=booked_online,
        series=series,
        series_index=series_index,
    )
    appt.stamp(actor)
    try:
        with transaction.atomic():
            appt.save()
    except IntegrityError as exc:
        # PostgreSQL's exclusion constraint caught a booking that raced past the check.
        raise _raced(provider) from exc
    if not reason and appt.double_booked:
        reason = "Double-booked on purpose"
    StatusChange.objects.create(
        appointment=appt,
        from_status="",
        to_status=Status.BOOKED,
        at=now,
        by=actor,
        reason=reason.strip()[:500],
    )
    detail: dict[str, object] = {"start": start.isoformat(), "provider": str(provider.public_id)}
    if appt.double_booked:
        detail["double_booked"] = True
    if booked_online:
        detail["booked_online"] = True
    detail.update(audit_detail or {})
    audit_record(
        actor=actor, action=AuditEvent.Action.CREATE, obj=appt, patient=patient, detail=detail
    )
    return appt


def appointment_move(
    *,
    actor: User,
    appt: Appointment,
    start: datetime,
    provider: Provider,
    location: Location,
    reason: str,
    double_book: bool,
    moving_ids=None,
    audit_detail: dict | None = None,
) -> Appointment:
    """Move one locked, booked visit: the same row, with an AppointmentMove kept as history.
    The caller (booking) holds the provider locks and checked hours, rules and permissions;
    the rooms and equipment the visit holds are booking's to move too."""
    end = start + (appt.end - appt.start)
    exclude = set(moving_ids or ()) | {appt.pk}
    clash = overlapping(provider=provider, start=start, end=end, exclude_id=exclude).first()
    if clash is not None and not double_book:
        raise SlotTaken(clash_message(provider, clash, staff_clinic(actor).tz), field="start")
    now = timezone.now()
    move = AppointmentMove(
        appointment=appt,
        from_start=appt.start,
        from_end=appt.end,
        to_start=start,
        to_end=end,
        from_provider_id=appt.provider_id,
        to_provider=provider,
        from_location_id=appt.location_id,
        to_location=location,
        at=now,
        by=actor,
        reason=reason.strip()[:500],
    )
    appt.start, appt.end = start, end
    appt.provider, appt.location = provider, location
    appt.double_booked = clash is not None
    appt.stamp(actor)
    try:
        with transaction.atomic():
            appt.save(
                update_fields=[
                    "start",
                    "end",
                    "provider",
                    "location",
                    "double_booked",
                    "updated_at",
                    "updated_by",
                ]
            )
    except IntegrityError as exc:
        raise _raced(provider) from exc
    move.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=appt,
        patient=appt.patient,
        detail={
            "moved_from": move.from_start.isoformat(),
            "moved_to": start.isoformat(),
            "provider": str(provider.public_id),
            **({"double_booked": True} if appt.double_booked else {}),
            **(audit_detail or {}),
        },
    )
    return appt


def visit_day_has_come(appointment: Appointment, tz) -> bool:
    """True from the clinic-local day of the visit on (check-in is not offered earlier)."""
    return appointment.start.astimezone(tz).date() <= timezone.localdate(timezone=tz)


def locked_booked(actor: User, appointment: Appointment) -> Appointment:
    if appointment.clinic_id != actor.clinic_id:
        raise ValidationFailed("Unknown appointment.")
    current = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if current.status != Status.BOOKED:
        raise IllegalTransition(
            f"This visit is {current.get_status_display().lower()}; only a booked visit can be "
            "moved.",
            field="status",
        )
    return current


@transaction.atomic
def appointment_transition(
    *, actor: User, appointment: Appointment, to_status: str, reason: str = ""
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
    if to_status == Status.ARRIVED and not visit_day_has_come(current, staff_clinic(actor).tz):
        local = current.start.astimezone(staff_clinic(actor).tz)
        raise IllegalTransition(
            f"This visit is on {local:%a %b %d}; a patient is checked in on the day of the visit.",
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


def appointment_start_visit(*, actor: User, appointment: Appointment) -> Appointment:
    return appointment_transition(
        actor=actor, appointment=appointment, to_status=Status.WITH_PROVIDER
    )
