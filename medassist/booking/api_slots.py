"""Booking a found slot over the API (`POST /api/availability/book`, next to the search at
`GET /api/availability/slots`): the same one booking service as every other path."""

from __future__ import annotations

from django.urls import reverse
from ninja import Router
from ninja.responses import codes_4xx

from medassist.availability.api import ref_of
from medassist.availability.schemas import BookedOut, BookIn
from medassist.availability.selectors import resource_bookings_for
from medassist.booking.services import appointment_book
from medassist.patients.selectors import access_patient
from medassist.practice.roles import require
from medassist.practice.schemas import ErrorOut, as_local
from medassist.practice.selectors import access_location, access_provider, access_visit_type

router = Router()

ERRORS = {codes_4xx: ErrorOut}


@router.post("/book", response={201: BookedOut, **ERRORS})
def book(request, payload: BookIn):
    """Book an open slot (and the resources its visit type needs). A slot just taken, or a
    resource just taken, is refused with 409 (`slot_taken`, `resource_taken`); a time outside
    the provider's hours with 422 `not_open`."""
    user = request.auth
    require(user, "appointment.book")
    patient = access_patient(user=user, id=payload.patient, audit=False)
    appt = appointment_book(
        actor=user,
        patient=patient,
        visit_type=access_visit_type(user=user, id=payload.visit_type),
        provider=access_provider(user=user, id=payload.provider),
        start=payload.start,
        location=access_location(user=user, id=payload.location) if payload.location else None,
        note=payload.note,
    )
    tz = user.clinic.tz
    return 201, {
        "id": appt.public_id,
        "status": appt.status,
        "start": as_local(appt.start, tz),
        "end": as_local(appt.end, tz),
        "patient": ref_of(patient),
        "provider": ref_of(appt.provider),
        "visit_type": ref_of(appt.visit_type, appt.visit_type.name),
        "location": ref_of(appt.location, appt.location.name),
        "resources": [
            ref_of(b.resource, b.resource.name) for b in resource_bookings_for(appointment=appt)
        ],
        "url": reverse("scheduling:appointment", args=[appt.public_id]),
    }
