"""Booking one visit, moving it, cancelling it and marking a no-show: the one service for each
act, with every rule checked here (hours, visit-type rules, rooms and equipment, overlap).

Staff overrides are explicit keyword parameters: `outside_hours` (needs
`appointment.outside_hours`) and `double_book` (needs `appointment.double_book`). An override
takes a reason, which is kept on the visit's history and in the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from medassist.availability.selectors import Slot
from medassist.availability.services import (
    resources_complete,
    resources_follow_move,
    resources_hold,
    resources_release,
    visit_placement,
)
from medassist.booking.errors import ReasonRequired
from medassist.core.errors import ValidationFailed
from medassist.patients.models import Patient
from medassist.practice.models import Location, Provider, User, VisitType
from medassist.practice.roles import require, staff_clinic
from medassist.scheduling.errors import SlotTaken
from medassist.scheduling.models import Appointment, AppointmentSeries, Status
from medassist.scheduling.services import (
    appointment_insert,
    appointment_move,
    appointment_transition,
    check_same_clinic,
    check_start,
    lock_providers,
    locked_booked,
    overlapping,
)


@dataclass(frozen=True)
class Overrides:
    """What a staff member chose to book past the rules, and why (checked by `overrides`)."""

    outside_hours: bool = False
    double_book: bool = False
    reason: str = ""

    def audit(self, in_hours: bool) -> dict:
        """What the audit event records of an override that was used."""
        past_hours = self.outside_hours and not in_hours
        if not (past_hours or self.double_book):
            return {}
        return {"override_reason": self.reason, **({"outside_hours": True} if past_hours else {})}


def overrides(actor: User, *, outside_hours: bool, double_book: bool, reason: str) -> Overrides:
    """Each override needs its permission; booking outside hours needs a reason."""
    reason = (reason or "").strip()
    if len(reason) > 500:
        raise ValidationFailed("The reason is limited to 500 characters.", field="reason")
    if double_book:
        require(actor, "appointment.double_book")
    if outside_hours:
        require(actor, "appointment.outside_hours")
        if not reason:
            raise ReasonRequired(
                "Give a reason for booking outside the provider's hours.", field="reason"
            )
    return Overrides(outside_hours=outside_hours, double_book=double_book, reason=reason)


@transaction.atomic
def appointment_book(
    *,
    actor: User,
    patient: Patient,
    visit_type: VisitType,
    provider: Provider | None = None,
    start: datetime | None = None,
    location: Location | None = None,
    slot: Slot | None = None,
    note: str = "",
    outside_hours: bool = False,
    double_book: bool = False,
    override_reason: str = "",
    booked_online: bool = False,
    series: AppointmentSeries | None = None,
    series_index: int | None = None,
) -> Appointment:
    """Book a visit, from a found slot or a chosen provider and time, in one transaction: the
    provider's hours (NotOpen), the visit type's rule (NotOffered; new or established
    patients), a free room or piece of equipment of each kind it needs (ResourceTaken, 409,
    held with the visit) and no overlap with the provider's other visits (SlotTaken, 409)."""
    require(actor, "appointment.book")
    chosen = overrides(
        actor, outside_hours=outside_hours, double_book=double_book, reason=override_reason
    )
    if slot is not None:
        provider, start, location = slot.provider, slot.start, slot.location
    if provider is None or start is None:
        raise ValidationFailed("Choose a slot.", field="start")
    check_same_clinic(actor, patient=patient, provider=provider, visit_type=visit_type)
    check_same_clinic(actor, location=location)
    check_start(actor, start)
    if (slot is not None or booked_online) and start < timezone.now():
        raise ValidationFailed("That time has already passed; choose a later slot.", field="start")
    # Serialize bookings for this provider (row lock on PostgreSQL; SQLite holds its write
    # lock), then check everything under it.
    lock_providers(provider)
    if slot is not None or booked_online:
        _check_still_free(provider, start, visit_type, staff_clinic(actor).tz)
    place = visit_placement(
        actor=actor,
        patient=patient,
        provider=provider,
        visit_type=visit_type,
        start=start,
        location=location,
        outside_hours=chosen.outside_hours,
    )
    appt = appointment_insert(
        actor=actor,
        patient=patient,
        provider=provider,
        visit_type=visit_type,
        location=place.location,
        start=start,
        note=note,
        double_book=chosen.double_book,
        booked_online=booked_online,
        series=series,
        series_index=series_index,
        reason=chosen.reason,
        audit_detail=chosen.audit(place.in_hours),
    )
    resources_hold(actor=actor, appointment=appt, resources=place.resources)
    return appt


def _check_still_free(provider: Provider, start: datetime, visit_type: VisitType, tz) -> None:
    """A slot picked from a list (Find a slot, the portal) that was booked meanwhile."""
    end = start + timedelta(minutes=visit_type.duration_minutes)
    if overlapping(provider=provider, start=start, end=end).exists():
        local = start.astimezone(tz)
        raise SlotTaken(
            f"{provider.display_name} was just booked at {local:%H:%M} on {local:%a %b %d}. "
            "Choose another slot.",
            field="start",
        )


@transaction.atomic
def appointment_reschedule(
    *,
    actor: User,
    appointment: Appointment,
    start: datetime,
    provider: Provider | None = None,
    location: Location | None = None,
    reason: str = "",
    double_book: bool = False,
    outside_hours: bool = False,
) -> Appointment:
    """Move a booked visit to another time (and provider or location): the same row, with an
    AppointmentMove kept as history, under the same rules as booking. Its rooms and equipment
    move with it (the same ones when free, else others of their kind)."""
    require(actor, "appointment.reschedule")
    chosen = overrides(actor, outside_hours=outside_hours, double_book=double_book, reason=reason)
    check_same_clinic(actor, provider=provider, location=location)
    if appointment.clinic_id != actor.clinic_id:
        raise ValidationFailed("Unknown appointment.")
    check_start(actor, start)
    new_provider = provider or appointment.provider
    if new_provider.pk != appointment.provider_id and not new_provider.active:
        raise ValidationFailed(
            f"{new_provider.display_name} is not taking appointments.", field="provider"
        )
    lock_providers(new_provider, appointment.provider)
    current = locked_booked(actor, appointment)
    if (
        start == current.start
        and new_provider.pk == current.provider_id
        and (location is None or location.pk == current.location_id)
    ):
        raise ValidationFailed("The visit is already at this time.", field="start")
    moved = visit_move(
        actor=actor,
        visit=current,
        start=start,
        provider=new_provider,
        location=location,
        chosen=chosen,
    )
    for name in ("start", "end", "provider", "location", "double_booked", "updated_at"):
        setattr(appointment, name, getattr(moved, name))
    return appointment


def visit_move(
    *,
    actor: User,
    visit: Appointment,
    start: datetime,
    provider: Provider,
    location: Location | None,
    chosen: Overrides,
    moving_ids=None,
) -> Appointment:
    """Check the new time and move one locked visit with its resources (the caller holds the
    provider locks; series moves pass the ids of the visits moving together)."""
    place = visit_placement(
        actor=actor,
        patient=None,
        provider=provider,
        visit_type=visit.visit_type,
        start=start,
        location=location,
        outside_hours=chosen.outside_hours,
        pick_resources=False,
        prefer=visit.location,
    )
    moved = appointment_move(
        actor=actor,
        appt=visit,
        start=start,
        provider=provider,
        location=place.location,
        reason=chosen.reason,
        double_book=chosen.double_book,
        moving_ids=moving_ids,
        audit_detail=chosen.audit(place.in_hours),
    )
    resources_follow_move(actor=actor, appointment=moved)
    resources_complete(actor=actor, appointment=moved)
    return moved


@transaction.atomic
def appointment_cancel(*, actor: User, appointment: Appointment, reason: str) -> Appointment:
    """Cancel a visit (a reason is required); the rooms and equipment it held are freed."""
    appt = appointment_transition(
        actor=actor, appointment=appointment, to_status=Status.CANCELLED, reason=reason
    )
    resources_release(appointment=appt, actor=actor)
    return appt


@transaction.atomic
def appointment_no_show(*, actor: User, appointment: Appointment) -> Appointment:
    """Mark a visit whose time has come as a no-show; its rooms and equipment are freed."""
    if appointment.start > timezone.now():
        raise ValidationFailed("A visit that has not started yet cannot be a no-show.")
    appt = appointment_transition(actor=actor, appointment=appointment, to_status=Status.NO_SHOW)
    resources_release(appointment=appt, actor=actor)
    return appt
