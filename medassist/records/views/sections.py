"""The list sections of the chart: add and edit problems, allergies, medications,
immunizations and history entries; "no known allergies"; the social history."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms as django_forms
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from medassist.core.errors import ApplicationError, NotFound
from medassist.core.web import StaffRequest, staff_view
from medassist.practice.selectors import provider_list
from medassist.records import forms, selectors, services
from medassist.records.views._common import (
    CHART,
    FormScreen,
    chart_context,
    is_htmx,
    run_form,
    section_response,
)


@dataclass(frozen=True)
class Section:
    item_type: str
    form: type[django_forms.Form]
    noun: str
    create: str  # the service names
    update: str
    item_arg: str  # the update service's keyword for the item


SECTIONS = {
    "problems": Section(
        "problem", forms.ProblemForm, "problem", "problem_create", "problem_update", "problem"
    ),
    "allergies": Section(
        "allergy", forms.AllergyForm, "allergy", "allergy_create", "allergy_update", "allergy"
    ),
    "medications": Section(
        "medication",
        forms.MedicationForm,
        "medication",
        "medication_create",
        "medication_update",
        "medication",
    ),
    "immunizations": Section(
        "immunization",
        forms.ImmunizationForm,
        "immunization",
        "immunization_create",
        "immunization_update",
        "immunization",
    ),
    "history": Section(
        "history",
        forms.HistoryEntryForm,
        "history entry",
        "history_entry_create",
        "history_entry_update",
        "entry",
    ),
}


def _section(name: str) -> Section:
    if name not in SECTIONS:
        raise NotFound("No such chart section.")
    return SECTIONS[name]


def _make_form(section: Section, request: StaffRequest, data=None, initial=None, item=None):
    kwargs: dict = {"data": data, "initial": initial}
    if section.form is forms.MedicationForm:
        kwargs["providers"] = provider_list(user=request.user)
    if section.form is forms.ImmunizationForm:
        kwargs["current_code"] = item.code if item is not None else ""
    return section.form(**kwargs)


def _initial_from(item, section: Section) -> dict:
    initial = {}
    for name in section.form.base_fields:
        if name in ("substance", "drug_name"):
            initial[name] = item.display
        elif name == "cvx_code":
            initial[name] = item.code
        elif name == "prescriber":
            initial[name] = item.prescriber.public_id if item.prescriber_id else None
        elif hasattr(item, name):
            initial[name] = getattr(item, name)
    return initial


def _service_args(section: str, cleaned: dict, *, updating: bool) -> dict:
    data = dict(cleaned)
    if section == "problems" and not data.get("display"):
        data.pop("display", None)
    if section == "medications" and updating:
        data["display"] = data.pop("drug_name")
    if section == "allergies" and updating:
        data["display"] = data.pop("substance")
    if section == "immunizations" and updating:
        data["code"] = data.pop("cvx_code")
        data["display"] = ""
    if section == "history" and updating:
        data.pop("kind", None)
    for key in ("category", "severity", "criticality", "relation"):
        if key in data and data[key] is None:
            data[key] = ""
    return data


@staff_view("chart.edit")
@require_http_methods(["GET", "POST"])
def section_add(request: StaffRequest, id, section: str) -> HttpResponse:
    spec = _section(section)
    patient = selectors.access_chart_patient(user=request.user, id=id, audit=False)
    action = reverse("records:section_add", args=[patient.public_id, section])
    screen = FormScreen(f"Add {spec.noun}", action, f"#sec-{section}", patient, section)
    initial = {"kind": request.GET.get("kind")} if section == "history" else None
    create = getattr(services, spec.create)
    return run_form(
        request,
        screen,
        blank=lambda: _make_form(spec, request, initial=initial),
        bound=lambda: _make_form(spec, request, data=request.POST),
        act=lambda data: create(
            actor=request.user, patient=patient, **_service_args(section, data, updating=False)
        ),
        done=lambda: section_response(request, patient, section),
    )


@staff_view("chart.edit")
@require_http_methods(["GET", "POST"])
def item_edit(request: StaffRequest, section: str, item_id) -> HttpResponse:
    spec = _section(section)
    item = selectors.access_item(user=request.user, item_type=spec.item_type, id=item_id)
    if item.is_entered_in_error:
        raise NotFound(f"That {spec.noun} was entered in error.")
    action = reverse("records:item_edit", args=[section, item.public_id])
    screen = FormScreen(f"Edit {spec.noun}", action, f"#sec-{section}", item.patient, section)
    update = getattr(services, spec.update)
    return run_form(
        request,
        screen,
        blank=lambda: _make_form(spec, request, initial=_initial_from(item, spec), item=item),
        bound=lambda: _make_form(spec, request, data=request.POST, item=item),
        act=lambda data: update(
            actor=request.user,
            **{spec.item_arg: item},
            **_service_args(section, data, updating=True),
        ),
        done=lambda: section_response(request, item.patient, section),
    )


@staff_view("chart.edit")
@require_POST
def nka_record(request: StaffRequest, id) -> HttpResponse:
    patient = selectors.access_chart_patient(user=request.user, id=id, audit=False)
    try:
        services.nka_record(actor=request.user, patient=patient)
    except ApplicationError as exc:
        if not is_htmx(request):
            raise
        ctx = chart_context(request, patient, oob_banner=True, nka_error=exc.message)
        return render(request, f"{CHART}#allergies", ctx, status=409)
    return section_response(request, patient, "allergies")


@staff_view("chart.edit")
@require_http_methods(["GET", "POST"])
def social_edit(request: StaffRequest, id) -> HttpResponse:
    patient = selectors.access_chart_patient(user=request.user, id=id, audit=False)
    current = services.current_social_history(patient)
    action = reverse("records:social_edit", args=[patient.public_id])
    screen = FormScreen("Social history", action, "#sec-social", patient, "social")
    fields = forms.SocialHistoryForm.base_fields
    initial = {n: getattr(current, n) for n in fields} if current else None
    return run_form(
        request,
        screen,
        blank=lambda: forms.SocialHistoryForm(initial=initial),
        bound=lambda: forms.SocialHistoryForm(request.POST),
        act=lambda data: services.social_history_save(actor=request.user, patient=patient, **data),
        done=lambda: section_response(request, patient, "social"),
    )
