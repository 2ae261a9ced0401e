"""Recurring series (e.g. weekly physical therapy × 8), stored as rows, with "this one /
this and following / all" edits. Each visit goes through the one-visit steps of
`booking.services.visits`, so a series keeps to the provider's hours and the visit type's
rules and resources like any single visit."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from medassist.availability.errors import NotOffered, NotOpen, ResourceTaken
from medassist.availability.services import visit_placement
from medassist.booking.errors import SeriesConflict
from medassist.booking.services.visits import (
    Overrides,
    appointment_book,
    appointment_cancel,
    visit_move,
)
from medassist.core.errors import ValidationFailed
from medassist.patients.models import Patient
from medassist.practice.models import Location, Provider, User, VisitType
from medassist.practice.roles import require, staff_clinic
from medassist.scheduling.models import (
    Appointment,
    AppointmentSeries,
    Status,
)
from medassist.scheduling.services import (
    check_same_clinic,
    check_start,
    local_time_exists,
    lock_providers,
    locked_booked,
    overlapping,
)

# ---------------------------------------------------------------------------- recurring series

MAX_SERIES_VISITS = 104
SERIES_SCOPES = ("this", "following", "all")


def series_dates(
    *, first_date: date, interval_weeks: int, count: int | None, until: date | None
) -> list[date]:
    """The dates of a weekly series: first_date, then every interval_weeks weeks."""
    if interval_weeks < 1 or interval_weeks > 52:
        raise ValidationFailed("Repeat every 1 to 52 weeks.", field="interval_weeks")
    if (count is None) == (until is None):
        raise ValidationFailed(
            "Give either how many visits or the date the series ends (one of the two).",
            field="count",
        )
    if count is not None and not 1 <= count <= MAX_SERIES_VISITS:
        raise ValidationFailed(f"A series has 1 to {MAX_SERIES_VISITS} visits.", field="count")
    if until is not None and until < first_date:
        raise ValidationFailed("The series must end on or after its first date.", field="until")
    dates: list[date] = []
    step = timedelta(weeks=interval_weeks)
    day = first_date
    while (count is None or len(dates) < count) and (until is None or day <= until):
        dates.append(day)
        if len(dates) > MAX_SERIES_VISITS:
            raise ValidationFailed(
                f"A series has at most {MAX_SERIES_VISITS} visits; choose an earlier end date.",
                field="until",
            )
        day += step
    return dates


def _series_conflict(conflicts: list[str]) -> SeriesConflict:
    listed = "; ".join(conflicts)
    return SeriesConflict(
        f"{len(conflicts)} of the dates cannot be booked, so nothing was booked: {listed}.",
        field="start",
        extra={"conflicts": conflicts},
    )


@transaction.atomic
def series_book(
    *,
    actor: User,
    patient: Patient,
    provider: Provider,
    visit_type: VisitType,
    location: Location,
    first_date: date,
    local_time: time,
    interval_weeks: int = 1,
    count: int | None = None,
    until: date | None = None,
    note: str = "",
) -> AppointmentSeries:
    """Book a weekly series: every visit or none. A refusal lists exactly which dates clash.
    The clinic-local wall-clock time is kept on every date, across DST changes."""
    require(actor, "appointment.book")
    check_same_clinic(actor, patient=patient, provider=provider, visit_type=visit_type)
    check_same_clinic(actor, location=location)
    tz = staff_clinic(actor).tz
    dates = series_dates(
        first_date=first_date, interval_weeks=interval_weeks, count=count, until=until
    )
    check_start(actor, datetime.combine(first_date, local_time, tzinfo=tz))
    length = timedelta(minutes=visit_type.duration_minutes)
    lock_providers(provider)
    conflicts: list[str] = []
    starts: list[datetime] = []
    for day in dates:
        start = datetime.combine(day, local_time, tzinfo=tz)
        if not local_time_exists(start):
            conflicts.append(f"{day:%a %b %d, %Y} ({local_time:%H:%M} does not exist that day)")
            continue
        clash = overlapping(provider=provider, start=start, end=start + length).first()
        if clash is not None:
            at = clash.start.astimezone(tz)
            conflicts.append(f"{day:%a %b %d, %Y} (taken at {at:%H:%M})")
        else:
            refused = _refusal(
                actor,
                patient=patient,
                provider=provider,
                visit_type=visit_type,
                start=start,
                location=location,
            )
            if refused:
                conflicts.append(f"{day:%a %b %d, %Y} ({refused})")
        starts.append(start)
    if conflicts:
        raise _series_conflict(conflicts)
    series = AppointmentSeries(
        clinic_id=staff_clinic(actor).pk,
        patient=patient,
        provider=provider,
        location=location,
        visit_type=visit_type,
        interval_weeks=interval_weeks,
        weekday=first_date.weekday(),
        local_time=local_time,
        first_date=first_date,
        count=count,
        until=until,
        note=note.strip()[:500],
    )
    series.stamp(actor)
    series.save()
    for index, start in enumerate(starts, start=1):
        appointment_book(
            actor=actor,
            patient=patient,
            provider=provider,
            visit_type=visit_type,
            location=location,
            start=start,
            note=note,
            series=series,
            series_index=index,
        )
    return series


def _refusal(actor: User, *, patient, provider, visit_type, start, location, pick=True) -> str:
    """Why one date of a series can't take the visit (hours, rule, resources), or ""."""
    try:
        with transaction.atomic():
            visit_placement(
                actor=actor,
                patient=patient,
                provider=provider,
                visit_type=visit_type,
                start=start,
                location=location,
                pick_resources=pick,
            )
    except NotOpen:
        return f"outside {provider.display_name}'s hours"
    except NotOffered:
        return f"{provider.display_name} does not offer {visit_type.name}"
    except ResourceTaken:
        return "no room or equipment it needs is free"
    return ""


def _in_scope(appointment: Appointment, scope: str):
    if scope not in SERIES_SCOPES:
        raise ValidationFailed(
            "Choose this visit, this and following visits, or all visits.", field="scope"
        )
    if scope == "this" or appointment.series_id is None:
        return [appointment.pk]
    qs = Appointment.objects.filter(series_id=appointment.series_id, status=Status.BOOKED)
    if scope == "following":
        qs = qs.filter(series_index__gte=appointment.series_index)
    return list(qs.order_by("series_index").values_list("pk", flat=True))


@transaction.atomic
def series_reschedule(
    *,
    actor: User,
    appointment: Appointment,
    start: datetime,
    scope: str = "this",
    reason: str = "",
) -> list[Appointment]:
    """Move one visit of a series, this and the following ones, or all (still booked) ones by
    the same shift: the same number of days and the new clinic-local time of day."""
    require(actor, "appointment.reschedule")
    if appointment.clinic_id != actor.clinic_id:
        raise ValidationFailed("Unknown appointment.")
    check_start(actor, start)
    ids = _in_scope(appointment, scope)
    tz = staff_clinic(actor).tz
    lock_providers(appointment.provider)
    # The chosen visit itself must still be booked (raises otherwise).
    locked_booked(actor, appointment)
    visits = list(
        Appointment.objects.select_for_update()
        .filter(pk__in=ids, status=Status.BOOKED)
        .order_by("start")
    )
    old_local = appointment.start.astimezone(tz)
    new_local = start.astimezone(tz)
    day_shift = new_local.date() - old_local.date()
    new_time = new_local.time().replace(tzinfo=None)
    targets: list[tuple[Appointment, datetime]] = []
    conflicts: list[str] = []
    today = timezone.localdate(timezone=tz)
    for visit in visits:
        day = visit.start.astimezone(tz).date() + day_shift
        target = datetime.combine(day, new_time, tzinfo=tz)
        if not local_time_exists(target):
            conflicts.append(f"{day:%a %b %d, %Y} ({new_time:%H:%M} does not exist that day)")
            continue
        if day < today:
            conflicts.append(f"{day:%a %b %d, %Y} (in the past)")
            continue
        end = target + (visit.end - visit.start)
        clash = overlapping(provider=visit.provider, start=target, end=end, exclude_id=ids).first()
        if clash is not None:
            conflicts.append(f"{day:%a %b %d, %Y} (taken at {clash.start.astimezone(tz):%H:%M})")
        elif refused := _refusal(
            actor,
            patient=None,
            provider=visit.provider,
            visit_type=visit.visit_type,
            start=target,
            location=visit.location,
            pick=False,
        ):
            conflicts.append(f"{day:%a %b %d, %Y} ({refused})")
        targets.append((visit, target))
    if conflicts:
        raise _series_conflict(conflicts)
    # Move in the direction of the shift so no visit lands on a sibling's old time first.
    later = start > appointment.start
    targets.sort(key=lambda pair: pair[0].start, reverse=later)
    moved = []
    for visit, target in targets:
        if target == visit.start:
            continue
        moved.append(
            visit_move(
                actor=actor,
                visit=visit,
                start=target,
                provider=visit.provider,
                location=visit.location,
                chosen=Overrides(reason=reason.strip()[:500]),
                moving_ids=ids,
            )
        )
    if scope == "all" and appointment.series_id is not None:
        series = AppointmentSeries.objects.get(pk=appointment.series_id)
        series.local_time = new_time
        series.weekday = (series.first_date + day_shift).weekday()
        series.first_date = series.first_date + day_shift
        series.stamp(actor)
        series.save(update_fields=["local_time", "weekday", "first_date", "updated_at"])
    return sorted(moved, key=lambda a: a.start)


@transaction.atomic
def series_cancel(
    *, actor: User, appointment: Appointment, scope: str = "this", reason: str
) -> list[Appointment]:
    """Cancel one visit of a series, this and the following ones, or all still booked ones."""
    require(actor, "appointment.cancel")
    if not reason.strip():
        raise ValidationFailed("Give a reason for cancelling.", field="reason")
    if appointment.clinic_id != actor.clinic_id:
        raise ValidationFailed("Unknown appointment.")
    ids = _in_scope(appointment, scope)
    if appointment.pk not in ids:
        locked_booked(actor, appointment)
    cancelled = []
    for visit in Appointment.objects.filter(pk__in=ids).select_related("patient"):
        cancelled.append(appointment_cancel(actor=actor, appointment=visit, reason=reason))
    return cancelled
