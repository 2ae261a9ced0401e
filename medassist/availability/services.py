"""Writes of availability: booking an open slot with its resources, releasing resources, and the
set-up of weekly sessions, exceptions, holidays, resources and visit-type rules."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import holidays as holidays_lib
from django.db import IntegrityError, transaction
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.availability.models import (
    AvailabilityException,
    ClinicHoliday,
    Resource,
    ResourceBooking,
    ResourceKind,
    VisitTypeRule,
    WeeklySession,
)
from medassist.availability.selectors import (
    Search,
    Slot,
    _merge,
    _overlaps,
    check_patient_rule,
    patient_history,
    rule_for,
)
from medassist.core.errors import Conflict, ValidationFailed
from medassist.patients.models import Patient
from medassist.practice.models import Location, Provider, Room, VisitType
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


# ---------------------------------------------------------------------------- set-up


def _check_provider_location(actor, provider: Provider, location: Location | None) -> None:
    if provider.clinic_id != actor.clinic_id:
        raise ValidationFailed("Unknown provider.", field="provider")
    if location is not None and location.clinic_id != actor.clinic_id:
        raise ValidationFailed("Unknown location.", field="location")


def _setup_audit(actor, obj, action=AuditEvent.Action.CREATE, **detail) -> None:
    audit_record(actor=actor, action=action, obj=obj, clinic=actor.clinic, detail=detail)


@transaction.atomic
def session_add(
    *,
    actor,
    provider: Provider,
    location: Location,
    weekday: int,
    start_time: time,
    end_time: time,
    effective_from: date | None = None,
    effective_to: date | None = None,
) -> WeeklySession:
    """Add a stretch to a provider's weekly template; refuses overlap with their other
    sessions on the same weekday (in effect on a common date)."""
    require(actor, "schedule.manage")
    _check_provider_location(actor, provider, location)
    if location is None:
        raise ValidationFailed("Choose a location.", field="location")
    if weekday not in range(7):
        raise ValidationFailed("Choose a weekday.", field="weekday")
    if start_time is None or end_time is None or end_time <= start_time:
        raise ValidationFailed("The session must end after it starts.", field="end_time")
    if effective_from and effective_to and effective_to < effective_from:
        raise ValidationFailed(
            "The last day is before the first day it applies.", field="effective_to"
        )
    same_day = WeeklySession.objects.filter(provider=provider, weekday=weekday, active=True)
    for other in same_day.filter(start_time__lt=end_time, end_time__gt=start_time):
        a_from, a_to = effective_from or date.min, effective_to or date.max
        b_from, b_to = other.effective_from or date.min, other.effective_to or date.max
        if a_from <= b_to and b_from <= a_to:
            raise ValidationFailed(
                f"This overlaps the {other.start_time:%H:%M}–{other.end_time:%H:%M} session "
                f"on {other.get_weekday_display()}s.",
                field="start_time",
            )
    session = WeeklySession(
        clinic_id=actor.clinic_id,
        provider=provider,
        location=location,
        weekday=weekday,
        start_time=start_time,
        end_time=end_time,
        effective_from=effective_from,
        effective_to=effective_to,
    )
    session.stamp(actor)
    session.save()
    _setup_audit(actor, session, provider=str(provider.public_id))
    return session


def _deactivate(actor, obj, what: str):
    """Set-up rows are taken out of use, never deleted: kept inactive, for history."""
    require(actor, "schedule.manage")
    if obj.clinic_id != actor.clinic_id:
        raise ValidationFailed(f"Unknown {what}.")
    obj.active = False
    obj.stamp(actor)
    obj.save(update_fields=["active", "updated_at", "updated_by"])
    _setup_audit(actor, obj, AuditEvent.Action.UPDATE, active=False)
    return obj


@transaction.atomic
def session_remove(*, actor, session: WeeklySession) -> WeeklySession:
    """Take a session out of the template (kept, inactive, for history)."""
    return _deactivate(actor, session, "session")


@transaction.atomic
def exception_add(
    *,
    actor,
    provider: Provider,
    kind: str,
    start_date: date,
    end_date: date | None = None,
    start_time: time | None = None,
    end_time: time | None = None,
    location: Location | None = None,
    reason: str = "",
) -> AvailabilityException:
    """Time off (all day when no times are given) or an extra session (times and location)."""
    require(actor, "schedule.manage")
    _check_provider_location(actor, provider, location)
    if kind not in AvailabilityException.Kind.values:
        raise ValidationFailed("Choose time off or an extra session.", field="kind")
    if start_date is None:
        raise ValidationFailed("Choose the first date.", field="start_date")
    end_date = end_date or start_date
    if end_date < start_date:
        raise ValidationFailed("The last date is before the first date.", field="end_date")
    if (end_date - start_date).days > 366:
        raise ValidationFailed("An exception can cover at most a year.", field="end_date")
    if (start_time is None) != (end_time is None):
        raise ValidationFailed(
            "Give both a start and an end time, or neither (all day).", field="end_time"
        )
    if start_time is not None and end_time <= start_time:
        raise ValidationFailed("The end time must be after the start time.", field="end_time")
    if kind == AvailabilityException.Kind.EXTRA:
        if start_time is None:
            raise ValidationFailed("An extra session needs its hours.", field="start_time")
        if location is None:
            raise ValidationFailed("An extra session needs a location.", field="location")
    if len(reason) > 200:
        raise ValidationFailed("The reason is limited to 200 characters.", field="reason")
    exc = AvailabilityException(
        clinic_id=actor.clinic_id,
        provider=provider,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        start_time=start_time,
        end_time=end_time,
        location=location,
        reason=reason.strip(),
    )
    exc.stamp(actor)
    exc.save()
    _setup_audit(actor, exc, provider=str(provider.public_id), kind=kind)
    return exc


@transaction.atomic
def exception_remove(*, actor, exception: AvailabilityException) -> AvailabilityException:
    return _deactivate(actor, exception, "exception")


@transaction.atomic
def holidays_load(*, actor, year: int, country: str = "US") -> list[ClinicHoliday]:
    """Add the public holidays of the clinic's country and state for a year (from the
    `holidays` package). Dates already present are left alone; returns the new rows."""
    require(actor, "schedule.manage")
    if not (2000 <= year <= 2100):
        raise ValidationFailed("Choose a year between 2000 and 2100.", field="year")
    clinic = actor.clinic
    try:
        calendar = holidays_lib.country_holidays(country, subdiv=(clinic.state or None), years=year)
    except NotImplementedError:
        calendar = holidays_lib.country_holidays(country, years=year)
    existing = set(
        ClinicHoliday.objects.filter(
            clinic=clinic, date__year=year, location__isnull=True
        ).values_list("date", flat=True)
    )
    rows = []
    for day, name in sorted(calendar.items()):
        if day in existing:
            continue
        row = ClinicHoliday(
            clinic=clinic, date=day, name=name[:200], source=ClinicHoliday.Source.HOLIDAYS
        )
        row.stamp(actor)
        rows.append(row)
    ClinicHoliday.objects.bulk_create(rows)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        object_type="availability.ClinicHoliday",
        clinic=clinic,
        detail={"year": year, "loaded": len(rows)},
    )
    return rows


@transaction.atomic
def holiday_add(*, actor, day: date, name: str, location: Location | None = None) -> ClinicHoliday:
    """A manual closure of the whole clinic (or one location) on a date."""
    require(actor, "schedule.manage")
    if location is not None and location.clinic_id != actor.clinic_id:
        raise ValidationFailed("Unknown location.", field="location")
    if day is None:
        raise ValidationFailed("Choose the date.", field="date")
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("Say why the clinic is closed.", field="name")
    if len(name) > 200:
        raise ValidationFailed("The name is limited to 200 characters.", field="name")
    row = ClinicHoliday(clinic_id=actor.clinic_id, location=location, date=day, name=name)
    row.stamp(actor)
    row.save()
    _setup_audit(actor, row)
    return row


@transaction.atomic
def holiday_remove(*, actor, holiday: ClinicHoliday) -> ClinicHoliday:
    """The clinic opens after all on that date (the row is kept, inactive)."""
    return _deactivate(actor, holiday, "holiday")


# ---------------------------------------------------------------------------- resources


def _clean_name(name, *, what: str, field: str = "name") -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationFailed(f"Name the {what}.", field=field)
    if len(name) > 100:
        raise ValidationFailed(f"The {what}'s name is limited to 100 characters.", field=field)
    return name


def _check_kind_name(actor, name: str, *, exclude=None) -> None:
    same = ResourceKind.objects.filter(clinic_id=actor.clinic_id, name__iexact=name)
    if exclude is not None:
        same = same.exclude(pk=exclude.pk)
    if same.exists():
        raise ValidationFailed(f"There is already a kind called “{name}”.", field="name")


def _check_resource_name(name: str, location: Location, *, exclude=None) -> None:
    same = Resource.objects.filter(location=location, name__iexact=name)
    if exclude is not None:
        same = same.exclude(pk=exclude.pk)
    other = same.first()
    if other is not None:
        note = "" if other.active else " (out of service: put it back instead)"
        raise ValidationFailed(
            f"There is already a resource called “{other.name}” at {location.name}{note}.",
            field="name",
        )


def _check_room(actor, room: Room | None, location: Location) -> None:
    if room is None:
        return
    if room.location.clinic_id != actor.clinic_id:
        raise ValidationFailed("Unknown room.", field="room")
    if room.location_id != location.pk:
        raise ValidationFailed(
            f"{room.name} is at {room.location.name}, not at {location.name}. "
            "Choose a room at the resource's location, or none.",
            field="room",
        )


def _save_unique(obj, message: str) -> None:
    """Save; a duplicate name that raced past the check gets the same clear message."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise ValidationFailed(message, field="name") from exc


@transaction.atomic
def resource_kind_create(*, actor, name: str) -> ResourceKind:
    """A kind of room or equipment a visit may need ("procedure room", "ECG cart"); names
    are unique in the clinic (ignoring case)."""
    require(actor, "schedule.manage")
    name = _clean_name(name, what="kind")
    _check_kind_name(actor, name)
    kind = ResourceKind(clinic_id=actor.clinic_id, name=name)
    kind.stamp(actor)
    _save_unique(kind, f"There is already a kind called “{name}”.")
    _setup_audit(actor, kind, name=name)
    return kind


@transaction.atomic
def resource_kind_rename(*, actor, kind: ResourceKind, name: str) -> ResourceKind:
    require(actor, "schedule.manage")
    if kind.clinic_id != actor.clinic_id:
        raise ValidationFailed("Unknown resource kind.", field="kind")
    name = _clean_name(name, what="kind")
    if name == kind.name:
        return kind
    _check_kind_name(actor, name, exclude=kind)
    old = kind.name
    kind.name = name
    kind.stamp(actor)
    _save_unique(kind, f"There is already a kind called “{name}”.")
    _setup_audit(actor, kind, AuditEvent.Action.UPDATE, name=name, previous_name=old)
    return kind


@transaction.atomic
def resource_kind_remove(*, actor, kind: ResourceKind) -> None:
    """Remove a kind set up by mistake. Refused while a visit-type rule requires it or it
    has resources (in service, or out of service: those keep their booking history)."""
    require(actor, "schedule.manage")
    if kind.clinic_id != actor.clinic_id:
        raise ValidationFailed("Unknown resource kind.", field="kind")
    needed_by = sorted(
        VisitTypeRule.objects.filter(required_kinds=kind).values_list("visit_type__name", flat=True)
    )
    if needed_by:
        raise ValidationFailed(
            f"“{kind.name}” can't be removed: {', '.join(needed_by)} visits require it. "
            "Change those visit types' rules first.",
            field="kind",
        )
    active = kind.resources.filter(active=True).count()
    if active:
        raise ValidationFailed(
            f"“{kind.name}” can't be removed: {active} resource(s) of this kind are in "
            "service. Take them out of service first.",
            field="kind",
        )
    if kind.resources.exists():
        raise ValidationFailed(
            f"“{kind.name}” can't be removed: its out-of-service resources keep their booking "
            "history under it. No visit type requires it, so keeping it does no harm.",
            field="kind",
        )
    _setup_audit(actor, kind, AuditEvent.Action.UPDATE, removed=True, name=kind.name)
    kind.delete()


@transaction.atomic
def resource_create(
    *,
    actor,
    kind: ResourceKind,
    location: Location,
    name: str,
    room: Room | None = None,
) -> Resource:
    """One bookable room or piece of equipment at a location; a room resource names the
    practice room it is (at the same location). Names are unique per location."""
    require(actor, "schedule.manage")
    if kind is None or kind.clinic_id != actor.clinic_id:
        raise ValidationFailed("Choose a kind.", field="kind")
    if location is None or location.clinic_id != actor.clinic_id:
        raise ValidationFailed("Choose a location.", field="location")
    name = _clean_name(name, what="resource")
    _check_room(actor, room, location)
    _check_resource_name(name, location)
    resource = Resource(
        clinic_id=actor.clinic_id, kind=kind, location=location, room=room, name=name
    )
    resource.stamp(actor)
    _save_unique(resource, f"There is already a resource called “{name}” at {location.name}.")
    _setup_audit(
        actor,
        resource,
        name=name,
        kind=str(kind.public_id),
        location=str(location.public_id),
        room=str(room.public_id) if room else None,
    )
    return resource


@transaction.atomic
def resource_update(*, actor, resource: Resource, name: str, room: Room | None) -> Resource:
    """Rename a resource and set (or clear) the room it is; it stays at its location."""
    require(actor, "schedule.manage")
    if resource.clinic_id != actor.clinic_id:
        raise ValidationFailed("Unknown resource.", field="resource")
    name = _clean_name(name, what="resource")
    _check_room(actor, room, resource.location)
    _check_resource_name(name, resource.location, exclude=resource)
    changes = {}
    if name != resource.name:
        changes.update(name=name, previous_name=resource.name)
    if (room.pk if room else None) != resource.room_id:
        changes["room"] = str(room.public_id) if room else None
    if not changes:
        return resource
    resource.name = name
    resource.room = room
    resource.stamp(actor)
    _save_unique(
        resource, f"There is already a resource called “{name}” at {resource.location.name}."
    )
    _setup_audit(actor, resource, AuditEvent.Action.UPDATE, **changes)
    return resource


@transaction.atomic
def resource_set_active(*, actor, resource: Resource, active: bool) -> Resource:
    """Take a resource out of service (kept, inactive: no new visit gets it) or put it back.
    Visits already holding it keep it; the caller may tell the user how many are coming up."""
    require(actor, "schedule.manage")
    if resource.clinic_id != actor.clinic_id:
        raise ValidationFailed("Unknown resource.", field="resource")
    if resource.active == active:
        return resource
    if not active:
        return _deactivate(actor, resource, "resource")
    resource.active = True
    resource.stamp(actor)
    resource.save(update_fields=["active", "updated_at", "updated_by"])
    _setup_audit(actor, resource, AuditEvent.Action.UPDATE, active=True)
    return resource


# ---------------------------------------------------------------------------- visit-type rules


@transaction.atomic
def visit_type_rule_save(
    *,
    actor,
    visit_type: VisitType,
    providers=(),
    patients: str = VisitTypeRule.Patients.ANY,
    required_kinds=(),
) -> VisitTypeRule:
    """Set who offers a visit type (none: every provider), for which patients, and the
    resource kinds it needs; creates the rule when the visit type has none yet."""
    require(actor, "schedule.manage")
    if visit_type is None or visit_type.clinic_id != actor.clinic_id:
        raise ValidationFailed("Unknown visit type.", field="visit_type")
    providers, required_kinds = list(providers or ()), list(required_kinds or ())
    if any(p.clinic_id != actor.clinic_id for p in providers):
        raise ValidationFailed("There is no such provider in this clinic.", field="providers")
    if any(k.clinic_id != actor.clinic_id for k in required_kinds):
        raise ValidationFailed(
            "There is no such resource kind in this clinic.", field="required_kinds"
        )
    if patients not in VisitTypeRule.Patients.values:
        raise ValidationFailed(
            "Choose new patients, established patients, or both.", field="patients"
        )
    rule = VisitTypeRule.objects.select_for_update().filter(visit_type=visit_type).first()
    created = rule is None
    if created:
        rule = VisitTypeRule(clinic_id=actor.clinic_id, visit_type=visit_type)
        before = None
    else:
        before = {
            "providers": sorted(str(p) for p in rule.providers.values_list("public_id", flat=True)),
            "patients": rule.patients,
            "required_kinds": sorted(
                str(k) for k in rule.required_kinds.values_list("public_id", flat=True)
            ),
        }
    rule.patients = patients
    rule.stamp(actor)
    try:
        with transaction.atomic():
            rule.save()
    except IntegrityError as exc:  # another admin created it a moment ago
        raise Conflict(
            f"Someone else just saved the rule for {visit_type.name}. Reload and try again.",
            field="visit_type",
        ) from exc
    rule.providers.set(providers)
    rule.required_kinds.set(required_kinds)
    after = {
        "providers": sorted(str(p.public_id) for p in providers),
        "patients": patients,
        "required_kinds": sorted(str(k.public_id) for k in required_kinds),
    }
    if after != before:
        action = AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE
        _setup_audit(
            actor, rule, action, visit_type=str(visit_type.public_id), before=before, **after
        )
    return rule
