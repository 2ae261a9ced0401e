"""Encounters and their notes: start an encounter; write, edit, sign and amend notes."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from medassist.core.web import StaffRequest, staff_view
from medassist.records import forms, selectors, services
from medassist.records.errors import NoteSigned
from medassist.records.models import Note
from medassist.records.views._common import (
    CHART,
    FormScreen,
    chart_context,
    chart_url,
    is_htmx,
    page_response,
    run_form,
)


def _encounter_response(request: StaffRequest, encounter) -> HttpResponse:
    """After a change to a note: the encounter with its notes (htmx), or the chart there."""
    if not is_htmx(request):
        return redirect(chart_url(encounter.patient, f"enc-{encounter.public_id}"))
    one = selectors.encounter_with_notes(encounter)
    ctx = chart_context(request, encounter.patient, sections=False, e=one)
    return render(request, f"{CHART}#encounter", ctx)


def _note_screen(title: str, action: str, encounter, **extra) -> FormScreen:
    target = f"#enc-{encounter.public_id}"
    return FormScreen(title, action, target, encounter.patient, "encounters", extra=extra)


@staff_view("chart.edit")
@require_http_methods(["GET", "POST"])
def encounter_new(request: StaffRequest, id) -> HttpResponse:
    patient = selectors.access_chart_patient(user=request.user, id=id, audit=False)
    action = reverse("records:encounter_new", args=[patient.public_id])
    screen = FormScreen("Start an encounter", action, "#sec-encounters", patient, "encounters")
    now = timezone.localtime(timezone=request.user.clinic.tz).replace(second=0, microsecond=0)
    provider = getattr(request.user, "provider", None)
    return run_form(
        request,
        screen,
        blank=lambda: forms.EncounterForm(initial={"start": now, "type_display": "Office visit"}),
        bound=lambda: forms.EncounterForm(request.POST),
        act=lambda data: services.encounter_create(
            actor=request.user, patient=patient, provider=provider, **data
        ),
        done=lambda: page_response(request, patient, "encounters"),
    )


@staff_view("note.write")
@require_http_methods(["GET", "POST"])
def note_new(request: StaffRequest, encounter_id) -> HttpResponse:
    encounter = selectors.access_encounter(user=request.user, id=encounter_id)
    action = reverse("records:note_new", args=[encounter.public_id])
    return run_form(
        request,
        _note_screen("New note", action, encounter),
        blank=forms.NoteForm,
        bound=lambda: forms.NoteForm(request.POST),
        act=lambda data: services.note_create(actor=request.user, encounter=encounter, **data),
        done=lambda: _encounter_response(request, encounter),
    )


@staff_view("note.write")
@require_http_methods(["GET", "POST"])
def note_edit(request: StaffRequest, note_id) -> HttpResponse:
    note = selectors.access_note(user=request.user, id=note_id)
    if note.status != Note.Status.DRAFT:
        raise NoteSigned("A signed note cannot be edited. Amend it with a reason instead.")
    action = reverse("records:note_edit", args=[note.public_id])
    initial = {"note_type": note.note_type, "title": note.title, "body": note.body}
    return run_form(
        request,
        _note_screen("Edit draft note", action, note.encounter),
        blank=lambda: forms.NoteForm(initial=initial),
        bound=lambda: forms.NoteForm(request.POST),
        act=lambda data: services.note_update(actor=request.user, note=note, **data),
        done=lambda: _encounter_response(request, note.encounter),
    )


@staff_view("note.sign")
@require_POST
def note_sign(request: StaffRequest, note_id) -> HttpResponse:
    note = selectors.access_note(user=request.user, id=note_id)
    services.note_sign(actor=request.user, note=note)
    return _encounter_response(request, note.encounter)


@staff_view("note.sign")
@require_http_methods(["GET", "POST"])
def note_amend(request: StaffRequest, note_id) -> HttpResponse:
    note = selectors.access_note(user=request.user, id=note_id)
    action = reverse("records:note_amend", args=[note.public_id])
    title = f"Amend signed note: {note.title}"
    return run_form(
        request,
        _note_screen(title, action, note.encounter, original=note),
        blank=lambda: forms.AmendForm(initial={"body": note.body}),
        bound=lambda: forms.AmendForm(request.POST),
        act=lambda data: services.note_amend(actor=request.user, note=note, **data),
        done=lambda: _encounter_response(request, note.encounter),
    )
