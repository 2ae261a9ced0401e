"""The chart screens: one page (records/chart.html) with htmx partials for each section."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from medassist.core.errors import ApplicationError, NotFound, PermissionDenied
from medassist.core.web import StaffRequest, form_errors, staff_view
from medassist.practice.models import Provider
from medassist.practice.roles import can
from medassist.records import forms, selectors, services
from medassist.records.charts import KG_TO_LB, vitals_trends
from medassist.records.models import ENTERED_IN_ERROR, Note

CHART = "records/chart.html"


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _tz(request: HttpRequest):
    user: Any = request.user
    return user.clinic.tz


# --- context and responses ----------------------------------------------------------------


def _perms(user) -> dict:
    return {
        "can_edit": can(user, "chart.edit"),
        "can_note": can(user, "note.write"),
        "can_sign": can(user, "note.sign"),
        "can_upload": can(user, "document.upload"),
    }


def _age(patient, user) -> int:
    return patient.age_on(timezone.localdate(timezone=user.clinic.tz))


def _vitals_rows(vitals) -> list[dict]:
    rows = []
    for v in reversed(vitals):  # newest first in the table
        rows.append(
            {
                "v": v,
                "bp": f"{v.bp_systolic}/{v.bp_diastolic}"
                if v.bp_systolic and v.bp_diastolic
                else "",
                "weight_lb": round(float(v.weight_kg) * KG_TO_LB, 1) if v.weight_kg else None,
            }
        )
    return rows


def _context(request: HttpRequest, patient, *, sections: bool = True, **extra) -> dict:
    user = request.user
    ctx = {
        "patient": patient,
        "age": _age(patient, user),
        "clinic_tz": _tz(request),
        **_perms(user),
        **extra,
    }
    if sections:
        summary = selectors.chart_summary(patient)
        ctx.update(
            summary=summary,
            vitals_rows=_vitals_rows(summary.vitals),
            trends=vitals_trends(summary.vitals),
        )
    return ctx


def _page_number(request: HttpRequest, name: str = "page") -> int:
    try:
        return max(1, int(request.GET.get(name, 1)))
    except (TypeError, ValueError):
        return 1


def _chart_url(patient, anchor: str = "") -> str:
    url = reverse("records:chart", args=[patient.public_id])
    return f"{url}#{anchor}" if anchor else url


def _form_response(request, *, form, title, action, target, patient, status=200, **extra):
    ctx = {
        "form": form,
        "form_title": title,
        "action": action,
        "target": target,
        "patient": patient,
        "cancel_url": _chart_url(patient, target.lstrip("#")),
        **extra,
    }
    template = f"{CHART}#form" if _htmx(request) else "records/form_page.html"
    response = render(request, template, ctx, status=status)
    if _htmx(request) and status >= 400:  # show the errors in place of the form
        response["HX-Retarget"] = "#chart-form"
        response["HX-Reswap"] = "outerHTML"
    return response


def _section_response(request, patient, section: str) -> HttpResponse:
    if not _htmx(request):
        return redirect(_chart_url(patient, f"sec-{section}"))
    ctx = _context(request, patient, oob_banner=section in ("allergies",))
    return render(request, f"{CHART}#{section}", ctx)


def _fail(request, form, exc: ApplicationError, **kwargs) -> HttpResponse:
    if isinstance(exc, (PermissionDenied, NotFound)):
        raise exc
    form_errors(form, exc)
    return _form_response(request, form=form, status=422, **kwargs)


# --- the chart ----------------------------------------------------------------------------


@staff_view("patient.view")
def chart(request: StaffRequest, id) -> HttpResponse:
    patient = selectors.access_chart_patient(user=request.user, id=id)
    ctx = _context(
        request,
        patient,
        encounters=selectors.encounter_page(patient, _page_number(request, "enc")),
        documents=selectors.document_page(patient, _page_number(request, "doc")),
        observations=selectors.observation_page(patient, _page_number(request, "obs")),
    )
    return render(request, CHART, ctx)


@staff_view("patient.view")
def encounters(request: StaffRequest, id) -> HttpResponse:
    patient = selectors.access_chart_patient(user=request.user, id=id)
    page = selectors.encounter_page(patient, _page_number(request, "enc"))
    ctx = _context(request, patient, sections=False, encounters=page)
    return render(request, f"{CHART}#encounters", ctx)


@staff_view("patient.view")
def documents(request: StaffRequest, id) -> HttpResponse:
    patient = selectors.access_chart_patient(user=request.user, id=id)
    page = selectors.document_page(patient, _page_number(request, "doc"))
    ctx = _context(request, patient, sections=False, documents=page)
    return render(request, f"{CHART}#documents", ctx)


@staff_view("patient.view")
def observations(request: StaffRequest, id) -> HttpResponse:
    patient = selectors.access_chart_patient(user=request.user, id=id)
    page = selectors.observation_page(patient, _page_number(request, "obs"))
    ctx = _context(request, patient, sections=False, observations=page)
    return render(request, f"{CHART}#observations", ctx)


# --- list sections: add / edit -------------------------------------------------------------


def _providers(user):
    return Provider.objects.filter(clinic_id=user.clinic_id, active=True)


SECTIONS = {
    # section: (item type, form, title, create service, update service, item kwarg)
    "problems": ("problem", forms.ProblemForm, "problem", "problem_create", "problem_update"),
    "allergies": ("allergy", forms.AllergyForm, "allergy", "allergy_create", "allergy_update"),
    "medications": (
        "medication",
        forms.MedicationForm,
        "medication",
        "medication_create",
        "medication_update",
    ),
    "immunizations": (
        "immunization",
        forms.ImmunizationForm,
        "immunization",
        "immunization_create",
        "immunization_update",
    ),
    "history": (
        "history",
        forms.HistoryEntryForm,
        "history entry",
        "history_entry_create",
        "history_entry_update",
    ),
}
UPDATE_ARG = {
    "problem": "problem",
    "allergy": "allergy",
    "medication": "medication",
    "immunization": "immunization",
    "history": "entry",
}


def _make_form(section, request, data=None, initial=None, item=None):
    form_class = SECTIONS[section][1]
    kwargs: dict = {"data": data, "initial": initial}
    if form_class is forms.MedicationForm:
        kwargs["providers"] = _providers(request.user)
    if form_class is forms.ImmunizationForm:
        kwargs["current_code"] = item.code if item is not None else ""
    return form_class(**kwargs)


def _initial_from(item, section) -> dict:
    form_class = SECTIONS[section][1]
    initial = {}
    for name in form_class.base_fields:
        if name in ("substance", "drug_name"):
            initial[name] = item.display
        elif name == "cvx_code":
            initial[name] = item.code
        elif name == "prescriber":
            initial[name] = item.prescriber.public_id if item.prescriber_id else None
        elif hasattr(item, name):
            initial[name] = getattr(item, name)
    return initial


def _service_args(section, cleaned: dict, *, updating: bool) -> dict:
    data = dict(cleaned)
    if section == "problems":
        data.pop("display", None) if not data.get("display") else None
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
    if section not in SECTIONS:
        raise NotFound("No such chart section.")
    patient = selectors.access_chart_patient(user=request.user, id=id, audit=False)
    _, _, noun, create, _ = SECTIONS[section]
    action = reverse("records:section_add", args=[patient.public_id, section])
    initial = {"kind": request.GET.get("kind")} if section == "history" else None
    kw = {
        "title": f"Add {noun}",
        "action": action,
        "target": f"#sec-{section}",
        "patient": patient,
        "section": section,
    }
    if request.method == "GET":
        return _form_response(request, form=_make_form(section, request, initial=initial), **kw)
    form = _make_form(section, request, data=request.POST)
    if not form.is_valid():
        return _form_response(request, form=form, status=422, **kw)
    try:
        getattr(services, create)(
            actor=request.user,
            patient=patient,
            **_service_args(section, form.cleaned_data, updating=False),
        )
    except ApplicationError as exc:
        return _fail(request, form, exc, **kw)
    return _section_response(request, patient, section)


@staff_view("chart.edit")
@require_http_methods(["GET", "POST"])
def item_edit(request: StaffRequest, section: str, item_id) -> HttpResponse:
    if section not in SECTIONS:
        raise NotFound("No such chart section.")
    item_type, _, noun, _, update = SECTIONS[section]
    item = selectors.access_item(user=request.user, item_type=item_type, id=item_id)
    if item.is_entered_in_error:
        raise NotFound(f"That {noun} was entered in error.")
    patient = item.patient
    kw = {
        "title": f"Edit {noun}",
        "action": reverse("records:item_edit", args=[section, item.public_id]),
        "target": f"#sec-{section}",
        "patient": patient,
        "section": section,
    }
    if request.method == "GET":
        form = _make_form(section, request, initial=_initial_from(item, section), item=item)
        return _form_response(request, form=form, **kw)
    form = _make_form(section, request, data=request.POST, item=item)
    if not form.is_valid():
        return _form_response(request, form=form, status=422, **kw)
    try:
        getattr(services, update)(
            actor=request.user,
            **{UPDATE_ARG[item_type]: item},
            **_service_args(section, form.cleaned_data, updating=True),
        )
    except ApplicationError as exc:
        return _fail(request, form, exc, **kw)
    return _section_response(request, patient, section)


@staff_view("chart.edit")
@require_POST
def nka_record(request: StaffRequest, id) -> HttpResponse:
    patient = selectors.access_chart_patient(user=request.user, id=id, audit=False)
    try:
        services.nka_record(actor=request.user, patient=patient)
    except ApplicationError as exc:
        if not _htmx(request):
            raise
        ctx = _context(request, patient, oob_banner=True, nka_error=exc.message)
        return render(request, f"{CHART}#allergies", ctx, status=409)
    return _section_response(request, patient, "allergies")


@staff_view("chart.edit")
@require_http_methods(["GET", "POST"])
def social_edit(request: StaffRequest, id) -> HttpResponse:
    patient = selectors.access_chart_patient(user=request.user, id=id, audit=False)
    current = services.current_social_history(patient)
    kw = {
        "title": "Social history",
        "action": reverse("records:social_edit", args=[patient.public_id]),
        "target": "#sec-social",
        "patient": patient,
        "section": "social",
    }
    if request.method == "GET":
        initial = (
            {n: getattr(current, n) for n in forms.SocialHistoryForm.base_fields}
            if current
            else None
        )
        return _form_response(request, form=forms.SocialHistoryForm(initial=initial), **kw)
    form = forms.SocialHistoryForm(request.POST)
    if not form.is_valid():
        return _form_response(request, form=form, status=422, **kw)
    try:
        services.social_history_save(actor=request.user, patient=patient, **form.cleaned_data)
    except ApplicationError as exc:
        return _fail(request, form, exc, **kw)
    return _section_response(request, patient, "social")


# --- entered in error ----------------------------------------------------------------------

ERROR_SECTIONS = {
    "problem": ("problems", "problem_enter_in_error", "problem", "chart.edit"),
    "allergy": ("allergies", "allergy_enter_in_error", "allergy", "chart.edit"),
    "nka": ("allergies", "nka_enter_in_error", "nka", "chart.edit"),
    "medication": ("medications", "medication_enter_in_error", "medication", "chart.edit"),
    "immunization": ("immunizations", "immunization_enter_in_error", "immunization", "chart.edit"),
    "history": ("history", "history_entry_enter_in_error", "entry", "chart.edit"),
    "social": ("social", "social_history_enter_in_error", "social", "chart.edit"),
    "observation": ("observations", "observation_enter_in_error", "observation", "chart.edit"),
    "encounter": ("encounters", "encounter_enter_in_error", "encounter", "chart.edit"),
    "document": ("documents", "document_enter_in_error", "document", "document.upload"),
    "note": ("encounters", "note_enter_in_error", "note", "note.write"),
}


def _entered_in_error(request: HttpRequest, item_type: str, item_id) -> HttpResponse:
    if item_type not in ERROR_SECTIONS:
        raise NotFound("No such kind of chart item.")
    section, service, arg, _ = ERROR_SECTIONS[item_type]
    item = selectors.access_item(user=request.user, item_type=item_type, id=item_id)
    patient = item.patient
    kw = {
        "title": f"Mark entered in error: {item}",
        "action": request.path,
        "target": f"#sec-{section}",
        "patient": patient,
        "section": section,
        "danger": True,
    }
    if request.method == "GET":
        return _form_response(request, form=forms.EnteredInErrorForm(), **kw)
    form = forms.EnteredInErrorForm(request.POST)
    if not form.is_valid():
        return _form_response(request, form=form, status=422, **kw)
    try:
        getattr(services, service)(
            actor=request.user, **{arg: item}, reason=form.cleaned_data["reason"]
        )
    except ApplicationError as exc:
        return _fail(request, form, exc, **kw)
    if section in ("encounters", "documents", "observations"):
        if not _htmx(request):
            return redirect(_chart_url(patient, f"sec-{section}"))
        page = {
            "encounters": selectors.encounter_page,
            "documents": selectors.document_page,
            "observations": selectors.observation_page,
        }[section](patient)
        ctx = _context(request, patient, sections=False, **{section: page})
        return render(request, f"{CHART}#{section}", ctx)
    return _section_response(request, patient, section)


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


# --- encounters and notes ----------------------------------------------------------------


def _encounter_response(request, encounter) -> HttpResponse:
    patient = encounter.patient
    if not _htmx(request):
        return redirect(_chart_url(patient, f"enc-{encounter.public_id}"))
    page = selectors.encounter_page(patient)
    one = next((e for e in page.object_list if e.pk == encounter.pk), None)
    if one is None:  # not on the first page: load it with its notes
        from django.db.models import Prefetch

        from medassist.records.models import Encounter

        notes = Note.objects.select_related("author", "signed_by", "amends").order_by("created_at")
        one = (
            Encounter.objects.select_related("provider")
            .prefetch_related(Prefetch("notes", queryset=notes))
            .get(pk=encounter.pk)
        )
    ctx = _context(request, patient, sections=False, e=one)
    return render(request, f"{CHART}#encounter", ctx)


@staff_view("chart.edit")
@require_http_methods(["GET", "POST"])
def encounter_new(request: StaffRequest, id) -> HttpResponse:
    patient = selectors.access_chart_patient(user=request.user, id=id, audit=False)
    kw = {
        "title": "Start an encounter",
        "action": reverse("records:encounter_new", args=[patient.public_id]),
        "target": "#sec-encounters",
        "patient": patient,
        "section": "encounters",
    }
    if request.method == "GET":
        now = timezone.localtime(timezone=_tz(request)).replace(second=0, microsecond=0)
        form = forms.EncounterForm(initial={"start": now, "type_display": "Office visit"})
        return _form_response(request, form=form, **kw)
    form = forms.EncounterForm(request.POST)
    if not form.is_valid():
        return _form_response(request, form=form, status=422, **kw)
    provider = (
        getattr(request.user, "provider", None) if hasattr(request.user, "provider") else None
    )
    try:
        services.encounter_create(
            actor=request.user, patient=patient, provider=provider, **form.cleaned_data
        )
    except ApplicationError as exc:
        return _fail(request, form, exc, **kw)
    if not _htmx(request):
        return redirect(_chart_url(patient, "sec-encounters"))
    ctx = _context(request, patient, sections=False, encounters=selectors.encounter_page(patient))
    return render(request, f"{CHART}#encounters", ctx)


@staff_view("note.write")
@require_http_methods(["GET", "POST"])
def note_new(request: StaffRequest, encounter_id) -> HttpResponse:
    encounter = selectors.access_encounter(user=request.user, id=encounter_id)
    kw = {
        "title": "New note",
        "action": reverse("records:note_new", args=[encounter.public_id]),
        "target": f"#enc-{encounter.public_id}",
        "patient": encounter.patient,
        "section": "encounters",
    }
    if request.method == "GET":
        return _form_response(request, form=forms.NoteForm(), **kw)
    form = forms.NoteForm(request.POST)
    if not form.is_valid():
        return _form_response(request, form=form, status=422, **kw)
    try:
        services.note_create(actor=request.user, encounter=encounter, **form.cleaned_data)
    except ApplicationError as exc:
        return _fail(request, form, exc, **kw)
    return _encounter_response(request, encounter)


@staff_view("note.write")
@require_http_methods(["GET", "POST"])
def note_edit(request: StaffRequest, note_id) -> HttpResponse:
    note = selectors.access_note(user=request.user, id=note_id)
    kw = {
        "title": "Edit draft note",
        "action": reverse("records:note_edit", args=[note.public_id]),
        "target": f"#enc-{note.encounter.public_id}",
        "patient": note.patient,
        "section": "encounters",
    }
    if note.status != Note.Status.DRAFT:
        from medassist.core.errors import Conflict

        raise Conflict("A signed note cannot be edited. Amend it with a reason instead.")
    if request.method == "GET":
        initial = {"note_type": note.note_type, "title": note.title, "body": note.body}
        return _form_response(request, form=forms.NoteForm(initial=initial), **kw)
    form = forms.NoteForm(request.POST)
    if not form.is_valid():
        return _form_response(request, form=form, status=422, **kw)
    try:
        services.note_update(actor=request.user, note=note, **form.cleaned_data)
    except ApplicationError as exc:
        return _fail(request, form, exc, **kw)
    return _encounter_response(request, note.encounter)


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
    kw = {
        "title": f"Amend signed note: {note.title}",
        "action": reverse("records:note_amend", args=[note.public_id]),
        "target": f"#enc-{note.encounter.public_id}",
        "patient": note.patient,
        "section": "encounters",
        "original": note,
    }
    if request.method == "GET":
        return _form_response(request, form=forms.AmendForm(initial={"body": note.body}), **kw)
    form = forms.AmendForm(request.POST)
    if not form.is_valid():
        return _form_response(request, form=form, status=422, **kw)
    try:
        services.note_amend(actor=request.user, note=note, **form.cleaned_data)
    except ApplicationError as exc:
        return _fail(request, form, exc, **kw)
    return _encounter_response(request, note.encounter)


# --- documents ----------------------------------------------------------------------------


@staff_view("document.upload")
@require_http_methods(["GET", "POST"])
def document_upload(request: StaffRequest, id) -> HttpResponse:
    patient = selectors.access_chart_patient(user=request.user, id=id, audit=False)
    kw = {
        "title": "Upload a document",
        "action": reverse("records:document_upload", args=[patient.public_id]),
        "target": "#sec-documents",
        "patient": patient,
        "section": "documents",
        "multipart": True,
    }
    if request.method == "GET":
        return _form_response(request, form=forms.DocumentForm(), **kw)
    form = forms.DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _form_response(request, form=form, status=422, **kw)
    data = dict(form.cleaned_data)
    try:
        services.document_upload(
            actor=request.user, patient=patient, uploaded_file=data.pop("file"), **data
        )
    except ApplicationError as exc:
        return _fail(request, form, exc, **kw)
    if not _htmx(request):
        return redirect(_chart_url(patient, "sec-documents"))
    ctx = _context(request, patient, sections=False, documents=selectors.document_page(patient))
    return render(request, f"{CHART}#documents", ctx)


@staff_view("patient.view")
def document_download(request: StaffRequest, item_id) -> FileResponse:
    doc = selectors.document_for_download(user=request.user, id=item_id)
    if doc.status == ENTERED_IN_ERROR and not can(request.user, "document.upload"):
        raise NotFound("That document was entered in error.")
    try:
        handle = doc.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise NotFound("The stored file is missing; tell the clinic administrator.") from exc
    ext = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg", "image/tiff": "tif"}
    filename = f"{doc.title[:80]}.{ext.get(doc.content_type, 'bin')}"
    response = FileResponse(handle, content_type=doc.content_type, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


# --- history ------------------------------------------------------------------------------


@staff_view("patient.view")
def item_history(request: StaffRequest, item_type: str, item_id) -> HttpResponse:
    item = selectors.access_item(user=request.user, item_type=item_type, id=item_id)
    patient = item.patient
    rows = selectors.item_history(item, user=request.user)
    ctx = _context(request, patient, sections=False, item=item, rows=rows, item_type=item_type)
    template = "records/history.html#item" if _htmx(request) else "records/history.html"
    return render(request, template, ctx)


@staff_view("patient.view")
def patient_history(request: StaffRequest, id) -> HttpResponse:
    patient = selectors.access_chart_patient(user=request.user, id=id)
    page = selectors.patient_history_page(patient, _page_number(request))
    ctx = _context(
        request,
        patient,
        sections=False,
        page=page,
        withdrawn=selectors.entered_in_error_items(patient),
    )
    return render(request, "records/history.html", ctx)
