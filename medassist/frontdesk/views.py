"""Front-desk screens: the patient-flow board, check-in and checkout.

Thin views: a form parses, selectors fetch (and audit), frontdesk.services write. A refused
step (wrong status, bad amount) is shown on the form and changes nothing."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from medassist.core.errors import ApplicationError
from medassist.core.normalize import phone_display
from medassist.core.web import StaffRequest, form_errors, is_partial, staff_view
from medassist.frontdesk import selectors
from medassist.frontdesk.forms import CheckInForm, CheckoutForm
from medassist.frontdesk.services import check_in, check_out
from medassist.patients.selectors import coverage_list
from medassist.scheduling.models import Status
from medassist.scheduling.selectors import access_appointment, clinic_today
from medassist.scheduling.services import visit_day_has_come

BOARD_REFRESH_SECONDS = 15


@staff_view("board.view")
def board(request: StaffRequest) -> HttpResponse:
    context = {
        "board": selectors.board(user=request.user),
        "tz": request.user.clinic.tz,
        "refresh_seconds": BOARD_REFRESH_SECONDS,
    }
    if is_partial(request):
        # Only the table body (and, out of band, the summary) — the page keeps its scroll.
        return render(request, "frontdesk/board.html#live", {**context, "oob": True})
    return render(request, "frontdesk/board.html", context)


def _visit_context(request: StaffRequest, appt) -> dict:
    patient = appt.patient
    return {
        "appt": appt,
        "patient": patient,
        "age": patient.age_on(clinic_today(request.user.clinic)),
        "age_text": patient.age_text_on(clinic_today(request.user.clinic)),
        "phones": {
            "mobile": phone_display(patient.phone_mobile),
            "home": phone_display(patient.phone_home),
            "emergency": phone_display(patient.emergency_contact_phone),
        },
        "tz": request.user.clinic.tz,
    }


@staff_view("appointment.check_in")
def check_in_view(request: StaffRequest, id) -> HttpResponse:
    appt = access_appointment(user=request.user, id=id)
    coverages = list(coverage_list(patient=appt.patient, active_only=True))
    data = request.POST if request.method == "POST" else None
    form = CheckInForm(data, coverages=coverages)
    if data is not None and form.is_valid():
        try:
            record = check_in(
                actor=request.user,
                appointment=appt,
                demographics_confirmed=form.cleaned_data["demographics_confirmed"],
                coverage=form.chosen_coverage,
                self_pay=form.self_pay,
                copay_collected=form.cleaned_data["copay_collected"],
                payment_method=form.cleaned_data["payment_method"],
            )
        except ApplicationError as exc:
            form_errors(form, exc)
            appt.refresh_from_db(fields=["status", "status_changed_at"])
        else:
            paid = (
                f" Collected ${record.copay_collected} ({record.get_payment_method_display()})."
                if record.copay_collected
                else ""
            )
            messages.success(request, f"{appt.patient.display_name} is checked in.{paid}")
            return redirect("frontdesk:board")
    edit_url = reverse("patients:edit", args=[appt.patient.public_id])
    here = reverse("frontdesk:check_in", args=[appt.public_id])
    too_early = not visit_day_has_come(appt, request.user.clinic.tz)
    context = {
        **_visit_context(request, appt),
        "form": form,
        "coverages": coverages,
        "can_check_in": appt.status == Status.BOOKED and not too_early,
        "too_early": too_early,
        "edit_url": f"{edit_url}?{urlencode({'next': here})}",
    }
    return render(request, "frontdesk/check_in.html", context)


@staff_view("appointment.check_out")
def check_out_view(request: StaffRequest, id) -> HttpResponse:
    appt = access_appointment(user=request.user, id=id)
    data = request.POST if request.method == "POST" else None
    form = CheckoutForm(data)
    if data is not None and form.is_valid():
        try:
            check_out(actor=request.user, appointment=appt, **form.cleaned_data)
        except ApplicationError as exc:
            form_errors(form, exc)
            appt.refresh_from_db(fields=["status", "status_changed_at"])
        else:
            messages.success(request, f"{appt.patient.display_name} is checked out.")
            return redirect("frontdesk:board")
    context = {
        **_visit_context(request, appt),
        "form": form,
        "checkin": selectors.check_in_for(appt),
        "can_check_out": appt.status == Status.WITH_PROVIDER,
    }
    return render(request, "frontdesk/check_out.html", context)
