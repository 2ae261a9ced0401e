"""Waitlist and recall screens for the desk, and the patient's signed offer page (no login)."""

from __future__ import annotations

from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from medassist.core.errors import ApplicationError
from medassist.core.web import StaffRequest, clinic_zone, form_errors, safe_next, staff_view
from medassist.patients.selectors import access_patient, patient_search
from medassist.reminders.messages import address_of
from medassist.reminders.views import signed_link_view
from medassist.scheduling.models import Status
from medassist.scheduling.selectors import access_appointment, clinic_today
from medassist.waitlist import selectors, services
from medassist.waitlist.forms import ContactForm, EntryForm, RecallForm, RemoveForm
from medassist.waitlist.models import SlotOffer

SEARCH_LIMIT = 10


def _patients(request: HttpRequest) -> tuple[str, list]:
    """The page's patient search. POSTed (a GET never searches): a name or date of birth in
    a URL would stay in proxy and access logs."""
    q = request.POST.get("q", "").strip()[:100]
    return q, (patient_search(user=request.user, query=q, limit=SEARCH_LIMIT) if q else [])


def _chosen_patient(request: HttpRequest, form):
    """The patient chosen on the form, scoped to the clinic (another clinic's id: an error)."""
    if not form.is_valid():
        return None
    try:
        return access_patient(user=request.user, id=form.cleaned_data["patient"], audit=False)
    except ApplicationError:
        form.add_error("patient", "Choose a patient from the search results.")
        return None


# ---------------------------------------------------------------------------- waitlist


def _render_waitlist(request, form, status=200):
    q, found = _patients(request)
    if request.htmx and "q" in request.POST:
        return render(request, "waitlist/home.html#patients", {"found": found, "q": q})
    entries = selectors.entry_list(user=request.user)
    return render(
        request,
        "waitlist/home.html",
        {
            "form": form,
            "entries": entries,
            "found": found,
            "q": q,
            "clinic_tz": request.user.clinic.tz,
            "today": clinic_today(request.user.clinic),
        },
        status=status,
    )


@staff_view("waitlist.manage")
def home(request: StaffRequest) -> HttpResponse:
    today = clinic_today(request.user.clinic)
    form = EntryForm(user=request.user, initial={"earliest_date": today})
    return _render_waitlist(request, form)


@require_POST
@staff_view("waitlist.manage")
def add(request: StaffRequest) -> HttpResponse:
    form = EntryForm(request.POST, user=request.user)
    patient = _chosen_patient(request, form)
    if patient is None:
        return _render_waitlist(request, form, status=422)
    data = form.cleaned_data
    try:
        services.waitlist_entry_add(
            actor=request.user,
            patient=patient,
            visit_type=data["visit_type"],
            provider=data.get("provider"),
            location=data.get("location"),
            earliest_date=data["earliest_date"],
            latest_date=data["latest_date"],
            time_of_day=data["time_of_day"],
            priority=data["priority"],
            note=data.get("note", ""),
        )
    except ApplicationError as exc:
        form_errors(form, exc)
        return _render_waitlist(request, form, status=exc.status)
    flash.success(request, f"{patient.display_name} is on the waitlist.")
    return redirect("waitlist:home")


@require_POST
@staff_view("waitlist.manage")
def remove(request: StaffRequest, id) -> HttpResponse:
    entry = selectors.access_entry(user=request.user, id=id)
    form = RemoveForm(request.POST)
    reason = form.cleaned_data.get("reason", "") if form.is_valid() else ""
    services.waitlist_entry_remove(actor=request.user, entry=entry, reason=reason)
    flash.success(request, f"{entry.patient.display_name} is off the waitlist.")
    return redirect("waitlist:home")


# ---------------------------------------------------------------------------- recalls


def _render_recalls(request, form, status=200, contact_errors=None):
    q, found = _patients(request)
    if request.htmx and "q" in request.POST:
        return render(request, "waitlist/recalls.html#patients", {"found": found, "q": q})
    today = clinic_today(request.user.clinic)
    recalls = selectors.recall_list(user=request.user, today=today)
    return render(
        request,
        "waitlist/recalls.html",
        {
            "form": form,
            "recalls": recalls,
            "found": found,
            "q": q,
            "today": today,
            "contact_form": ContactForm(),
            "contact_errors": contact_errors or {},
            "clinic_tz": request.user.clinic.tz,
        },
        status=status,
    )


@staff_view("recall.manage")
def recalls(request: StaffRequest) -> HttpResponse:
    return _render_recalls(request, RecallForm())


@require_POST
@staff_view("recall.manage")
def recall_add(request: StaffRequest) -> HttpResponse:
    form = RecallForm(request.POST)
    patient = _chosen_patient(request, form)
    if patient is None:
        return _render_recalls(request, form, status=422)
    try:
        services.recall_add(
            actor=request.user,
            patient=patient,
            reason=form.cleaned_data["reason"],
            due_date=form.cleaned_data["due_date"],
        )
    except ApplicationError as exc:
        form_errors(form, exc)
        return _render_recalls(request, form, status=exc.status)
    flash.success(request, f"Recall added for {patient.display_name}.")
    return redirect("waitlist:recalls")


@require_POST
@staff_view("recall.manage")
def recall_contact(request: StaffRequest, id) -> HttpResponse:
    recall = selectors.access_recall(user=request.user, id=id)
    form = ContactForm(request.POST)
    if not form.is_valid():
        errors = {recall.public_id: [e for errs in form.errors.values() for e in errs]}
        return _render_recalls(request, RecallForm(), status=422, contact_errors=errors)
    services.recall_contact_record(actor=request.user, recall=recall, **form.cleaned_data)
    flash.success(request, f"Contact attempt recorded for {recall.patient.display_name}.")
    return redirect("waitlist:recalls")


@require_POST
@staff_view("recall.manage")
def recall_scheduled(request: StaffRequest, id) -> HttpResponse:
    recall = selectors.access_recall(user=request.user, id=id)
    services.recall_mark_scheduled(actor=request.user, recall=recall)
    flash.success(request, f"{recall.patient.display_name}'s recall is marked scheduled.")
    return redirect("waitlist:recalls")


@require_POST
@staff_view("recall.manage")
def recall_close(request: StaffRequest, id) -> HttpResponse:
    recall = selectors.access_recall(user=request.user, id=id)
    services.recall_close(actor=request.user, recall=recall)
    flash.success(request, f"{recall.patient.display_name}'s recall is closed.")
    return redirect("waitlist:recalls")


# ---------------------------------------------------------------------------- patient offer page


@signed_link_view
def offer(request: HttpRequest, token: str) -> HttpResponse:
    found = services.offer_for_token(token)
    clinic_zone(found.slot.clinic)
    result = None
    if request.method == "POST":
        result = services.offer_accept(token=token)
        found.refresh_from_db()
    elif request.method != "GET":
        return HttpResponse(status=405)
    slot = found.slot
    local = timezone.localtime(slot.start, slot.clinic.tz)
    open_ = (
        found.status == SlotOffer.Status.OFFERED
        and slot.status == slot.Status.OPEN
        and found.expires_at > timezone.now()
    )
    return render(
        request,
        "waitlist/offer.html",
        {
            "when": local,
            "place": slot.location.name,
            "address": address_of(slot.location),
            "provider_first_name": slot.provider.first_name,
            "clinic": slot.clinic.name,
            "expires": timezone.localtime(found.expires_at, slot.clinic.tz),
            "open": open_,
            "accepted": found.status == SlotOffer.Status.ACCEPTED,
            "result": result,
        },
        status=409 if result is not None and not result.ok else 200,
    )


@staff_view("waitlist.manage")
@require_POST
def offer_freed(request: StaffRequest, id) -> HttpResponse:
    """Offer a just-cancelled visit's time to the matching waitlist entries now (the worker
    would on its next pass); says how many were offered it."""
    appt = access_appointment(user=request.user, id=id, audit=False)
    slot = services.slot_freed(appointment=appt) if appt.status == Status.CANCELLED else None
    offered = slot.offers.count() if slot is not None else 0
    if offered:
        flash.success(request, f"Offered the time to {offered} waiting patient(s).")
    else:
        flash.info(request, "Nobody on the waitlist matches that time (or it is taken again).")
    return redirect(safe_next(request) or reverse("waitlist:home"))
