"""Reads of rooming and vital signs. Callers fetch the appointment with
scheduling.selectors.access_appointment (scoped and audited) before reading its details here."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, QuerySet

from medassist.intake.models import Rooming, Vitals
from medassist.practice.models import Location, Room
from medassist.practice.roles import require
from medassist.scheduling.models import Appointment, Status

OCCUPYING_STATUSES = (Status.ROOMED, Status.WITH_PROVIDER)


def free_rooms(*, user, location: Location) -> QuerySet[Room]:
    """Active rooms of a location with nobody in them (no visit roomed or with the provider)."""
    require(user, "schedule.view")
    busy = Appointment.objects.filter(room=OuterRef("pk"), status__in=OCCUPYING_STATUSES)
    return (
        Room.objects.filter(location=location, location__clinic_id=user.clinic_id, active=True)
        .annotate(busy=Exists(busy))
        .filter(busy=False)
        .order_by("name")
    )


def rooming_for(*, appointment: Appointment) -> Rooming | None:
    return (
        Rooming.objects.filter(appointment=appointment).select_related("room", "roomed_by").first()
    )


def roomings_by_appointment(*, appointment_ids: Iterable[int]) -> dict[int, Rooming]:
    rows = Rooming.objects.filter(appointment_id__in=list(appointment_ids)).select_related("room")
    return {r.appointment_id: r for r in rows}


def visit_vitals(*, appointment: Appointment) -> list[Vitals]:
    """Every set of vitals of a visit, newest first (entered-in-error ones included, marked)."""
    return list(
        Vitals.objects.filter(appointment=appointment)
        .select_related("recorded_by")
        .order_by("-taken_at", "-id")
    )


def latest_vitals_by_appointment(*, appointment_ids: Iterable[int]) -> dict[int, Vitals]:
    """The newest valid set of vitals of each visit, in one query."""
    latest: dict[int, Vitals] = {}
    rows = Vitals.objects.filter(
        appointment_id__in=list(appointment_ids), entered_in_error=False
    ).order_by("appointment_id", "-taken_at", "-id")
    for vitals in rows:
        if vitals.appointment_id is not None:
            latest.setdefault(vitals.appointment_id, vitals)
    return latest
