"""Screens of the clinic's own words: the clinic information the assistant repeats (English and
Spanish), the letter templates (clinic admin), and the letters staff produce for a patient
(a PDF preview, or the letter filed to the chart)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from medassist.assistant import letters, services
from medassist.assistant.models import ClinicInfo
from medassist.core.errors import ApplicationError
from medassist.core.web import StaffRequest, clinic_zone, staff_view
from medassist.practice.roles import can

# (field, label, help) of the clinic information screen; each has an English and a Spanish box
INFO_SCREEN = [
    ("hours", "Hours", "e.g. Monday to Friday 8 am to 5 pm; Saturday 9 to noon"),
    ("parking", "Parking", "where to park, whether it is free"),
    ("insurance", "Insurance accepted", "in plain words; empty: the payers set up for billing"),
    ("what_to_bring", "What to bring", "ID, insurance card, medicine list, forms"),
    ("preparation", "Before a visit", "fasting, forms to fill in, arriving early"),
    ("directions", "Directions", "bus lines, landmarks, the entrance"),
]


@staff_view("assistant.manage")
def clinic_info(request: StaffRequest) -> HttpResponse:
    """The clinic's text for patients, as the assistant says it word for word."""
    info = ClinicInfo.objects.filter(clinic=request.user.clinic).first()
    error, saved = "", False
    values = {
        name: getattr(info, name, "") if info else ""
        for field, _, _ in INFO_SCREEN for name in (field, f"{field}_es")
    } | {"letter_signature": info.letter_signature if info else ""}
    status = 200
    if request.method == "POST":
        values = {name: request.POST.get(name, "") for name in values}
        try:
            services.clinic_info_save(actor=request.user, **values)
            return redirect(reverse("assistant:clinic_info") + "?saved=1")
        except ApplicationError as exc:
            error, status = exc.message, 422
    saved = request.GET.get("saved") == "1"
    rows = [
        {"field": f, "label": label, "help": help_text, "en": values[f], "es": values[f"{f}_es"]}
        for f, label, help_text in INFO_SCREEN
    ]
    return render(
        request, "assistant/clinic_info.html",
        {"rows": rows, "signature": values["letter_signature"], "error": error, "saved": saved,
         "limit": services.INFO_LIMIT},
        status=status,
    )


@staff_view("assistant.manage")
def letter_templates(request: StaffRequest) -> HttpResponse:
    """The clinic's letter templates; a new one is added with the form at the bottom."""
    return _templates_page(request, editing=None)


@staff_view("assistant.manage")
def letter_template_edit(request: StaffRequest, key: str) -> HttpResponse:
    language = request.POST.get("language") or request.GET.get("lang") or "en"
    template = letters.letter_template(
        clinic=request.user.clinic, key=key, language=language
    )  # else 404 (an unknown language: 422)
    return _templates_page(request, editing=template)


def _templates_page(request: StaffRequest, *, editing) -> HttpResponse:
    error, status = "", 200
    form = {
        "key": getattr(editing, "key", ""),
        "title": getattr(editing, "title", ""),
        "body": getattr(editing, "body", ""),
        "active": getattr(editing, "active", True),
        "language": getattr(editing, "language", "en"),
    }
    if request.method == "POST":
        form = {
            "key": request.POST.get("key", form["key"]) if editing is None else editing.key,
            "title": request.POST.get("title", ""),
            "body": request.POST.get("body", ""),
            "active": request.POST.get("active") == "on",
            "language": request.POST.get("language", "en") if editing is None
            else editing.language,
        }
        try:
            letters.letter_template_save(
                actor=request.user, key=str(form["key"]), title=str(form["title"]),
                body=str(form["body"]), active=bool(form["active"]),
                language=str(form["language"]),
            )
            return redirect("assistant:letter_templates")
        except ApplicationError as exc:
            error, status = exc.message, 422
    return render(
        request, "assistant/letter_templates.html",
        {"templates": letters.letter_templates(clinic=request.user.clinic), "editing": editing,
         "form": form, "error": error, "placeholders": letters.PLACEHOLDERS,
         "languages": letters.LANGUAGES},
        status=status,
    )


@staff_view("assistant.letters")
def patient_letters(request: StaffRequest, patient) -> HttpResponse:
    """Letters for one patient: preview any of the clinic's letters, or file one to the chart
    (then it is in the patient's documents)."""
    from medassist.patients.selectors import access_patient

    clinic_zone(request.user.clinic)
    who = access_patient(user=request.user, id=patient)
    error, filed, status = "", None, 200
    if request.method == "POST":
        try:
            filed = letters.letter_file(
                actor=request.user, kind=request.POST.get("kind", ""), patient=who
            )
        except ApplicationError as exc:
            error, status = exc.message, exc.status
    keys = sorted({t.key for t in letters.letter_templates(clinic=request.user.clinic) if t.active})
    templates = []
    for key in keys:
        try:
            templates.append(
                letters.letter_for_patient(clinic=request.user.clinic, key=key, patient=who)
            )
        except ApplicationError:
            continue  # only its other language is in use and that is not the patient's
    return render(
        request, "assistant/patient_letters.html",
        {"patient": who, "templates": templates, "error": error, "filed": filed,
         "can_documents": can(request.user, "patient.view")},
        status=status,
    )


@staff_view("assistant.letters")
def letter(request: StaffRequest, kind: str, patient: str) -> HttpResponse:
    """The letter as a PDF to look at (not filed)."""
    from medassist.patients.selectors import access_patient

    who = access_patient(user=request.user, id=patient)
    pdf = letters.letter_pdf(actor=request.user, kind=kind, patient=who)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{kind}-{who.mrn}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
