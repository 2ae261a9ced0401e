"""Set-up writes (clinic admins): weekly sessions, exceptions, holidays, resources and
visit-type rules."""

from __future__ import annotations

from datetime import date, time

import holidays as holidays_lib
from django.db import IntegrityError, transaction

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.availability.models import (
    AvailabilityException,
    ClinicHoliday,
    Resource,
    ResourceKind,
    VisitTypeRule,
    WeeklySession,
)
from medassist.availability.services.booking import Reassigned, resource_visits_reassign
from medassist.core.errors import Conflict, ValidationFailed
from medassist.practice.models import Location, Provider, Room, VisitType
from medassist.practice.roles import require

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
    if start_time is not None and end_time is not None and end_time <= start_time:
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
    changes: dict[str, object] = {}
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
def resource_take_out_of_service(*, actor, resource: Resource) -> Reassigned:
    """Take a resource out of service (kept, inactive: no new visit gets it). The upcoming
    visits that hold it get another free one of its kind at their location; those for which
    none is free keep it and are returned, for the desk to move."""
    require(actor, "schedule.manage")
    if resource.clinic_id != actor.clinic_id:
        raise ValidationFailed("Unknown resource.", field="resource")
    if not resource.active:
        return Reassigned(moved=0, stuck=[])
    _deactivate(actor, resource, "resource")
    return resource_visits_reassign(actor=actor, resource=resource)


@transaction.atomic
def resource_set_active(*, actor, resource: Resource, active: bool) -> Resource:
    """Put a resource back in service, or take it out (`resource_take_out_of_service`)."""
    if not active:
        resource_take_out_of_service(actor=actor, resource=resource)
        return resource
    require(actor, "schedule.manage")
    if resource.clinic_id != actor.clinic_id:
        raise ValidationFailed("Unknown resource.", field="resource")
    if resource.active:
        return resource
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
    found = VisitTypeRule.objects.select_for_update().filter(visit_type=visit_type).first()
    created = found is None
    rule = found or VisitTypeRule(clinic_id=actor.clinic_id, visit_type=visit_type)
    if created:
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
