"""A patient's visits: the list the patient page loads into itself (htmx) or links to.

Served here, not by patients, so that patients never imports scheduling."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from medassist.audit.services import audit_patients_listed
from medassist.core.web import StaffRequest, is_partial, staff_view
from medassist.patients.selectors import access_patient
from medassist.scheduling.selectors import patient_appointments


@staff_view("schedule.view")
def patient_visits(request: StaffRequest, id) -> HttpResponse:
    """Upcoming visits first (soonest first), then earlier ones (latest first)."""
    user = request.user
    patient = access_patient(user=user, id=id, audit=False)
    appointments = patient_appointments(user=user, patient=patient)
    audit_patients_listed(
        actor=user,
        patients=[patient],
        object_type="scheduling.Appointment",
        detail={"view": "patient"},
    )
    now = timezone.now()
    context = {
        "patient": patient,
        "upcoming": sorted((a for a in appointments if a.start >= now), key=lambda a: a.start),
        "recent": [a for a in appointments if a.start < now],
        "tz": user.clinic.tz,
    }
    template = "scheduling/patient_visits.html"
    return render(request, f"{template}#visits" if is_partial(request) else template, context)
