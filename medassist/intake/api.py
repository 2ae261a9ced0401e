"""Rooming and vital signs for API clients, and the physician's worklist."""

from __future__ import annotations

import uuid

from django.db.models import Prefetch, prefetch_related_objects
from ninja import Router
from ninja.responses import codes_4xx

from medassist.booking.api import appointment_data
from medassist.intake.models import Rooming, Vitals
from medassist.intake.schemas import RoomIn, RoomingOut, VitalsIn, VitalsOut, WorklistItemOut
from medassist.intake.services import rooming_complete, vitals_record
from medassist.practice.roles import require
from medassist.practice.schemas import ErrorOut, as_local
from medassist.practice.selectors import access_room
from medassist.scheduling.selectors import access_appointment, physician_worklist

router = Router()

ERRORS = {codes_4xx: ErrorOut}


def _float(value):
    return None if value is None else float(value)


def vitals_data(vitals: Vitals, tz, *, appointment_id=None) -> dict:
    """The public shape of a set of vitals (recorded_by must be select_related)."""
    return {
        "id": vitals.public_id,
        "appointment": appointment_id,
        "taken_at": as_local(vitals.taken_at, tz),
        "recorded_by": vitals.recorded_by.display_name,
        "bp_systolic": vitals.bp_systolic,
        "bp_diastolic": vitals.bp_diastolic,
        "pulse": vitals.pulse,
        "respiratory_rate": vitals.respiratory_rate,
        "temperature_c": _float(vitals.temperature_c),
        "temperature_f": vitals.temperature_f,
        "spo2": vitals.spo2,
        "height_cm": _float(vitals.height_cm),
        "weight_kg": _float(vitals.weight_kg),
        "bmi": _float(vitals.bmi),
        "pain": vitals.pain,
        "head_circumference_cm": _float(vitals.head_circumference_cm),
        "flags": vitals.flags,
        "entered_in_error": vitals.entered_in_error,
    }


def _readings(payload: VitalsIn | None) -> dict:
    """Only the readings sent (plus their units) go to the service."""
    return payload.model_dump(exclude_none=True) if payload is not None else {}


@router.get("/worklist", response={200: list[WorklistItemOut], **ERRORS})
def worklist(request):
    """The calling physician's visits today, with the reason for visit and latest vitals."""
    user = request.auth
    appointments = physician_worklist(user=user)
    prefetch_related_objects(
        appointments,
        "rooming",
        Prefetch(
            "vitals",
            queryset=Vitals.objects.filter(entered_in_error=False)
            .select_related("recorded_by")
            .order_by("-taken_at"),
        ),
    )
    tz = user.clinic.tz
    items = []
    for appt in appointments:
        rooming: Rooming | None = getattr(appt, "rooming", None)
        latest = next(iter(appt.vitals.all()), None)
        items.append(
            {
                **appointment_data(appt, tz),
                "reason_for_visit": rooming.reason_for_visit if rooming else "",
                "latest_vitals": (
                    vitals_data(latest, tz, appointment_id=appt.public_id) if latest else None
                ),
            }
        )
    return items


@router.post("/{appointment_id}/room", response={200: RoomingOut, **ERRORS})
def room_patient(request, appointment_id: uuid.UUID, payload: RoomIn):
    """Put an arrived patient in a room with the reason for visit and, optionally, vitals."""
    user = request.auth
    appt = access_appointment(user=user, id=appointment_id, audit=False)
    room = access_room(user=user, id=payload.room)
    require(user, "appointment.room")
    readings = _readings(payload.vitals)
    rooming = rooming_complete(
        actor=user,
        appointment=appt,
        room=room,
        reason_for_visit=payload.reason_for_visit,
        vitals=readings or None,
    )
    tz = user.clinic.tz
    latest = (
        Vitals.objects.filter(appointment=appt).select_related("recorded_by").order_by("-taken_at")
    ).first()
    return {
        "id": rooming.public_id,
        "appointment": appointment_data(appt, tz),
        "room": {"id": room.public_id, "name": room.name},
        "reason_for_visit": rooming.reason_for_visit,
        "roomed_by": user.display_name,
        "roomed_at": as_local(rooming.roomed_at, tz),
        "vitals": vitals_data(latest, tz, appointment_id=appt.public_id) if latest else None,
    }


@router.post("/{appointment_id}/vitals", response={201: VitalsOut, **ERRORS})
def record_vitals(request, appointment_id: uuid.UUID, payload: VitalsIn):
    """Record a set of vitals for a patient who is in the clinic."""
    user = request.auth
    appt = access_appointment(user=user, id=appointment_id, audit=False)
    require(user, "vitals.record")
    vitals = vitals_record(actor=user, appointment=appt, **_readings(payload))
    return 201, vitals_data(vitals, user.clinic.tz, appointment_id=appt.public_id)


@router.get("/{appointment_id}/vitals", response={200: list[VitalsOut], **ERRORS})
def list_vitals(request, appointment_id: uuid.UUID):
    """Every set of vitals taken at this visit, newest first (entered-in-error ones marked)."""
    user = request.auth
    appt = access_appointment(user=user, id=appointment_id)
    require(user, "vitals.view")
    rows = Vitals.objects.filter(appointment=appt).select_related("recorded_by")
    return [
        vitals_data(v, user.clinic.tz, appointment_id=appt.public_id)
        for v in rows.order_by("-taken_at", "-id")
    ]
