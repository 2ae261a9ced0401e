"""Booking one visit, moving it, and its status changes (check-in … check-out, cancel, no-show)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.errors import Conflict, ValidationFailed
from medassist.patients.models import Patient
from medassist.practice.models import Location, Provider, VisitType
from medassist.practice.roles import require
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


class SlotTaken(Conflict):
    code = "slot_taken"


class IllegalTransition(Conflict):
    code = "illegal_transition"


class SeriesConflict(Conflict):
    code = "series_conflict"


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


def _lock_providers(*providers: Provider) -> None:
    """Serialize bookings for these providers: row locks on PostgreSQL (in key order, so two
    moves between the same providers cannot deadlock); SQLite already holds its write lock."""
    keys = sorted({p.pk for p in providers})
    list(Provider.objects.select_for_update().filter(pk__in=keys).order_by("pk"))


def _check_same_clinic(actor, **objs) -> None:
    clinic_id = actor.clinic_id
    for what, obj in objs.items():
        if obj is not None and obj.clinic_id != clinic_id:
            raise ValidationFailed(f"Unknown {what.replace('_', ' ')}.", field=what)


def _check_start(actor, start: datetime | None) -> None:
    if start is None or not isinstance(start, datetime) or timezone.is_naive(start):
        raise ValidationFailed("Start time must include a time zone.", field="start")
    clinic_today = timezone.localdate(timezone=actor.clinic.tz)
    if start.astimezone(actor.clinic.tz).date() < clinic_today:
        raise ValidationFailed("Cannot book a visit on a past date.", field="start")


def _clash_message(provider: Provider, clash: Appointment, tz) -> str:
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


def _double_book_allowed(actor, double_book: bool) -> bool:
    if double_book:
        require(actor, "appointment.double_book")
    return double_book


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
    double_book: bool = False,
    booked_online: bool = False,
    series: AppointmentSeries | None = None,
    series_index: int | None = None,
) -> Appointment:
    """Book a visit. Refuses a time that overlaps another active appointment of the provider,
    unless `double_book` is asked for by someone allowed to (the visit is then flagged)."""
    require(actor, "appointment.book")
    double_book = _double_book_allowed(actor, double_book)
    _check_same_clinic(actor, patient=patient, provider=provider, visit_type=visit_type)
    _check_same_clinic(actor, location=location)
    if not provider.active:
        raise ValidationFailed(
            f"{provider.display_name} is not taking appointments.", field="provider"
        )
    if not visit_type.active:
        raise ValidationFailed(f"{visit_type.name} is no longer offered.", field="visit_type")
    if not patient.active:
        raise ValidationFailed("This patient's record is inactive.", field="patient")
    _check_start(actor, start)
    if len(note) > 500:
        raise ValidationFailed("Booking note is limited to 500 characters.", field="note")
    end = start + timedelta(minutes=visit_type.duration_minutes)
    # Serialize bookings for this provider: row lock on PostgreSQL, write lock on SQLite.
    _lock_providers(provider)
    clash = overlapping(provider=provider, start=start, end=end).first()
    if clash is not None and not double_book:
        raise SlotTaken(_clash_message(provider, clash, actor.clinic.tz), field="start")
    now = timezone.now()
    appt = Appointment(
        clinic_id=actor.clinic_id,
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
    StatusChange.objects.create(
        appointment=appt,
        from_status="",
        to_status=Status.BOOKED,
        at=now,
        by=actor,
        reason="Double-booked on purpose" if appt.double_booked else "",
    )
    detail: dict[str, object] = {"start": start.isoformat(), "provider": str(provider.public_id)}
    if appt.double_booked:
        detail["double_booked"] = True
    if booked_online:
        detail["booked_online"] = True
    audit_record(
        actor=actor, action=AuditEvent.Action.CREATE, obj=appt, patient=patient, detail=detail
    )
    return appt


def _move(
    *,
    actor,
    appt: Appointment,
    start: datetime,
    provider: Provider,
    location: Location,
    reason: str,
    double_book: bool,
    moving_ids=None,
) -> Appointment:
    """Move one locked, booked visit (caller holds the provider locks and checked the rules)."""
    end = start + (appt.end - appt.start)
    exclude = set(moving_ids or ()) | {appt.pk}
    clash = overlapping(provider=provider, start=start, end=end, exclude_id=exclude).first()
    if clash is not None and not double_book:
        raise SlotTaken(_clash_message(provider, clash, actor.clinic.tz), field="start")
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
        },
    )
    _move_resources(appt, actor)
    return appt


def _move_resources(appt: Appointment, actor) -> None:
    """Rooms and equipment the visit held move with it (or the move is refused)."""
    from medassist.availability.services import resources_follow_move  # builds on us

    resources_follow_move(actor=actor, appointment=appt)


def _release_resources(appt: Appointment, actor) -> None:
    """Rooms and equipment held for a visit are released when it is cancelled or is a no-show
    (the availability app holds them per time; see docs/scheduling.md)."""
    from medassist.availability.services import resources_release  # availability builds on us

    resources_release(appointment=appt, actor=actor)


def _locked_booked(actor, appointment: Appointment) -> Appointment:
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
def appointment_reschedule(
    *,
    actor,
    appointment: Appointment,
    start: datetime,
    provider: Provider | None = None,
    location: Location | None = None,
    reason: str = "",
    double_book: bool = False,
) -> Appointment:
    """Move a booked visit to another time (and provider or location): the same row, with an
    AppointmentMove kept as history. The same no-overlap guarantee as booking."""
    require(actor, "appointment.reschedule")
    double_book = _double_book_allowed(actor, double_book)
    _check_same_clinic(actor, provider=provider, location=location)
    if appointment.clinic_id != actor.clinic_id:
        raise ValidationFailed("Unknown appointment.")
    _check_start(actor, start)
    if len(reason) > 500:
        raise ValidationFailed("The reason is limited to 500 characters.", field="reason")
    new_provider = provider or appointment.provider
    if new_provider.pk != appointment.provider_id and not new_provider.active:
        raise ValidationFailed(
            f"{new_provider.display_name} is not taking appointments.", field="provider"
        )
    _lock_providers(new_provider, appointment.provider)
    current = _locked_booked(actor, appointment)
    if (
        start == current.start
        and new_provider.pk == current.provider_id
        and (location is None or location.pk == current.location_id)
    ):
        raise ValidationFailed("The visit is already at this time.", field="start")
    moved = _move(
        actor=actor,
        appt=current,
        start=start,
        provider=new_provider,
        location=location or current.location,
        reason=reason,
        double_book=double_book,
    )
    for name in ("start", "end", "provider", "location", "double_booked", "updated_at"):
        setattr(appointment, name, getattr(moved, name))
    return appointment


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
    if to_status in (Status.CANCELLED, Status.NO_SHOW):
        _release_resources(appointment, actor)
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
