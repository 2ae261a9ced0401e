"""Where a visit fits: the provider's hours, the visit type's rules and the rooms and equipment
it needs, checked for `medassist.booking` (the one way to book); holding, releasing and moving
those resources with the visit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.availability.errors import NotOffered, NotOpen, ResourceTaken
from medassist.availability.models import (
    Resource,
    ResourceBooking,
)
from medassist.availability.selectors import (
    check_patient_rule,
    check_provider_age,
    check_visit_type_age,
    patient_history,
    rule_for,
)
from medassist.availability.selectors.engine import Search, _merge, _overlaps
from medassist.core.errors import ValidationFailed
from medassist.patients.models import Patient
from medassist.practice.models import Location, Provider, User, VisitType
from medassist.practice.roles import require, staff_clinic
from medassist.scheduling.models import ACTIVE_STATUSES, Appointment

# ---------------------------------------------------------------------------- placing a visit


@dataclass
class Placement:
    """Where a visit at a time fits: its location, whether that is inside the provider's hours,
    and the free resources picked for it (one of each kind its visit type needs)."""

    location: Location
    in_hours: bool
    resources: tuple[Resource, ...]


def visit_placement(
    *,
    actor: User,
    patient: Patient | None,
    provider: Provider,
    visit_type: VisitType,
    start: datetime,
    location: Location | None = None,
    outside_hours: bool = False,
    pick_resources: bool = True,
    prefer: Location | None = None,
) -> Placement:
    """Check a visit against the provider's hours (template, exceptions, holidays) and the visit
    type's rule (which providers, new or established patients, ages, required resource kinds),
    the provider's ages, and pick free resources, under locks, inside the caller's transaction.

    NotOpen: outside the hours, unless `outside_hours` (the caller checked the permission).
    NotOffered: the provider does not do this visit type. OutsideAge: the patient's age on
    the visit's day is outside the visit type's or the provider's. ResourceTaken (409): no
    free room or equipment of a needed kind. Without a location, the one the provider works
    at then is taken (`prefer` first, e.g. where a visit being moved already is). The caller
    holds the provider's lock."""
    clinic = staff_clinic(actor)
    rule = rule_for(visit_type)
    allowed = {p.pk for p in rule.providers.all()} if rule is not None else set()
    if allowed and provider.pk not in allowed:
        raise NotOffered(
            f"{provider.display_name} does not offer {visit_type.name} visits.", field="provider"
        )
    if patient is not None:
        established, _usual = patient_history(clinic=clinic, patient=patient)
        check_patient_rule(rule, visit_type, patient, established)
    local = start.astimezone(clinic.tz)
    day = local.date()
    check_visit_type_age(rule, visit_type, patient, day)
    check_provider_age(provider, patient, day)
    kinds = [k.pk for k in rule.required_kinds.all()] if rule is not None else []
    search = Search.load(
        clinic=clinic,
        duration_minutes=visit_type.duration_minutes,
        providers=[provider],
        location=location,
        required_kinds=kinds if pick_resources else [],
        date_from=day,
        date_to=day,
    )
    s = int(start.timestamp())
    e = s + visit_type.duration_minutes * 60
    inside = [loc for a, b, loc, _ in search.open_intervals(provider.pk, day) if a <= s and e <= b]
    if not inside and not outside_hours:
        raise NotOpen(
            f"{provider.display_name} is not seeing patients at {local:%H:%M} on "
            f"{local:%a %b %d} (outside their hours, time off or a clinic holiday). "
            "Choose one of the open slots.",
            field="start",
        )
    if inside and location is None:
        location = prefer if prefer is not None and prefer.pk in inside else None
        location = location or search.locations[inside[0]]
    location = location or prefer
    if location is None:
        raise ValidationFailed("Choose the location of the visit.", field="location")
    picked: tuple[Resource, ...] = ()
    if kinds and pick_resources:
        picked = _pick_free(search, location, start, s, e, local)
    return Placement(location=location, in_hours=bool(inside), resources=picked)


def _pick_free(search: Search, location: Location, start, s: int, e: int, local):
    """Lock the candidate resources, then pick free ones (SQLite: under the write lock)."""
    candidates = [r.pk for rows in search.resources.values() for r in rows]
    list(Resource.objects.select_for_update().filter(pk__in=candidates).order_by("pk"))
    end = start + timedelta(seconds=e - s)
    _release_stale(resource_ids=candidates, start=start, end=end)
    day = local.date()
    busy = search.resource_busy(day, day)
    picked = search.free_resources(location.pk, s, e, busy)
    if picked is None:
        missing = _missing_kind_names(search, location.pk, s, e, busy)
        raise ResourceTaken(
            f"No {missing} is free at {local:%H:%M} on {local:%a %b %d}. Choose another slot.",
            field="start",
        )
    return picked


def resources_hold(
    *, actor: User, appointment: Appointment, resources: tuple[Resource, ...]
) -> None:
    """Hold the picked resources for a just-booked visit, in the booking's transaction."""
    for resource in resources:
        booking = ResourceBooking(
            clinic_id=appointment.clinic_id,
            appointment=appointment,
            resource=resource,
            start=appointment.start,
            end=appointment.end,
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
    if resources:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=appointment,
            patient=appointment.patient,
            detail={"resources": [str(r.public_id) for r in resources]},
        )


def resources_complete(*, actor: User, appointment: Appointment) -> list[ResourceBooking]:
    """After a move: hold a free resource of each kind the visit type needs that the visit
    does not hold yet (e.g. booked before the rule said so). ResourceTaken when none is free."""
    rule = rule_for(appointment.visit_type)
    if rule is None:
        return []
    held = set(
        ResourceBooking.objects.filter(appointment=appointment, active=True).values_list(
            "resource__kind_id", flat=True
        )
    )
    added = []
    for kind in rule.required_kinds.all():
        if kind.pk in held:
            continue
        for candidate in Resource.objects.filter(
            clinic_id=appointment.clinic_id,
            kind=kind,
            location_id=appointment.location_id,
            active=True,
        ).order_by("name"):
            try:
                with transaction.atomic():
                    added.append(
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
                f"No {kind.name} is free at {local:%H:%M} on {local:%a %b %d}, and this visit "
                "needs one. Choose another time.",
                field="start",
            )
    return added


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


def resources_release(*, appointment: Appointment, actor: User | None = None) -> int:
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


def resources_follow_move(*, actor: User, appointment: Appointment) -> list[ResourceBooking]:
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


def resource_visits_reassign(*, actor: User, resource: Resource, now=None) -> Reassigned:
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
    *, actor: User, appointment: Appointment, resource: Resource, start=None, end=None
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
