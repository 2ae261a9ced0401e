"""Billing screens: the biller's worklist, the superbill, a claim (scrub, send), remittance
upload, the patient's ledger and statement, A/R aging and the daily close.

Thin views: selectors read (and audit), billing.services write; a refused step shows its
message on the page and changes nothing."""

from __future__ import annotations

import secrets
from datetime import date

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from medassist.billing import selectors, services
from medassist.billing.models import Claim, ClaimBatch, FeeScheduleItem, LedgerEntry
from medassist.billing.services import LineInput
from medassist.billing.statement import statement_pdf
from medassist.core.clock import clinic_today
from medassist.core.errors import ApplicationError, NotFound, ValidationFailed
from medassist.core.web import StaffRequest, staff_view
from medassist.patients.selectors import access_patient
from medassist.practice.roles import can
from medassist.records.selectors import access_encounter

MAX_SUPERBILL_LINES = 12  # more than six go on CMS-1500 continuation forms


@staff_view("billing.claims")
def worklist(request: StaffRequest) -> HttpResponse:
    try:
        days = max(1, min(365, int(request.GET.get("days", "30"))))
    except ValueError:
        days = 30
    work = selectors.biller_worklist(user=request.user, unpaid_days=days)
    return render(
        request,
        "billing/worklist.html",
        {
            "work": work,
            "days": days,
            "tz": request.user.clinic.tz,
            "can_setup": can(request.user, "billing.setup"),
        },
    )


def _int_list(raw: str) -> list[int]:
    out = []
    for part in raw.replace(",", " ").split():
        if not part.isdigit():
            raise ValidationFailed(f"Diagnosis pointer {part!r} is not a number.", field="lines")
        out.append(int(part))
    return out


def _superbill_rows(post) -> list[dict]:
    """The procedure lines of the form, as typed when a claim was refused (nothing is lost)."""
    defaults = {"code": "", "units": "1", "modifiers": "", "pointers": "1", "charge": ""}
    post = post or {}
    return [
        {"n": n} | {name: post.get(f"{name}_{n}", empty) for name, empty in defaults.items()}
        for n in range(MAX_SUPERBILL_LINES)
    ]


@staff_view("billing.code")
def superbill(request: StaffRequest, id) -> HttpResponse:
    encounter = access_encounter(user=request.user, id=id)
    start = selectors.superbill_starting_point(user=request.user, encounter=encounter)
    error = ""
    if request.method == "POST":
        post = request.POST
        try:
            diagnoses = [c for c in post.get("diagnoses", "").replace(",", " ").split() if c]
            lines = []
            for n in range(MAX_SUPERBILL_LINES):
                code = post.get(f"code_{n}", "").strip()
                if not code:
                    continue
                lines.append(
                    LineInput(
                        code=code,
                        units=post.get(f"units_{n}", "1").strip() or "1",
                        modifiers=post.get(f"modifiers_{n}", "").split(),
                        pointers=_int_list(post.get(f"pointers_{n}", "1")) or [1],
                        charge=post.get(f"charge_{n}", "").strip() or None,
                    )
                )
            coverage = encounter.patient.coverages.filter(active=True).order_by("priority").first()
            claim = services.claim_create(
                actor=request.user,
                patient=encounter.patient,
                coverage=coverage,
                encounter=encounter,
                service_date=encounter.start.astimezone(request.user.clinic.tz).date(),
                rendering_provider=encounter.provider,
                diagnoses=diagnoses,
                lines=lines,
                place_of_service=post.get("place_of_service", "11"),
            )
            if can(request.user, "billing.view"):
                return redirect("billing:claim", id=claim.public_id)
            messages.success(request, f"Claim {claim.number} was created for the biller.")
            return redirect("billing:superbill", id=encounter.public_id)
        except ApplicationError as exc:
            error = exc.message
    fees = FeeScheduleItem.objects.filter(clinic=request.user.clinic, active=True)
    places, default_pos = selectors.places_of_service_offered(clinic=request.user.clinic)
    prefill = [code for code, _ in start.problems][:12]
    return render(
        request,
        "billing/superbill.html",
        {
            "encounter": encounter,
            "patient": encounter.patient,
            "start": start,
            "error": error,
            "fees": fees,
            "rows": _superbill_rows(request.POST if request.method == "POST" else None),
            "prefill": " ".join(prefill),
            "post": request.POST if request.method == "POST" else {},
            "places": places,
            "pos": request.POST.get("place_of_service", default_pos),
        },
        status=422 if error else 200,
    )


@staff_view("billing.view")
def claim_detail(request: StaffRequest, id) -> HttpResponse:
    claim = selectors.access_claim(user=request.user, id=id)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "scrub":
                problems = services.claim_scrub(actor=request.user, claim=claim)
                if not problems:
                    messages.success(request, f"Claim {claim.number} is clean and ready to send.")
            elif action == "send":
                batch = services.batch_create(
                    actor=request.user, claims=[claim], idempotency_key=request.POST.get("key", "")
                )
                messages.success(request, f"Sent in 837P batch {batch.interchange_number:09d}.")
            else:
                raise ValidationFailed("Unknown action.")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("billing:claim", id=claim.public_id)
    return render(
        request,
        "billing/claim.html",
        {
            "claim": claim,
            "lines": list(claim.lines.all()),
            "key": secrets.token_urlsafe(16),
            "remittance_lines": list(claim.remittance_lines.all()),
        },
    )


@staff_view("billing.claims")
def batch_file(request: StaffRequest, number: int) -> HttpResponse:
    batch = ClaimBatch.objects.filter(clinic=request.user.clinic, interchange_number=number).first()
    if batch is None:
        raise NotFound("No such batch in your clinic.")
    response = HttpResponse(batch.content, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="837P-{number:09d}.x12"'
    return response


@staff_view("billing.claims")
def remittance_upload(request: StaffRequest) -> HttpResponse:
    reports: list = []
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        data = upload.read() if upload else request.POST.get("text", "").encode()
        try:
            if not data.strip():
                raise ValidationFailed("Choose an 835 file.", field="file")
            if request.POST.get("kind") == "ack":
                changed = services.acknowledgement_apply(actor=request.user, data=data)
                messages.success(request, f"Acknowledgement read onto {len(changed)} claim(s).")
                return redirect("billing:worklist")
            reports = services.remittance_import_835(actor=request.user, data=data)
        except ApplicationError as exc:
            error = exc.message
    return render(request, "billing/remittance.html", {"reports": reports, "error": error})


@staff_view("billing.view")
def ledger(request: StaffRequest, id) -> HttpResponse:
    patient = access_patient(user=request.user, id=id)
    entries = selectors.access_ledger(user=request.user, patient=patient)
    error = ""
    if request.method == "POST":
        try:
            services.ledger_post(
                actor=request.user,
                patient=patient,
                kind=request.POST.get("kind", ""),
                amount=request.POST.get("amount", ""),
                memo=request.POST.get("memo", ""),
            )
            return redirect("billing:ledger", id=patient.public_id)
        except ApplicationError as exc:
            error = exc.message
    return render(
        request,
        "billing/ledger.html",
        {
            "patient": patient,
            "entries": entries,
            "error": error,
            "balance": selectors.patient_balance(patient=patient),
            "insurance": selectors.insurance_balance(patient=patient),
            "tz": request.user.clinic.tz,
        },
    )


@staff_view("billing.view")
def statement(request: StaffRequest, id) -> HttpResponse:
    patient = access_patient(user=request.user, id=id)
    entries = selectors.access_ledger(user=request.user, patient=patient)
    pdf = statement_pdf(
        patient=patient, entries=entries, balance=selectors.patient_balance(patient=patient)
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="statement-{patient.mrn}.pdf"'
    return response


def _day(raw: str, default: date) -> date:
    try:
        return date.fromisoformat(raw) if raw else default
    except ValueError:
        return default


@staff_view("billing.view")
def aging(request: StaffRequest) -> HttpResponse:
    clinic = request.user.clinic
    as_of = _day(request.GET.get("as_of", ""), clinic_today(clinic))
    report = selectors.ar_aging(clinic=clinic, as_of=as_of)
    return render(
        request,
        "billing/aging.html",
        {
            "as_of": as_of,
            "report": report,
            "buckets": selectors.AGING_BUCKETS,
            "chart": selectors.aging_chart_svg(report["payers"] + report["patients"]),
        },
    )


@staff_view("billing.view")
def daily_close(request: StaffRequest) -> HttpResponse:
    clinic = request.user.clinic
    day = _day(request.GET.get("day", ""), clinic_today(clinic))
    close = selectors.daily_close(clinic=clinic, day=day)
    entries = LedgerEntry.objects.filter(clinic=clinic, posted_on=day).select_related("patient")
    return render(request, "billing/close.html", {"close": close, "entries": entries, "day": day})


def claim_url(claim: Claim) -> str:
    return reverse("billing:claim", kwargs={"id": claim.public_id})


@staff_view("coverage.edit")
def eligibility_fragment(request: StaffRequest, id) -> HttpResponse:
    """The check-in screen loads this with htmx: the latest eligibility answer for a
    coverage, and a button to check again. Errors are shown inside the fragment only."""
    from medassist.billing.models import EligibilityCheck
    from medassist.patients.models import Coverage

    coverage = (
        Coverage.objects.filter(public_id=id, patient__clinic=request.user.clinic)
        .select_related("payer", "patient")
        .first()
    )
    if coverage is None:
        raise NotFound("No such coverage in your clinic.")
    check = EligibilityCheck.objects.filter(coverage=coverage).first()
    try:
        if request.method == "POST":
            check = services.eligibility_check(actor=request.user, coverage=coverage)
        elif check is not None:
            check = services.eligibility_refresh(actor=request.user, check=check)
    except ApplicationError as exc:
        return render(
            request, "billing/eligibility.html", {"coverage": coverage, "error": exc.message}
        )
    return render(request, "billing/eligibility.html", {"coverage": coverage, "check": check})


@staff_view("billing.claims")
def cms1500(request: StaffRequest, id) -> HttpResponse:
    """?mode=data: data only, aligned for the red pre-printed form; otherwise the full form."""
    from medassist.billing.cms1500 import cms1500_pdf

    claim = selectors.access_claim(user=request.user, id=id)
    mode = "data" if request.GET.get("mode") == "data" else "full"
    pdf = cms1500_pdf(services.cms1500_data(claim), mode=mode)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="cms1500-{claim.number}-{mode}.pdf"'
    return response
