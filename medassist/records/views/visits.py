"""The doctor's path through a visit: the chart opened for one visit (its reason, its start
button, its encounter), and starting the visit (records.services.visit_start)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from medassist.core.errors import ApplicationError
from medassist.core.web import StaffRequest, safe_next, staff_view
from medassist.intake.models import Rooming
from medassist.intake.selectors import rooming_for
from medassist.practice.roles import can
from medassist.records.models import Encounter
from medassist.records.services import visit_start
from medassist.scheduling.models import Appointment, Status
from medassist.scheduling.selectors import access_appointment


@dataclass(frozen=True)
class ChartVisit:
    """The visit a chart was opened for (from the worklist or the visit page)."""

    appt: Appointment
    rooming: Rooming | None
    encounter: Encounter | None
    can_start: bool
    here: str  # the chart for this visit, where starting it comes back to


def chart_visit_url(appt: Appointment) -> str:
    url = reverse("records:chart", args=[appt.patient.public_id])
    return f"{url}?visit={appt.public_id}"


def chart_visit(request: StaffRequest, patient) -> ChartVisit | None:
    """The visit named by `?visit=` when it is this patient's (another clinic's: 404); a
    malformed id or another patient's visit shows the chart without it."""
    try:
        visit_id = uuid.UUID(request.GET.get("visit", ""))
    except ValueError:
        return None
    appt = access_appointment(user=request.user, id=visit_id, audit=False)
    if appt.patient_id != patient.pk:
        return None
    return ChartVisit(
        appt=appt,
        rooming=rooming_for(appointment=appt),
        encounter=Encounter.objects.filter(appointment=appt).first(),
        can_start=appt.status == Status.ROOMED and can(request.user, "appointment.start_visit"),
        here=chart_visit_url(appt),
    )


@staff_view("appointment.start_visit")
@require_POST
def start_visit(request: StaffRequest, id) -> HttpResponse:
    appt = access_appointment(user=request.user, id=id)
    target = safe_next(request) or reverse("intake:worklist")
    try:
        visit_start(actor=request.user, appointment=appt)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(target)
    messages.success(request, f"Visit with {appt.patient.display_name} started.")
    return redirect(target)
