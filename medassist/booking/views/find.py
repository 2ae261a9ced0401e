"""The front desk's "Find a slot": search, then book a slot."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from medassist.availability.forms import (
    FindForm,
    SlotBookForm,
)
from medassist.availability.selectors import (
    first_available,
    resource_bookings_for,
)
from medassist.booking.services import appointment_book
from medassist.core.errors import ApplicationError
from medassist.core.web import StaffRequest, first_error, form_errors, staff_view
from medassist.patients.selectors import patient_search, picked_patient
from medassist.practice.roles import can
from medassist.scheduling.errors import SlotTaken
from medassist.scheduling.selectors import clinic_today

PATIENT_LIMIT = 10
SEARCH_FIELDS = ("visit_type", "provider", "location", "date_from", "date_to", "time_of_day")


# ---------------------------------------------------------------------------- find a slot


def _run_search(user, form: FindForm) -> tuple[list, str, int]:
    """(slots, error message, status) for a bound search form."""
    if not form.is_valid():
        return [], first_error(form), 422
    data = form.cleaned_data
    try:
        slots = first_available(
            user=user,
            visit_type=data["visit_type"],
            provider=data["provider"],
            location=data["location"],
            date_from=data["date_from"],
            date_to=data["date_to"],
            time_of_day=data["time_of_day"] or None,
            patient=picked_patient(user=user, id=data["patient"], audit=False),
        )
    except ApplicationError as exc:
        form_errors(form, exc)
        return [], exc.message, exc.status
    return slots, "", 200


def _results_context(request, form: FindForm, slots, error: str) -> dict:
    user = request.user
    data = form.cleaned_data if form.is_bound and hasattr(form, "cleaned_data") else {}
    patient = picked_patient(user=user, id=data.get("patient"), audit=False) if data else None
    search = urlencode({k: form.data.get(k, "") for k in (*SEARCH_FIELDS, "patient")})
    return {
        "slots": slots,
        "error": error,
        "searched": form.is_bound,
        "search": search,
        "patient": patient,
        "visit_type": data.get("visit_type"),
        "can_book": can(user, "appointment.book"),
        "clinic_tz": user.clinic.tz,
    }


@staff_view("schedule.view")
def find(request: StaffRequest) -> HttpResponse:
    """The search form; with ?visit_type=... it also lists the slots (works without htmx)."""
    user = request.user
    if request.htmx and "pick" in request.GET:
        picked = picked_patient(user=user, id=request.GET.get("pick"), audit=False)
        return render(request, "availability/find.html#picker", {"picked": picked})
    status = 200
    if "visit_type" in request.GET:  # a search was submitted (maybe without a visit type)
        data = request.GET.copy()
        for key, value in FindForm.defaults(user.clinic).items():
            if not data.get(key):
                data[key] = value.isoformat()
        form = FindForm(data, user=user)
        slots, error, status = _run_search(user, form)
        context = _results_context(request, form, slots, error)
        if request.htmx:
            return render(request, "availability/find.html#results", context, status=status)
    else:
        initial = FindForm.defaults(user.clinic)
        for name in ("provider", "location", "patient"):
            if request.GET.get(name):
                initial[name] = request.GET[name]
        form = FindForm(initial=initial, user=user)
        context = _results_context(request, form, [], "")
    context.update(
        {
            "form": form,
            "picked": picked_patient(user=user, id=form["patient"].value(), audit=False),
            "today": clinic_today(user.clinic),
        }
    )
    return render(request, "availability/find.html", context, status=status)


@staff_view("schedule.view")
@require_POST
def find_patients(request: StaffRequest) -> HttpResponse:
    """The patient search as you type. POSTed, and its box is outside the search form: a name
    or date of birth in a URL would stay in proxy and access logs."""
    query = request.POST.get("q", "")[:100]
    results = patient_search(user=request.user, query=query, limit=PATIENT_LIMIT)
    return render(
        request,
        "availability/find.html#patient_results",
        {"results": results, "query": query, "limit": PATIENT_LIMIT},
    )


@staff_view("appointment.book")
@require_POST
def find_book(request: StaffRequest) -> HttpResponse:
    """Book the slot a row of the results offers; a slot just taken shows the fresh list."""
    user = request.user
    form = SlotBookForm(request.POST, user=user)
    search_form = FindForm(QueryDict(request.POST.get("search", "")), user=user)
    error, status = "", 422
    if form.is_valid():
        data = form.cleaned_data
        patient = picked_patient(user=user, id=data["patient"], audit=False)
        if patient is None:
            error = "There is no such patient in this clinic; choose one from the search."
        else:
            try:
                appt = appointment_book(
                    actor=user,
                    patient=patient,
                    visit_type=data["visit_type"],
                    provider=data["provider"],
                    start=data["start"],
                    location=data["location"],
                    note=data["note"],
                )
            except ApplicationError as exc:
                error, status = exc.message, exc.status
                if isinstance(exc, SlotTaken):  # ResourceTaken is one too
                    error = f"Sorry, that slot was just taken. {exc.message} The list is fresh."
            else:
                context = {
                    "appt": appt,
                    "resources": resource_bookings_for(appointment=appt),
                    "clinic_tz": user.clinic.tz,
                    "again": f"{reverse('booking:find')}?{request.POST.get('search', '')}",
                }
                local = appt.start.astimezone(user.clinic.tz)
                messages.success(
                    request,
                    f"Booked {patient.display_name} with {appt.provider.display_name} "
                    f"on {local:%a %b %d} at {local:%H:%M}.",
                )
                if request.htmx:
                    return render(request, "availability/find.html#booked", context)
                return render(request, "availability/booked.html", context)
    else:
        error = first_error(form)
    # Show the error above a fresh list of slots for the same search.
    slots, search_error, _ = _run_search(user, search_form) if search_form.data else ([], "", 0)
    context = _results_context(request, search_form, slots, error or search_error)
    if request.htmx:
        return render(request, "availability/find.html#results", context, status=status)
    context.update({"form": search_form, "picked": context["patient"]})
    return render(request, "availability/find.html", context, status=status)
