"""Set-up writes (clinic admins): weekly sessions, exceptions and holidays. Resources and
visit-type rules: `resources.py`."""

from __future__ import annotations

from datetime import date, time

import holidays as holidays_lib
from django.db import transaction

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.availability.models import (
    AvailabilityException,
    ClinicHoliday,
    WeeklySession,
)
from medassist.core.errors import ValidationFailed
from medassist.practice.models import Location, Provider
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
def session_change(
    *,
    actor,
    session: WeeklySession,
    location: Location,
    weekday: int,
    start_time: time,
    end_time: time,
    effective_from: date | None = None,
    effective_to: date | None = None,
) -> WeeklySession:
    """Change a session's day, hours, location or dates: the old row is kept, inactive, for
    history, and the changed session takes its place (with every check `session_add` makes),
    in one transaction, so a refused change leaves the old session as it was."""
    if not session.active:
        raise ValidationFailed("This session was removed; add a new one instead.")
    _deactivate(actor, session, "session")
    return session_add(
        actor=actor,
        provider=session.provider,
        location=location,
        weekday=weekday,
        start_time=start_time,
        end_time=end_time,
        effective_from=effective_from,
        effective_to=effective_to,
    )


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
