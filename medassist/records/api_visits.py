"""Starting a visit for API clients, at /api/appointments/{id}/start-visit next to the rest of
the visit's lifecycle: the same service as the screens (records.services.visit_start), which
also opens the visit's encounter in the chart."""

from __future__ import annotations

import uuid

from ninja import Router
from ninja.responses import codes_4xx

from medassist.booking.api import appointment_detail
from medassist.booking.schemas import AppointmentDetailOut
from medassist.practice.roles import require
from medassist.practice.schemas import ErrorOut
from medassist.records.services import visit_start
from medassist.scheduling.models import Status
from medassist.scheduling.selectors import access_appointment
from medassist.scheduling.services import TRANSITION_PERMISSION

router = Router()

ERRORS = {codes_4xx: ErrorOut}


@router.post("/{appointment_id}/start-visit", response={200: AppointmentDetailOut, **ERRORS})
def start_visit(request, appointment_id: uuid.UUID):
    """The provider starts seeing a roomed patient; the visit's encounter is opened in the
    chart with the reason for visit from rooming."""
    user = request.auth
    appt = access_appointment(user=user, id=appointment_id, audit=False)
    require(user, TRANSITION_PERMISSION[Status.WITH_PROVIDER])
    visit_start(actor=user, appointment=appt)
    appt.refresh_from_db()
    return appointment_detail(appt, user.clinic.tz)
