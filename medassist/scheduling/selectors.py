"""Reads of the schedule. Lists of appointments audit each patient they show."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_patients_listed, audit_record
from medassist.core.access import get_scoped
from medassist.core.clock import clinic_today
from medassist.practice.roles import require
from medassist.scheduling.models import IN_CLINIC_STATUSES, Appointment, Status

_RELATED = ("patient", "provider", "visit_type", "location", "room")

# The physician's worklist: ready to be seen first, then in progress, then still to come, then done.
WORKLIST_ORDER: dict[str, int] = {
    Status.ROOMED: 0,
    Status.WITH_PROVIDER: 1,
    Status.ARRIVED: 2,
    Status.BOOKED: 3,
    Status.CHECKED_OUT: 4,
}


def clinic_day_bounds(clinic, day: date) -> tuple[datetime, datetime]:
    """UTC instants of a clinic-local day's midnight to next midnight (DST-correct)."""
    tz = clinic.tz
    start = datetime.combine(day, time.min, tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
    return start, end


def access_appointment(*, user, id, audit: bool = True) -> Appointment:
    require(user, "schedule.view")
    appt = get_scoped(
        Appointment.objects.select_related(*_RELATED),
        public_id=id,
        what="appointment",
        clinic_id=user.clinic_id,
    )
    if audit:
        audit_record(actor=user, action=AuditEvent.Action.READ, obj=appt, patient=appt.patient)
    return appt


def appointments_listed(user, appointments: list[Appointment], view: str) -> list[Appointment]:
    audit_patients_listed(
        actor=user,
        patients={a.patient_id: a.patient for a in appointments}.values(),
        object_type="scheduling.Appointment",
        detail={"view": view},
    )
    return appointments


def appointments_between(*, user, start: datetime, end: datetime) -> QuerySet[Appointment]:
    return (
        Appointment.objects.filter(clinic_id=user.clinic_id, start__gte=start, start__lt=end)
        .select_related(*_RELATED)
        .order_by("start", "provider__last_name")
    )


def day_schedule(*, user, day: date, provider=None, location=None) -> list[Appointment]:
    require(user, "schedule.view")
    start, end = clinic_day_bounds(user.clinic, day)
    qs = appointments_between(user=user, start=start, end=end)
    if provider is not None:
        qs = qs.filter(provider=provider)
    if location is not None:
        qs = qs.filter(location=location)
    return appointments_listed(user, list(qs), "day_schedule")


def calendar_appointments(
    *, user, start: datetime, end: datetime, provider=None, room=None
) -> list[Appointment]:
    """Every visit that starts in [start, end) for one provider or one room (or the whole
    clinic), in one query with its related rows."""
    require(user, "schedule.view")
    qs = appointments_between(user=user, start=start, end=end)
    if provider is not None:
        qs = qs.filter(provider=provider)
    if room is not None:
        qs = qs.filter(room=room)
    return appointments_listed(user, list(qs), "calendar")


def flow_board(*, user, day: date | None = None) -> list[Appointment]:
    """Today's visits still in front of the clinic: booked, arrived, roomed, with provider."""
    require(user, "board.view")
    start, end = clinic_day_bounds(user.clinic, day or clinic_today(user.clinic))
    qs = appointments_between(user=user, start=start, end=end).filter(
        status__in=IN_CLINIC_STATUSES | {Status.BOOKED}
    )
    return appointments_listed(user, list(qs), "flow_board")


def physician_worklist(*, user, day: date | None = None) -> list[Appointment]:
    """The logged-in physician's visits today, those ready to be seen first."""
    require(user, "worklist.view")
    provider = getattr(user, "provider", None)
    if provider is None:
        return []
    start, end = clinic_day_bounds(user.clinic, day or clinic_today(user.clinic))
    qs = appointments_between(user=user, start=start, end=end).filter(provider=provider)
    visits = sorted(qs, key=lambda a: (WORKLIST_ORDER.get(a.status, len(WORKLIST_ORDER)), a.start))
    return appointments_listed(user, visits, "worklist")


def patient_appointments(*, user, patient, limit: int = 20) -> list[Appointment]:
    require(user, "schedule.view")
    qs = (
        Appointment.objects.filter(clinic_id=user.clinic_id, patient=patient)
        .select_related(*_RELATED)
        .order_by("-start")[:limit]
    )
    return list(qs)


def minutes_in_status(appointment: Appointment, now: datetime | None = None) -> int:
    now = now or timezone.now()
    return max(0, int((now - appointment.status_changed_at).total_seconds() // 60))
