"""The remittance work queue's screens: resolve one unmatched remittance line (see why it did
not match, find the claim, post it there or mark it handled), and enter a paper remittance
(EOB) for a claim. Thin: selectors read (audited), services write."""

from __future__ import annotations

import uuid
from datetime import date

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from medassist.billing import selectors, services, services_remit
from medassist.billing.forms import ResolveForm
from medassist.billing.models import ClaimLine, RemittanceLine
from medassist.billing.services import PaperLine
from medassist.core.clock import clinic_today
from medassist.core.errors import ApplicationError, NotFound, ValidationFailed
from medassist.core.web import StaffRequest, form_errors, staff_view
from medassist.practice.models import Payer

CLAIM_STATUS_WORDS = {
    "1": "processed as primary",
    "2": "processed as secondary",
    "3": "processed as tertiary",
    "4": "denied",
    "19": "processed as primary, forwarded to another payer",
    "20": "processed as secondary, forwarded to another payer",
    "21": "processed as tertiary, forwarded to another payer",
    "22": "a reversal of an earlier payment",
    "23": "not our claim, forwarded to another payer",
}
ADJUSTMENT_ROWS = 3
ADJUSTMENT_GROUPS = ("CO", "PR", "OA", "PI", "CR")


def _why(line: RemittanceLine) -> list[str]:
    """Why the line is in the queue, in words (the import's reason first)."""
    reasons = [line.problem] if line.problem else []
    if line.claim_status in ("22",) and "revers" not in line.problem.lower():
        reasons.append("The payer marked this claim payment as a reversal (CLP02 22).")
    if line.paid < 0:
        reasons.append(
            f"The payer takes back {-line.paid}: posting it raises what insurance owes again."
        )
    if line.claim_id is None:
        reasons.append(
            f"The payer's claim number {line.patient_control!r} is none of ours: find the claim "
            "by patient, number or date of service."
        )
    return reasons


def _parse_target(raw: str) -> tuple[str, int | None]:
    """`<claim public id>:<line number>` or `<claim public id>:` (the claim as a whole)."""
    claim_id, _, number = (raw or "").partition(":")
    try:
        claim_id = str(uuid.UUID(claim_id))
    except ValueError:
        raise ValidationFailed("Choose the claim (and line) this payment belongs to.") from None
    if number and not number.isdigit():
        raise ValidationFailed("Choose a line of the claim.")
    return claim_id, int(number) if number else None


def _search_date(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        raise ValidationFailed(f"{raw!r} is not a date.", field="date") from None


@staff_view("billing.claims")
@require_http_methods(["GET", "POST"])
def line_resolve(request: StaffRequest, id) -> HttpResponse:
    line = selectors.access_remittance_line(user=request.user, id=id)
    resolve_form = ResolveForm(request.POST if request.POST.get("action") == "resolve" else None)
    error, status = "", 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "post":
                claim_id, number = _parse_target(request.POST.get("target", ""))
                claim = selectors.access_claim(user=request.user, id=claim_id)
                claim_line = None
                if number is not None:
                    claim_line = ClaimLine.objects.filter(claim=claim, number=number).first()
                    if claim_line is None:
                        raise NotFound(f"Claim {claim.number} has no line {number}.")
                services_remit.remittance_line_post(
                    actor=request.user,
                    line=line,
                    claim=claim,
                    claim_line=claim_line,
                    note=request.POST.get("note", ""),
                )
                messages.success(request, f"Posted {line.paid} to claim {claim.number}.")
                return redirect("billing:remittance_line", id=line.public_id)
            if action == "resolve":
                if resolve_form.is_valid():
                    try:
                        services_remit.remittance_line_resolve(
                            actor=request.user, line=line, **resolve_form.cleaned_data
                        )
                    except ValidationFailed as exc:
                        form_errors(resolve_form, exc)
                    else:
                        messages.success(request, "Marked handled; nothing was posted.")
                        return redirect("billing:remittance_line", id=line.public_id)
                error = "The line was not marked handled: see below."
            else:
                raise ValidationFailed("Choose to post the line or to mark it handled.")
        except ApplicationError as exc:
            error = exc.message
        line.refresh_from_db()
        status = 409 if "already handled" in error else 422
    q = request.GET.get("q", line.patient_control if line.claim_id is None else "")
    try:
        day = _search_date(request.GET.get("date", ""))
        found = selectors.claim_search(user=request.user, q=q, service_date=day)
    except ValidationFailed as exc:
        error, found, day = exc.message, [], None
    if line.claim is not None and all(c.pk != line.claim_id for c in found):
        found.insert(0, selectors.access_claim(user=request.user, id=line.claim.public_id))
    return render(
        request,
        "billing/remittance_line.html",
        {
            "line": line,
            "why": _why(line),
            "status_words": CLAIM_STATUS_WORDS.get(line.claim_status, ""),
            "claims": found,
            "q": q,
            "day": day,
            "resolve_form": resolve_form,
            "error": error,
            "tz": request.user.clinic.tz,
        },
        status=status,
    )


def _paper_lines(post, lines: list[ClaimLine]) -> list[PaperLine]:
    out = []
    for line in lines:
        paid = post.get(f"paid_{line.number}", "").strip()
        adjustments = []
        for k in range(ADJUSTMENT_ROWS):
            group = post.get(f"group_{line.number}_{k}", "").strip().upper()
            reason = post.get(f"reason_{line.number}_{k}", "").strip().upper()
            amount = post.get(f"amount_{line.number}_{k}", "").strip()
            if not (reason or amount):
                continue
            if not (group and reason and amount):
                raise ValidationFailed(
                    f"Line {line.number}: an adjustment needs its group, reason code and amount."
                )
            adjustments.append((group, reason, amount))
        if not paid and not adjustments:
            continue
        out.append(PaperLine(claim_line=line, paid=paid or "0", adjustments=tuple(adjustments)))
    return out


def _paper_rows(post, lines: list[ClaimLine]) -> list[dict]:
    """The form's rows with what was typed (kept when a refusal shows the form again)."""
    return [
        {
            "line": line,
            "paid": post.get(f"paid_{line.number}", ""),
            "adjustments": [
                {
                    "k": k,
                    "group": post.get(f"group_{line.number}_{k}", "CO" if k == 0 else ""),
                    "reason": post.get(f"reason_{line.number}_{k}", ""),
                    "amount": post.get(f"amount_{line.number}_{k}", ""),
                }
                for k in range(ADJUSTMENT_ROWS)
            ],
        }
        for line in lines
    ]


@staff_view("billing.claims")
@require_http_methods(["GET", "POST"])
def paper_remittance(request: StaffRequest, id) -> HttpResponse:
    claim = selectors.access_claim(user=request.user, id=id)
    lines = list(claim.lines.all())
    payers = list(Payer.objects.filter(clinic=claim.clinic_id, active=True))
    error, status = "", 200
    if request.method == "POST":
        post = request.POST
        try:
            payer = next((p for p in payers if str(p.public_id) == post.get("payer")), None)
            if payer is None:
                raise ValidationFailed("Choose the payer that sent the remittance.", field="payer")
            try:
                paid_on = date.fromisoformat(post.get("payment_date", ""))
            except ValueError:
                raise ValidationFailed(
                    "Enter the date on the check or EFT.", field="payment_date"
                ) from None
            if paid_on > clinic_today(request.user.clinic):
                raise ValidationFailed("The payment date is in the future.", field="payment_date")
            remittance = services.remittance_enter_paper(
                actor=request.user,
                payer=payer,
                claim=claim,
                lines=_paper_lines(post, lines),
                trace_number=post.get("trace_number", ""),
                payment_date=paid_on,
            )
        except ApplicationError as exc:
            error, status = exc.message, 409 if exc.status == 409 else 422
        else:
            messages.success(
                request,
                f"Posted paper remittance {remittance.trace_number}: "
                f"{remittance.payment_amount} paid.",
            )
            return redirect("billing:claim", id=claim.public_id)
    return render(
        request,
        "billing/paper_remittance.html",
        {
            "claim": claim,
            "lines": lines,
            "payers": payers,
            "error": error,
            "post": request.POST,
            "rows": _paper_rows(request.POST, lines),
            "today": clinic_today(request.user.clinic),
            "groups": ADJUSTMENT_GROUPS,
        },
        status=status,
    )
