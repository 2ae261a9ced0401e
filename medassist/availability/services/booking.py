"""Booking a slot with its rooms and equipment, and releasing or moving them with the visit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.availability.models import (
    Resource,
    ResourceBooking,
)
from medassist.availability.selectors import check_patient_rule, patient_history, rule_for
from medassist.availability.selectors.engine import Search, Slot, _merge, _overlaps
from medassist.core.errors import ValidationFailed
from medassist.patients.models import Patient
from medassist.practice.models import Location, Provider, VisitType
from medassist.practice.roles import require
from medassist.scheduling.models import ACTIVE_STATUSES, Appointment
from medassist.scheduling.services import SlotTaken, appointment_book, overlapping


class ResourceTaken(SlotTaken):
    """The room or equipment the visit needs is held by another visit at that time (409)."""

    code = "resource_taken"


class NotOpen(ValidationFailed):
    """The time is outside the provider's hours (template, exceptions, holidays)."""

    code = "not_open"


# ---------------------------------------------------------------------------- booking


@transaction.atomic
def slot_book(
    *,
    actor,
    patient: Patient,
    visit_type: VisitType,
    slot: Slot | None = None,
    provider: Provider | None = None,
    start: datetime | None = None,
    location: Location | None = None,
    note: str = "",
) -> Appointment:
    """Book an open slot: re-check it under the provider's lock, book the appointment through
    `appointment_book`, and hold one free resource of each kind the visit type needs, all in
    one transaction. A slot someone just took raises SlotTaken; a resource just taken raises
    ResourceTaken (also a SlotTaken, 409); a time outside the provider's hours NotOpen."""
    require(actor, "appointment.book")
    if slot is not None:
        provider, start, location = slot.provider, slot.start, slot.location
    if provider is None or start is None:
        raise ValidationFailed("Choose a slot.", field="start")
    if timezone.is_naive(start):
        raise ValidationFailed("Start time must include a time zone.", field="start")
    clinic = actor.clinic
    for obj, what in ((patient, "patient"), (provider, "provider"), (visit_type, "visit type")):
        if obj.clinic_id != clinic.pk:
            raise ValidationFailed(f"Unknown {what}.", field=what.replace(" ", "_"))
    if location is not None and location.clinic_id != clinic.pk:
        raise ValidationFailed("Unknown location.", field="location")
    if start < timezone.now():
        raise ValidationFailed("That time has already passed; choose a later slot.", field="start")

    rule = rule_for(visit_type)
    allowed = {p.pk for p in rule.providers.all()} if rule is not None else set()
    if allowed and provider.pk not in allowed:
        raise ValidationFailed(
            f"{provider.display_name} does not offer {visit_type.name} visits.", field="provider"
        )
    established, _usual = patient_history(clinic=clinic, patient=patient)
    check_patient_rule(rule, visit_type, patient, established)

    # Serialize bookings for this provider (row lock on PostgreSQL; on SQLite the request's
    # transaction already holds the write lock), then re-check under it.
    Provider.objects.select_for_update().filter(pk=provider.pk).first()
    local = start.astimezone(clinic.tz)
    day = local.date()
    kinds = [k.pk for k in rule.required_kinds.all()] if rule is not None else []
    search = Search.load(
        clinic=clinic,
        duration_minutes=visit_type.duration_minutes,
        providers=[provider],
        location=location,
        required_kinds=kinds,
        date_from=day,
        date_to=day,
    )
    s = int(start.timestamp())
    e = s + visit_type.duration_minutes * 60
    inside = [
        (a, b, loc) for a, b, loc, _ in search.open_intervals(provider.pk, day) if a <= s and e <= b
    ]
    if not inside:
        raise NotOpen(
            f"{provider.display_name} is not seeing patients at {local:%H:%M} on "
            f"{local:%a %b %d} (outside their hours, time off or a clinic holiday). "
            "Choose one of the open slots.",
            field="start",
        )
    loc_id = inside[0][2]
    location = location or search.locations[loc_id]
    end = start + timedelta(minutes=visit_type.duration_minutes)
    clash = overlapping(provider=provider, start=start, end=end).exists()
    if clash:
        raise SlotTaken(
            f"{provider.display_name} was just booked at {local:%H:%M} on {local:%a %b %d}. "
            "Choose another slot.",
            field="start",
        )
    # Lock the candidate resources, then pick free ones (SQLite: under the write lock).
    if kinds:
        candidates = [r.pk for rows in search.resources.values() for r in rows]
        list(Resource.objects.select_for_update().filter(pk__in=candidates).order_by("pk"))
        _release_stale(resource_ids=candidates, start=start, end=end)
        busy = search.resource_busy(day, day)
        picked = search.free_resources(loc_id, s, e, busy)
        if picked is None:
            missing = _missing_kind_names(search, loc_id, s, e, busy)
            raise ResourceTaken(
                f"No {missing} is free at {local:%H:%M} on {local:%a %b %d}. Choose another slot.",
                field="start",
            )
    else:
        picked = ()
    appt = appointment_book(
        actor=actor,
        patient=patient,
        provider=provider,
        visit_type=visit_type,
        location=location,
        start=start,
        note=note,
    )
    for resource in picked:
        booking = ResourceBooking(
            clinic=clinic, appointment=appt, resource=resource, start=appt.start, end=appt.end
        )
        booking.stamp(actor)
        try:
            with transaction.atomic():
                booking.save()
        except IntegrityError as exc:
            # PostgreSQL's exclusion constraint caught a booking that raced past the check.
            raise ResourceTaken(
                f"{resource.name} was just booked at this time by someone else. "
                "Choose another slot.",
                field="start",
            ) from exc
    if picked:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=appt,
            patient=patient,
            detail={"resources": [str(r.public_id) for r in picked]},
        )
    return appt


def _missing_kind_names(search: Search, loc: int, s: int, e: int, busy) -> str:
    names = []
    for kind in search.required_kinds:
        rows = search.resources.get((loc, kind), [])
        if not any(not _overlaps(busy.get(r.pk, ()), s, e) for r in rows):
            names.append(rows[0].kind.name if rows else "required resource")
    return " or ".join(names) or "required resource"


def _release_stale(*, resource_ids: list[int], start: datetime, end: datetime) -> None:
    """Bookings still held by visits that were cancelled or marked no-show free up here, in
    case the cancel path did not release them."""
    ResourceBooking.objects.filter(
        resource_id__in=resource_ids, active=True, start__lt=end, end__gt=start
    ).exclude(appointment__status__in=ACTIVE_STATUSES).update(active=False)


def resources_release(*, appointment: Appointment, actor=None) -> int:
    """Free every resource held by an appointment (call on cancel, no-show or reschedule).
    Returns how many bookings were released. Safe to call more than once."""
    n = ResourceBooking.objects.filter(appointment=appointment, active=True).update(
        active=False, updated_at=timezone.now()
    )
    if n and actor is not None:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=appointment,
            patient=appointment.patient,
            detail={"resources_released": n},
        )
    return n


def resources_follow_move(*, actor, appointment: Appointment) -> list[ResourceBooking]:
    """A visit that moved keeps what it held: the same resource at the new time when it is
    free, otherwise another free one of the same kind at the visit's location. When none is
    free, ResourceTaken: the caller's transaction (the move) is refused and rolled back."""
    held = list(
        ResourceBooking.objects.filter(appointment=appointment, active=True).select_related(
            "resource__kind"
        )
    )
    resources_release(appointment=appointment, actor=actor)
    kept: list[ResourceBooking] = []
    for old in held:
        wanted = old.resource
        others = Resource.objects.filter(
            clinic_id=appointment.clinic_id,
            kind_id=wanted.kind_id,
            location_id=appointment.location_id,
            active=True,
        ).exclude(pk=wanted.pk)
        same_place = wanted.location_id == appointment.location_id and wanted.active
        for candidate in ([wanted] if same_place else []) + list(others.order_by("name")):
            try:
                with transaction.atomic():
                    kept.append(
                        resource_booking_add(
                            actor=actor, appointment=appointment, resource=candidate
                        )
                    )
                break
            except ResourceTaken:
                continue
        else:
            local = appointment.start.astimezone(appointment.clinic.tz)
            raise ResourceTaken(
                f"No {wanted.kind.name} is free at {local:%H:%M} on {local:%a %b %d}, and this "
                "visit needs one. Choose another time.",
                field="start",
            )
    return kept


@dataclass
class Reassigned:
    """What taking a resource out of service did to the upcoming visits that held it."""

    moved: int  # now hold another free one of its kind
    stuck: list[Appointment]  # none was free: they keep it, for the desk to move


def resource_visits_reassign(*, actor, resource: Resource, now=None) -> Reassigned:
    """Give the upcoming visits that hold `resource` (going out of service) another free one
    of its kind at their location, first by name. The visits for which none is free keep
    their booking, for the desk to move or for the resource to come back."""
    now = now or timezone.now()
    held = ResourceBooking.objects.filter(
        resource=resource, active=True, end__gt=now, appointment__status__in=ACTIVE_STATUSES
    ).select_related("appointment__patient")
    others = list(
        Resource.objects.filter(clinic_id=resource.clinic_id, kind_id=resource.kind_id, active=True)
        .exclude(pk=resource.pk)
        .order_by("name")
    )
    moved, stuck = 0, []
    for booking in held.order_by("start"):
        appt = booking.appointment
        for candidate in (r for r in others if r.location_id == appt.location_id):
            try:
                with transaction.atomic():
                    resource_booking_add(
                        actor=actor,
                        appointment=appt,
                        resource=candidate,
                        start=booking.start,
                        end=booking.end,
                    )
            except ResourceTaken:
                continue
            booking.active = False
            booking.stamp(actor)
            booking.save(update_fields=["active", "updated_at", "updated_by"])
            audit_record(
                actor=actor,
                action=AuditEvent.Action.UPDATE,
                obj=appt,
                patient=appt.patient,
                detail={"resource_replaced": {"from": resource.name, "to": candidate.name}},
            )
            moved += 1
            break
        else:
            stuck.append(appt)
    return Reassigned(moved=moved, stuck=stuck)


def resource_booking_add(
    *, actor, appointment: Appointment, resource: Resource, start=None, end=None
) -> ResourceBooking:
    """Hold a resource for an existing appointment (e.g. an ECG cart added later)."""
    require(actor, "appointment.book")
    if resource.clinic_id != actor.clinic_id or appointment.clinic_id != actor.clinic_id:
        raise ValidationFailed("Unknown resource.", field="resource")
    start = start or appointment.start
    end = end or appointment.end
    list(Resource.objects.select_for_update().filter(pk=resource.pk))
    _release_stale(resource_ids=[resource.pk], start=start, end=end)
    busy = _merge(
        [
            (int(a.timestamp()), int(b.timestamp()))
            for a, b in ResourceBooking.objects.filter(
                resource=resource, active=True, start__lt=end, end__gt=start
            ).values_list("start", "end")
        ]
    )
    if busy:
        raise ResourceTaken(f"{resource.name} is already booked at that time.", field="resource")
    booking = ResourceBooking(
        clinic_id=actor.clinic_id, appointment=appointment, resource=resource, start=start, end=end
    )
    booking.stamp(actor)
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError as exc:
        raise ResourceTaken(
            f"{resource.name} was just booked at that time by someone else.", field="resource"
        ) from exc
    return booking
