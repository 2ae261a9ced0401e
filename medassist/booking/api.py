"""Appointments for API clients: the day's schedule, booking and the visit lifecycle (starting
a visit opens its encounter in the chart, so that endpoint is records/api_visits.py)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from ninja import Query, Router
from ninja.responses import codes_4xx
from pydantic import BeforeValidator

from medassist.booking.schemas import (
    AppointmentDetailOut,
    AppointmentIn,
    AppointmentOut,
    CancelIn,
    RescheduleIn,
    SeriesCancelIn,
    SeriesIn,
    SeriesOut,
)
from medassist.booking.services import (
    appointment_book,
    appointment_cancel,
    appointment_no_show,
    appointment_reschedule,
    series_book,
    series_cancel,
    series_reschedule,
)
from medassist.core.errors import ValidationFailed
from medassist.patients.selectors import access_patient
from medassist.practice.roles import require
from medassist.practice.schemas import ErrorOut, as_local
from medassist.practice.selectors import access_location, access_provider, access_visit_type
from medassist.scheduling.models import Appointment, Status
from medassist.scheduling.selectors import access_appointment, clinic_today, day_schedule
from medassist.scheduling.services import TRANSITION_PERMISSION

router = Router()

ERRORS = {codes_4xx: ErrorOut}


def appointment_data(appt: Appointment, tz) -> dict:
    """The public shape of an appointment (related rows must be select_related)."""
    patient = appt.patient
    return {
        "id": appt.public_id,
        "status": appt.status,
        "status_label": appt.get_status_display(),
        "status_changed_at": as_local(appt.status_changed_at, tz),
        "start": as_local(appt.start, tz),
        "end": as_local(appt.end, tz),
        "patient": {
            "id": patient.public_id,
            "mrn": patient.mrn,
            "name": patient.display_name,
            "date_of_birth": patient.date_of_birth,
        },
        "provider": {"id": appt.provider.public_id, "name": appt.provider.display_name},
        "visit_type": {
            "id": appt.visit_type.public_id,
            "name": appt.visit_type.name,
            "code": appt.visit_type.code,
            "duration_minutes": appt.visit_type.duration_minutes,
        },
        "location": {"id": appt.location.public_id, "name": appt.location.name},
        "room": {"id": appt.room.public_id, "name": appt.room.name} if appt.room else None,
        "note": appt.note,
        "cancel_reason": appt.cancel_reason,
        "double_booked": appt.double_booked,
        "booked_online": appt.booked_online,
        "series_index": appt.series_index,
    }


def appointment_detail(appt: Appointment, tz) -> dict:
    data = appointment_data(appt, tz)
    data["history"] = [
        {
            "from_status": change.from_status,
            "to_status": change.to_status,
            "at": as_local(change.at, tz),
            "by": change.by.display_name,
            "reason": change.reason,
        }
        for change in appt.changes.select_related("by").order_by("at", "id")
    ]
    return data


def _blank_is_none(value):
    return None if value == "" else value


OptionalId = Annotated[uuid.UUID | None, BeforeValidator(_blank_is_none)]


@router.get("", response={200: list[AppointmentOut], **ERRORS})
def list_appointments(
    request,
    day: Annotated[
        date | None, Query(None, alias="date", description="Clinic-local day; default today.")
    ] = None,
    provider: Annotated[OptionalId, Query(None, description="Only this provider's visits.")] = None,
    location: Annotated[OptionalId, Query(None, description="Only this location's visits.")] = None,
):
    """One clinic-local day of the schedule, optionally for one provider or location."""
    user = request.auth
    require(user, "schedule.view")
    provider_obj = access_provider(user=user, id=provider) if provider else None
    location_obj = access_location(user=user, id=location) if location else None
    appointments = day_schedule(
        user=user,
        day=day or clinic_today(user.clinic),
        provider=provider_obj,
        location=location_obj,
    )
    return [appointment_data(a, user.clinic.tz) for a in appointments]


@router.post("", response={201: AppointmentDetailOut, **ERRORS})
def book_appointment(request, payload: AppointmentIn):
    """Book a visit, under the same rules as every other way to book. A time that overlaps the
    provider's other visits is refused with 409 `slot_taken`, a room or equipment the visit type
    needs and none is free with 409 `resource_taken`; a time outside the provider's hours with
    422 `not_open` (unless `outside_hours` with an `override_reason`, for roles allowed to); a
    provider who doesn't do this visit type with 422 `not_offered`; a past date with 422."""
    user = request.auth
    patient = access_patient(user=user, id=payload.patient, audit=False)
    provider = access_provider(user=user, id=payload.provider)
    visit_type = access_visit_type(user=user, id=payload.visit_type)
    location = access_location(user=user, id=payload.location)
    require(user, "appointment.book")
    appt = appointment_book(
        actor=user,
        patient=patient,
        provider=provider,
        visit_type=visit_type,
        location=location,
        start=payload.start,
        note=payload.note,
        double_book=payload.double_book,
        outside_hours=payload.outside_hours,
        override_reason=payload.override_reason,
    )
    return 201, appointment_detail(appt, user.clinic.tz)


@router.post("/series", response={201: SeriesOut, **ERRORS})
def book_series(request, payload: SeriesIn):
    """Book a weekly series (every `interval_weeks` weeks, `count` visits or `until` a date) at
    the same clinic-local time. All or nothing: 409 `series_conflict` lists the dates that clash."""
    user = request.auth
    require(user, "appointment.book")
    series = series_book(
        actor=user,
        patient=access_patient(user=user, id=payload.patient, audit=False),
        provider=access_provider(user=user, id=payload.provider),
        visit_type=access_visit_type(user=user, id=payload.visit_type),
        location=access_location(user=user, id=payload.location),
        first_date=payload.first_date,
        local_time=payload.local_time,
        interval_weeks=payload.interval_weeks,
        count=payload.count,
        until=payload.until,
        note=payload.note,
    )
    visits = series.appointments.select_related(
        "patient", "provider", "visit_type", "location", "room"
    ).order_by("series_index")
    tz = user.clinic.tz
    return 201, {
        "id": series.public_id,
        "interval_weeks": series.interval_weeks,
        "weekday": series.weekday,
        "local_time": series.local_time,
        "first_date": series.first_date,
        "count": series.count,
        "until": series.until,
        "appointments": [appointment_data(a, tz) for a in visits],
    }


@router.get("/{appointment_id}", response={200: AppointmentDetailOut, **ERRORS})
def get_appointment(request, appointment_id: uuid.UUID):
    """One appointment with its status history (who moved it, when)."""
    appt = access_appointment(user=request.auth, id=appointment_id)
    return appointment_detail(appt, request.auth.clinic.tz)


@router.post("/{appointment_id}/cancel", response={200: AppointmentDetailOut, **ERRORS})
def cancel_appointment(request, appointment_id: uuid.UUID, payload: CancelIn):
    user = request.auth
    appt = access_appointment(user=user, id=appointment_id, audit=False)
    require(user, TRANSITION_PERMISSION[Status.CANCELLED])
    appt = appointment_cancel(actor=user, appointment=appt, reason=payload.reason)
    return appointment_detail(appt, user.clinic.tz)


@router.post("/{appointment_id}/no-show", response={200: AppointmentDetailOut, **ERRORS})
def mark_no_show(request, appointment_id: uuid.UUID):
    """Only a visit whose start time has passed can be a no-show."""
    user = request.auth
    appt = access_appointment(user=user, id=appointment_id, audit=False)
    require(user, TRANSITION_PERMISSION[Status.NO_SHOW])
    appt = appointment_no_show(actor=user, appointment=appt)
    return appointment_detail(appt, user.clinic.tz)


@router.post("/{appointment_id}/reschedule", response={200: AppointmentDetailOut, **ERRORS})
def reschedule_appointment(request, appointment_id: uuid.UUID, payload: RescheduleIn):
    """Move a booked visit. A clash is 409 `slot_taken` (or, for a series scope, 409
    `series_conflict` listing every date that clashes). `scope` applies to visits of a series:
    `this`, `following` or `all`."""
    user = request.auth
    appt = access_appointment(user=user, id=appointment_id, audit=False)
    require(user, "appointment.reschedule")
    if payload.scope != "this" and appt.series_id is not None:
        if payload.provider or payload.location:
            raise ValidationFailed(
                "A series is moved in time only; change the provider one visit at a time.",
                field="provider",
            )
        series_reschedule(
            actor=user, appointment=appt, start=payload.start, scope=payload.scope,
            reason=payload.reason,
        )  # fmt: skip
    else:
        appointment_reschedule(
            actor=user,
            appointment=appt,
            start=payload.start,
            provider=access_provider(user=user, id=payload.provider) if payload.provider else None,
            location=access_location(user=user, id=payload.location) if payload.location else None,
            reason=payload.reason,
            double_book=payload.double_book,
            outside_hours=payload.outside_hours,
        )
    appt = access_appointment(user=user, id=appointment_id, audit=False)
    return appointment_detail(appt, user.clinic.tz)


@router.post("/{appointment_id}/cancel-series", response={200: list[AppointmentOut], **ERRORS})
def cancel_in_series(request, appointment_id: uuid.UUID, payload: SeriesCancelIn):
    """Cancel this visit, this and the following visits, or all booked visits of its series."""
    user = request.auth
    appt = access_appointment(user=user, id=appointment_id, audit=False)
    require(user, "appointment.cancel")
    series_cancel(actor=user, appointment=appt, scope=payload.scope, reason=payload.reason)
    ids = [appt.series_id] if appt.series_id else []
    qs = (
        Appointment.objects.filter(series_id__in=ids)
        if ids
        else Appointment.objects.filter(pk=appt.pk)
    )
    qs = qs.select_related("patient", "provider", "visit_type", "location", "room")
    return [appointment_data(a, user.clinic.tz) for a in qs.order_by("start")]
