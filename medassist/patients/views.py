"""Patient screens: search, registration, chart summary, edit, add insurance.

Thin views: a form parses, selectors fetch (and audit), services write. A service's
ApplicationError is shown on the form; it never becomes a 500."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from medassist.audit.services import audit_patients_listed
from medassist.core.clock import clinic_today
from medassist.core.errors import ApplicationError
from medassist.core.normalize import phone_display
from medassist.core.web import StaffRequest, form_errors, is_partial, safe_next, staff_view
from medassist.patients.errors import DuplicatePatient
from medassist.patients.forms import (
    CoverageForm,
    EmergencyAccessForm,
    PatientForm,
    RegistrationForm,
)
from medassist.patients.models import Coverage, Patient
from medassist.patients.selectors import (
    access_patient,
    coverage_list,
    emergency_access_in_force,
    emergency_access_list,
    patient_search,
)
from medassist.patients.services import (
    coverage_add,
    emergency_access_open,
    patient_register,
    patient_update,
)
from medassist.practice.roles import can
from medassist.practice.selectors import payer_list

SEARCH_LIMIT = 25
QUERY_MAX = 100


def _row(patient: Patient, today) -> dict:
    return {
        "patient": patient,
        "age": patient.age_on(today),
        "age_text": patient.age_text_on(today),
        "phone": phone_display(patient.phone_mobile or patient.phone_home),
    }


@staff_view("patient.view")
def search(request: StaffRequest) -> HttpResponse:
    """Find a patient. The search is POSTed (as you type, or by the form without script): a
    name or date of birth in a URL would stay in proxy and access logs, so a GET never searches."""
    query = (request.POST.get("q") or "").strip()[:QUERY_MAX]
    patients = patient_search(user=request.user, query=query, limit=SEARCH_LIMIT) if query else []
    today = clinic_today(request.user.clinic)
    context = {
        "query": query,
        "rows": [_row(p, today) for p in patients],
        "truncated": len(patients) >= SEARCH_LIMIT,
        "limit": SEARCH_LIMIT,
        "can_register": can(request.user, "patient.register"),
    }
    template = "patients/search.html#results" if is_partial(request) else "patients/search.html"
    return render(request, template, context)


def _duplicate_candidates(user, exc: DuplicatePatient) -> list[dict]:
    """The charts the service says may be this same person, audited as listed."""
    ids = [c["id"] for c in exc.extra.get("candidates", [])]
    patients = list(
        Patient.objects.filter(clinic_id=user.clinic_id, public_id__in=ids).order_by("mrn")
    )
    audit_patients_listed(
        actor=user, patients=patients, object_type="patients.Patient", detail={"duplicates": True}
    )
    today = clinic_today(user.clinic)
    return [_row(p, today) for p in patients]


@staff_view("patient.register")
def register(request: StaffRequest) -> HttpResponse:
    payers = list(payer_list(user=request.user))
    data = request.POST if request.method == "POST" else None
    form = RegistrationForm(data, payers=payers)
    candidates: list[dict] = []
    if data is not None and form.is_valid():
        try:
            # Patient and first insurance are saved together or not at all.
            with transaction.atomic():
                patient = patient_register(
                    actor=request.user,
                    allow_duplicate=form.cleaned_data["allow_duplicate"],
                    **form.patient_values(),
                )
                if form.has_coverage():
                    coverage_add(actor=request.user, patient=patient, **form.coverage_values())
        except DuplicatePatient as exc:
            candidates = _duplicate_candidates(request.user, exc)
            form.add_error(None, exc.message)
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"Registered {patient.display_name}, MRN {patient.mrn}.")
            return redirect("patients:detail", id=patient.public_id)
    show_allow = bool(candidates) or (form.is_bound and form.data.get("allow_duplicate"))
    return render(
        request,
        "patients/register.html",
        {"form": form, "candidates": candidates, "show_allow_duplicate": show_allow},
    )


@staff_view("patient.view")
def detail(request: StaffRequest, id) -> HttpResponse:
    user = request.user
    patient = access_patient(user=user, id=id)
    context = {
        "patient": patient,
        "age": patient.age_on(clinic_today(user.clinic)),
        "age_text": patient.age_text_on(clinic_today(user.clinic)),
        "phones": {
            "mobile": phone_display(patient.phone_mobile),
            "home": phone_display(patient.phone_home),
            "emergency": phone_display(patient.emergency_contact_phone),
        },
        "coverages": list(coverage_list(patient=patient)),
        "tz": user.clinic.tz,
        "can_edit": can(user, "patient.edit"),
        "can_add_coverage": can(user, "coverage.edit"),
        "can_book": can(user, "appointment.book"),
        "can_break_glass": can(user, "emergency_access.open"),
    }
    return render(request, "patients/detail.html", context)


@staff_view("patient.edit")
def edit(request: StaffRequest, id) -> HttpResponse:
    patient = access_patient(user=request.user, id=id)
    data = request.POST if request.method == "POST" else None
    form = PatientForm(data, initial=PatientForm.initial_for(patient))
    next_url = safe_next(request)
    if data is not None and form.is_valid():
        try:
            patient_update(actor=request.user, patient=patient, **form.patient_values())
        except ApplicationError as exc:
            form_errors(form, exc)
            patient.refresh_from_db()  # the service may have touched the object in memory
        else:
            messages.success(request, f"Saved changes to {patient.display_name}.")
            return redirect(next_url or reverse("patients:detail", args=[patient.public_id]))
    return render(
        request, "patients/edit.html", {"patient": patient, "form": form, "next": next_url}
    )


@staff_view("coverage.edit")
def coverage_new(request: StaffRequest, id) -> HttpResponse:
    patient = access_patient(user=request.user, id=id)
    existing = list(coverage_list(patient=patient, active_only=True))
    taken = {c.priority for c in existing}
    free = next((p for p in Coverage.Priority.values if p not in taken), Coverage.Priority.PRIMARY)
    data = request.POST if request.method == "POST" else None
    form = CoverageForm(data, payers=payer_list(user=request.user), initial={"priority": free})
    if data is not None and form.is_valid():
        try:
            coverage = coverage_add(actor=request.user, patient=patient, **form.coverage_values())
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request, f"Added {coverage.payer.name} ({coverage.get_priority_display()})."
            )
            return redirect("patients:detail", id=patient.public_id)
    return render(
        request,
        "patients/coverage_form.html",
        {"patient": patient, "form": form, "existing": existing},
    )


# ---------------------------------------------------------------------------- break-the-glass


@staff_view("emergency_access.open")
def emergency_access(request: StaffRequest, id) -> HttpResponse:
    """Open time-boxed emergency access to the chart, with a reason (audited, reviewed)."""
    patient = access_patient(user=request.user, id=id)
    form = EmergencyAccessForm(request.POST or None)
    in_force = emergency_access_in_force(user=request.user, patient=patient)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            in_force = emergency_access_open(
                actor=request.user, patient=patient, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as exc:
            form_errors(form, exc)
            transaction.set_rollback(True)
            status = exc.status
        else:
            messages.warning(
                request,
                f"Emergency access is open until {timezone.localtime(in_force.ends_at):%H:%M}. "
                "Your clinic admin reviews it.",
            )
            return redirect("records:chart", patient.public_id)
    elif request.method == "POST":
        status = 422
    context = {"patient": patient, "form": form, "in_force": in_force}
    return render(request, "patients/emergency_access.html", context, status=status)


@staff_view("emergency_access.review")
def emergency_access_review(request: StaffRequest) -> HttpResponse:
    """Every emergency access of the clinic, newest first: who, which patient, why, how long."""
    accesses = list(emergency_access_list(user=request.user)[:200])
    return render(
        request,
        "patients/emergency_access_list.html",
        {"accesses": accesses, "now": timezone.now()},
    )
