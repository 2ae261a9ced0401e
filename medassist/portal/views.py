"""The patient's booking page (reached by the clinic's signed link, no login) and the front
desk's list of online bookings with the form that makes a link."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from medassist.core.errors import ApplicationError, NotFound, PermissionDenied
from medassist.core.web import StaffRequest, clinic_zone, error_page, staff_view
from medassist.patients.models import Patient
from medassist.portal.selectors import (
    booking_window,
    online_bookings,
    open_slots,
    patient_from_link,
    portal_user,
    settings_for,
    upcoming_visits,
)
from medassist.portal.services import (
    CANCEL_REASONS,
    portal_book,
    portal_cancel,
    portal_link_make,
    portal_reschedule,
)
from medassist.practice.roles import can

FOOTER = "For medical questions call the clinic. In an emergency call 911."


def _page(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    context.setdefault("footer", FOOTER)
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "no-store"
    # The link is the key: never send it to another site. Same-origin (not no-referrer), so
    # the browser still sends this page's Origin with the booking form (Django's CSRF check).
    response["Referrer-Policy"] = "same-origin"
    return response


@require_http_methods(["GET", "POST"])
def book(request: HttpRequest, token: str) -> HttpResponse:
    try:
        patient = patient_from_link(token)
    except NotFound as exc:
        return _page(request, "portal/book.html", {"invalid": exc.message}, status=404)
    return patient_page(request, patient)


def patient_page(request: HttpRequest, patient: Patient) -> HttpResponse:
    """The patient's own page (from a signed link or a patient session): book a visit, see
    their upcoming visits."""
    clinic = patient.clinic
    clinic_zone(clinic)
    settings = settings_for(clinic)
    context: dict = {"patient": patient, "clinic": clinic, "clinic_tz": clinic.tz}
    if not settings.enabled:
        context["closed"] = True
        return _page(request, "portal/book.html", context)
    visit_types = list(settings.visit_types.filter(active=True).order_by("name"))
    context.update(visit_types=visit_types, window=booking_window(clinic, settings))
    chosen = None
    raw = request.POST.get("visit_type") or request.GET.get("visit_type") or ""
    chosen = next((v for v in visit_types if str(v.public_id) == raw), None)
    if raw and chosen is None:
        context["error"] = "Choose one of the visit types listed."
    status = 200
    context["cancel_reasons"] = CANCEL_REASONS
    action = request.POST.get("action", "")
    visit_id = request.POST.get("visit") or request.GET.get("move") or ""
    if request.method == "POST" and action in ("cancel", "move"):
        try:
            if action == "cancel":
                done = portal_cancel(
                    patient=patient, appointment_id=visit_id, reason=request.POST.get("reason", "")
                )
                context["done"] = (
                    f"Your visit on {_when(done)} is cancelled. The clinic has been told."
                )
            else:
                done = portal_reschedule(
                    patient=patient, appointment_id=visit_id, slot_key=request.POST.get("slot", "")
                )
                context["done"] = f"Your visit is moved to {_when(done)}. The clinic has been told."
        except ApplicationError as exc:
            context["error"] = exc.message
            status = exc.status
        visit_id = "" if status == 200 else visit_id
    moving = next((a for a in upcoming_visits(patient) if str(a.public_id) == visit_id), None)
    if moving is not None:
        context["moving"] = moving
        try:
            context["move_slots"] = open_slots(
                patient=patient, visit_type=moving.visit_type, settings=settings
            )
        except ApplicationError as exc:
            context["error"] = exc.message
            context["move_slots"] = []
    if request.method == "POST" and chosen is not None and not action:
        try:
            appt = portal_book(
                patient=patient, visit_type=chosen, slot_key=request.POST.get("slot", "")
            )
        except ApplicationError as exc:
            context["error"] = exc.message
            status = exc.status
        else:
            local = appt.start.astimezone(clinic.tz)
            context["booked"] = appt
            context["booked_local"] = local
            return _page(request, "portal/book.html", context, status=201)
    if chosen is not None:
        context["chosen"] = chosen
        try:
            context["slots"] = open_slots(patient=patient, visit_type=chosen, settings=settings)
        except ApplicationError as exc:
            context["error"] = exc.message
            context["slots"] = []
    context["upcoming"] = upcoming_visits(patient)
    return _page(request, "portal/book.html", context, status=status)


def _when(appt) -> str:
    local = appt.start.astimezone(appt.clinic.tz)
    return f"{local:%a %b} {local.day} at {local:%H:%M}"


@staff_view("schedule.view")
def desk(request: StaffRequest) -> HttpResponse:
    """Online bookings for the front desk, and (for those who book) a link for a patient."""
    user = request.user
    link = ""
    link_error = ""
    status = 200
    if request.method == "POST":
        if not can(user, "appointment.book"):
            return error_page(request, PermissionDenied("Your role does not allow this."))
        mrn = request.POST.get("mrn", "").strip()[:20]
        patient = Patient.objects.filter(clinic_id=user.clinic_id, mrn__iexact=mrn).first()
        if patient is None:
            link_error = (
                f"There is no patient with MRN {mrn!r} in this clinic."
                if mrn
                else ("Write the patient's MRN.")
            )
            status = 422
        else:
            try:
                path = portal_link_make(actor=user, patient=patient)
            except ApplicationError as exc:
                link_error = exc.message
                status = exc.status
            else:
                link = request.build_absolute_uri(path)
                messages.success(request, f"Booking link made for {patient.display_name}.")
    context = {
        "bookings": online_bookings(user=user),
        "portal_id": portal_user(user.clinic).pk,
        "clinic_tz": user.clinic.tz,
        "can_link": can(user, "appointment.book"),
        "link": link,
        "link_error": link_error,
        "settings": settings_for(user.clinic),
        "sign_in_address": request.build_absolute_uri(
            reverse("portal:sign_in", args=[user.clinic.public_id])
        ),
    }
    return render(request, "portal/desk.html", context, status=status)


def desk_redirect(request: HttpRequest) -> HttpResponse:
    return redirect("portal:desk")


# Declared for the URL-protection test: the patient's page is opened by the signed link alone
# (patient_from_link); /portal/ only forwards to the desk page, which checks the staff role.
book.permission = "signed-link"  # type: ignore[attr-defined]
desk_redirect.permission = "redirect to portal:desk"  # type: ignore[attr-defined]
