"""Marking a chart item entered in error, with a reason (nothing is deleted)."""

from __future__ import annotations

from django.http import HttpResponse
from django.views.decorators.http import require_http_methods

from medassist.core.errors import NotFound
from medassist.core.web import StaffRequest, staff_view
from medassist.records import forms, selectors, services
from medassist.records.views._common import (
    PAGES,
    FormScreen,
    page_response,
    run_form,
    section_response,
)

# item type: (chart section to refresh, service, the service's keyword for the item)
ERROR_SECTIONS = {
    "problem": ("problems", "problem_enter_in_error", "problem"),
    "allergy": ("allergies", "allergy_enter_in_error", "allergy"),
    "nka": ("allergies", "nka_enter_in_error", "nka"),
    "medication": ("medications", "medication_enter_in_error", "medication"),
    "immunization": ("immunizations", "immunization_enter_in_error", "immunization"),
    "history": ("history", "history_entry_enter_in_error", "entry"),
    "social": ("social", "social_history_enter_in_error", "social"),
    "observation": ("observations", "observation_enter_in_error", "observation"),
    "encounter": ("encounters", "encounter_enter_in_error", "encounter"),
    "document": ("documents", "document_enter_in_error", "document"),
    "note": ("encounters", "note_enter_in_error", "note"),
}


def _entered_in_error(request: StaffRequest, item_type: str, item_id) -> HttpResponse:
    if item_type not in ERROR_SECTIONS:
        raise NotFound("No such kind of chart item.")
    section, service, arg = ERROR_SECTIONS[item_type]
    item = selectors.access_item(user=request.user, item_type=item_type, id=item_id)
    patient = item.patient
    title = f"Mark entered in error: {item}"
    screen = FormScreen(
        title, request.path, f"#sec-{section}", patient, section, extra={"danger": True}
    )
    withdraw = getattr(services, service)
    respond = page_response if section in PAGES else section_response
    return run_form(
        request,
        screen,
        blank=forms.EnteredInErrorForm,
        bound=lambda: forms.EnteredInErrorForm(request.POST),
        act=lambda data: withdraw(actor=request.user, **{arg: item}, reason=data["reason"]),
        done=lambda: respond(request, patient, section),
    )


@staff_view("chart.edit")
@require_http_methods(["GET", "POST"])
def item_error(request: StaffRequest, item_type: str, item_id) -> HttpResponse:
    if item_type in ("document", "note"):
        raise NotFound("No such kind of chart item.")
    return _entered_in_error(request, item_type, item_id)


@staff_view("document.upload")
@require_http_methods(["GET", "POST"])
def document_error(request: StaffRequest, item_id) -> HttpResponse:
    return _entered_in_error(request, "document", item_id)


@staff_view("note.write")
@require_http_methods(["GET", "POST"])
def note_error(request: StaffRequest, item_id) -> HttpResponse:
    return _entered_in_error(request, "note", item_id)
