"""The portal's staff side for API clients: online bookings and booking links."""

from __future__ import annotations

from ninja import Router
from ninja.responses import codes_4xx

from medassist.booking.api import appointment_data
from medassist.booking.schemas import AppointmentOut
from medassist.patients.selectors import access_patient
from medassist.portal.schemas import LinkIn, LinkOut
from medassist.portal.selectors import online_bookings, settings_for
from medassist.portal.services import portal_link_make
from medassist.practice.roles import require
from medassist.practice.schemas import ErrorOut

router = Router()
ERRORS = {codes_4xx: ErrorOut}


@router.get("/bookings", response={200: list[AppointmentOut], **ERRORS})
def list_online_bookings(request):
    """Visits patients booked online, newest first (at most 100)."""
    user = request.auth
    return [appointment_data(a, user.clinic.tz) for a in online_bookings(user=user)]


@router.post("/links", response={201: LinkOut, **ERRORS})
def make_link(request, payload: LinkIn):
    """A signed booking link for one patient, to send by text or e-mail."""
    user = request.auth
    require(user, "appointment.book")
    patient = access_patient(user=user, id=payload.patient, audit=False)
    path = portal_link_make(actor=user, patient=patient)
    return 201, {
        "url": request.build_absolute_uri(path),
        "valid_days": settings_for(user.clinic).link_valid_days,
    }
