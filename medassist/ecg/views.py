"""ECG screens: the patient's recordings with the upload form (the MA sees whether the
recording is technically acceptable), one recording (the physician sees the measurements and
quality flags and signs it), the physician's list to review, and the tracing PDF."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.errors import ApplicationError, NotFound
from medassist.core.web import StaffRequest, staff_view
from medassist.ecg import selectors, services
from medassist.ecg.forms import RecordingForm
from medassist.ecg.measure import BLOCKING_FLAGS, FLAG_LABELS
from medassist.ecg.models import EcgRecording
from medassist.ecg.pdf import tracing_pdf
from medassist.ecg.readers import read_bytes
from medassist.practice.roles import can
from medassist.records.selectors import access_chart_patient, access_encounter


def _quality_rows(rec: EcgRecording) -> list[dict]:
    return [
        {
            "lead": lead,
            "labels": [FLAG_LABELS.get(f, f) for f in flags],
            "blocking": bool(set(flags) & BLOCKING_FLAGS),
        }
        for lead, flags in (rec.quality or {}).items()
    ]


@staff_view("patient.view")
@require_http_methods(["GET", "POST"])
def patient_recordings(request: StaffRequest, id) -> HttpResponse:
    patient = access_chart_patient(user=request.user, id=id)
    may_record = can(request.user, "ecg.record")
    encounter = None
    enc_id = request.POST.get("encounter") or request.GET.get("encounter")
    if enc_id:
        encounter = access_encounter(user=request.user, id=enc_id)
        if encounter.patient_id != patient.pk:
            raise NotFound("No such encounter.")
    form = RecordingForm() if may_record else None
    if request.method == "POST":
        if not may_record:
            raise NotFound("Your role does not record ECGs.")
        form = RecordingForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                rec = services.ecg_record(
                    actor=request.user,
                    patient=patient,
                    uploaded_file=form.cleaned_data["file"],
                    sampling_rate=form.cleaned_data["sampling_rate"],
                    encounter=encounter,
                    note=form.cleaned_data["note"],
                )
            except ApplicationError as exc:
                form.add_error("file" if exc.field in (None, "file") else None, exc.message)
            else:
                return redirect("ecg:recording", rec.public_id)
    recordings = selectors.patient_ecg_recordings(user=request.user, patient=patient)
    return render(
        request,
        "ecg/patient.html",
        {
            "patient": patient,
            "recordings": recordings,
            "form": form,
            "encounter": encounter,
            "clinic_tz": request.user.clinic.tz,
            "can_review": can(request.user, "ecg.review"),
        },
        status=422 if form is not None and form.errors else 200,
    )


@staff_view("patient.view")
def recording(request: StaffRequest, id) -> HttpResponse:
    rec = selectors.access_ecg_recording(user=request.user, id=id)
    can_review = can(request.user, "ecg.review")
    m = rec.measurements or {}
    return render(
        request,
        "ecg/recording.html",
        {
            "rec": rec,
            "patient": rec.patient,
            "m": m,
            "leads": m.get("leads", []),
            "quality": _quality_rows(rec),
            "can_review": can_review,
            "can_record": can(request.user, "ecg.record"),
            "clinic_tz": request.user.clinic.tz,
        },
    )


@staff_view("ecg.review")
@require_POST
def review(request: StaffRequest, id) -> HttpResponse:
    rec = selectors.access_ecg_recording(user=request.user, id=id, audit=False)
    services.ecg_review(actor=request.user, recording=rec)
    messages.success(request, "Tracing signed as reviewed.")
    return redirect("ecg:recording", rec.public_id)


@staff_view("ecg.record")
@require_POST
def enter_in_error(request: StaffRequest, id) -> HttpResponse:
    rec = selectors.access_ecg_recording(user=request.user, id=id, audit=False)
    try:
        services.ecg_enter_in_error(
            actor=request.user, recording=rec, reason=request.POST.get("reason", "")
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("ecg:recording", rec.public_id)
    messages.success(request, "Recording entered in error.")
    return redirect("ecg:patient", rec.patient.public_id)


@staff_view("ecg.review")
def to_review(request: StaffRequest) -> HttpResponse:
    recs = (
        EcgRecording.objects.filter(
            patient__clinic_id=request.user.clinic_id, status=EcgRecording.Status.RECORDED
        )
        .select_related("patient", "recorded_by")
        .order_by("recorded_at")[:200]
    )
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.LIST,
        object_type="ecg.EcgRecording",
        detail={"list": "to_review"},
    )
    return render(
        request, "ecg/to_review.html", {"recordings": recs, "clinic_tz": request.user.clinic.tz}
    )


@staff_view("ecg.record")
def tracing(request: StaffRequest, id) -> HttpResponse:
    rec = selectors.access_ecg_recording(user=request.user, id=id)
    try:
        with rec.file.open("rb") as fh:
            data = fh.read()
    except (FileNotFoundError, OSError) as exc:
        raise NotFound("The stored file is missing; tell the clinic administrator.") from exc
    recording_data = read_bytes(rec.original_filename or f"x.{rec.format}", data,
                                fs=rec.sampling_rate)
    body = tracing_pdf(recording=rec, leads=recording_data.leads, fs=recording_data.fs,
                       zone=str(request.user.clinic.tz))
    audit_record(actor=request.user, action=AuditEvent.Action.EXPORT, obj=rec,
                 patient=rec.patient, detail={"what": "tracing_pdf"})
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ecg-{rec.public_id}.pdf"'
    return response


# --------------------------------------------------------------------------- in-office tests


@staff_view("patient.view")
@require_http_methods(["GET", "POST"])
def office_tests(request: StaffRequest, id) -> HttpResponse:
    """Vision, hearing and spirometry entered by the MA and filed as Observations."""
    from medassist.ecg import office_tests as ot

    patient = access_chart_patient(user=request.user, id=id)
    error, done, audiogram = "", "", ""
    posted = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        if not can(request.user, "chart.edit"):
            raise NotFound("Your role does not record tests.")
        which = request.POST.get("test")
        try:
            if which == "vision":
                obs = ot.vision_record(
                    actor=request.user, patient=patient, right=posted.get("right", ""),
                    left=posted.get("left", ""), corrected=posted.get("corrected") == "yes",
                )
                done = f"Vision filed ({len(obs)} result(s))."
            elif which == "hearing":
                raw = {ear: {f: posted.get(f"{ear}_{f}", "") for f in ot.FREQUENCIES}
                       for ear in ot.EARS}
                levels = ot.parse_thresholds(raw)
                obs = ot.hearing_record(actor=request.user, patient=patient, thresholds=raw)
                audiogram = ot.audiogram_svg(levels)
                done = f"Hearing filed ({len(obs)} thresholds)."
            elif which == "spirometry":
                obs = ot.spirometry_record(
                    actor=request.user, patient=patient, fev1_l=posted.get("fev1_l", ""),
                    fvc_l=posted.get("fvc_l", ""), height_cm=posted.get("height_cm", ""),
                )
                done = "Spirometry filed: " + "; ".join(
                    f"{o.display} {o.value_quantity.normalize():f} {o.value_unit}"
                    f"{' — ' + o.note if o.note else ''}"
                    for o in obs if o.value_quantity is not None
                )
            else:
                error = "Choose a test."
        except ApplicationError as exc:
            error = f"Nothing was saved. {exc.message}"
    return render(
        request,
        "ecg/office_tests.html",
        {
            "patient": patient,
            "error": error,
            "done": done,
            "audiogram": audiogram,
            "frequencies": [(f, f"{f // 1000}k" if f >= 1000 else str(f)) for f in ot.FREQUENCIES],
            "posted": posted,
            "can_edit": can(request.user, "chart.edit"),
            "clinic_tz": request.user.clinic.tz,
        },
        status=422 if error else 200,
    )


# --------------------------------------------------------------------------- MA procedures


@staff_view("patient.view")
@require_http_methods(["GET", "POST"])
def procedures(request: StaffRequest, id) -> HttpResponse:
    """Record a procedure the MA performed (checklist, consent, wound, supplies, photos);
    the physician co-signs it here."""
    from medassist.records.models import MaKind, Procedure
    from medassist.records.services.procedures_ma import checklist_for, ma_procedure_record

    patient = access_chart_patient(user=request.user, id=id)
    kind = request.POST.get("kind") or request.GET.get("kind") or MaKind.SUTURE_REMOVAL
    if kind not in MaKind.values:
        kind = MaKind.SUTURE_REMOVAL
    items, consent_required = checklist_for(request.user.clinic, kind)
    error = ""
    if request.method == "POST":
        if not can(request.user, "chart.edit"):
            raise NotFound("Your role does not record procedures.")
        supplies = [
            {"name": n, "quantity": q}
            for n, q in zip(request.POST.getlist("supply_name"),
                            request.POST.getlist("supply_qty"), strict=False)
        ]
        try:
            ma_procedure_record(
                actor=request.user,
                patient=patient,
                kind=kind,
                checklist_done=request.POST.getlist("checklist"),
                consent_obtained={"yes": True, "no": False}.get(request.POST.get("consent", "")),
                wound_length_cm=request.POST.get("wound_length_cm"),
                wound_width_cm=request.POST.get("wound_width_cm"),
                wound_depth_cm=request.POST.get("wound_depth_cm"),
                supplies=supplies,
                photos=request.FILES.getlist("photos"),
                body_site=request.POST.get("body_site", ""),
                note=request.POST.get("note", ""),
            )
        except ApplicationError as exc:
            error = f"Nothing was saved. {exc.message}"
        else:
            messages.success(request, f"{MaKind(kind).label} recorded.")
            return redirect("ecg:procedures", patient.public_id)
    done = (
        Procedure.objects.filter(patient=patient)
        .exclude(ma_kind="")
        .exclude(status=Procedure.Status.ENTERED_IN_ERROR)
        .select_related("performed_by", "cosigned_by")
        .prefetch_related("photos")[:50]
    )
    return render(
        request,
        "ecg/procedures.html",
        {
            "patient": patient,
            "kinds": MaKind.choices,
            "kind": kind,
            "items": items,
            "consent_required": consent_required,
            "error": error,
            "procedures": done,
            "can_edit": can(request.user, "chart.edit"),
            "can_cosign": can(request.user, "procedure.cosign"),
            "clinic_tz": request.user.clinic.tz,
        },
        status=422 if error else 200,
    )


@staff_view("procedure.cosign")
@require_POST
def procedure_cosign(request: StaffRequest, item_id) -> HttpResponse:
    from medassist.records.selectors import access_procedure
    from medassist.records.services.procedures_ma import procedure_cosign as cosign

    proc = access_procedure(user=request.user, id=item_id)
    try:
        cosign(actor=request.user, procedure=proc)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Procedure co-signed.")
    return redirect("ecg:procedures", proc.patient.public_id)


# --------------------------------------------------------------------------- checklists


@staff_view("practice.manage")
@require_http_methods(["GET", "POST"])
def checklists(request: StaffRequest) -> HttpResponse:
    """The clinic admin edits each MA procedure kind's checklist (one item a line) and
    whether it needs consent, or goes back to the built-in one."""
    from medassist.records.models import MaKind, ProcedureChecklist
    from medassist.records.services.procedures_ma import (
        checklist_for,
        procedure_checklist_reset,
        procedure_checklist_set,
    )

    error, error_kind, posted = "", "", ""
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        try:
            if request.POST.get("action") == "reset":
                procedure_checklist_reset(actor=request.user, kind=kind)
                done = "back to the built-in checklist"
            else:
                posted = request.POST.get("items", "")
                procedure_checklist_set(
                    actor=request.user,
                    kind=kind,
                    items=posted.splitlines(),
                    consent_required=request.POST.get("consent_required") == "on",
                )
                done = "saved"
        except ApplicationError as exc:
            error, error_kind = f"Nothing was saved. {exc.message}", kind
        else:
            label = MaKind(kind).label
            messages.success(request, f"{label} checklist {done}.")
            return redirect("ecg:checklists")
    own = {
        c.kind for c in ProcedureChecklist.objects.filter(clinic=request.user.clinic)
    }
    rows = []
    for value, label in MaKind.choices:
        items, consent = checklist_for(request.user.clinic, value)
        rows.append({
            "kind": value,
            "label": label,
            "text": posted if value == error_kind else "\n".join(items),
            "consent_required": consent,
            "own": value in own,
            "error": error if value == error_kind else "",
        })
    return render(request, "ecg/checklists.html", {"rows": rows, "error": error},
                  status=422 if error else 200)
