"""835 remittance posting: payments and adjustments onto claim lines, anything that does not
match to the work queue; the same file twice posts once."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.billing import x12, x835
from medassist.billing.errors import Code
from medassist.billing.models import (
    ZERO,
    Claim,
    ClaimLine,
    ClaimStatus,
    Remittance,
    RemittanceLine,
)
from medassist.billing.services._posting import _adjustment_rows, _post_amounts
from medassist.core.errors import ValidationFailed
from medassist.practice.models import Payer, User
from medassist.practice.roles import require, staff_clinic


def _match_payer(clinic, remit: x835.Remittance) -> Payer:
    payers = Payer.objects.filter(clinic=clinic, active=True)
    if remit.payer_id:
        found = payers.filter(payer_id=remit.payer_id).first()
        if found:
            return found
    found = payers.filter(name__iexact=remit.payer_name).first()
    if found:
        return found
    raise ValidationFailed(
        f"Unknown payer {remit.payer_name!r} (id {remit.payer_id or 'none'}): add it to the "
        "clinic's payers before posting its remittance. Nothing was posted.",
        code=Code.UNKNOWN_PAYER,
    )


@dataclass
class PostingReport:
    remittance: Remittance
    created: bool
    posted: int = 0
    unmatched: int = 0


def _fingerprint(data: bytes | str) -> str:
    raw = data.encode() if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()


@transaction.atomic
def remittance_import_835(*, actor: User, data: bytes | str) -> list[PostingReport]:
    """Post an 835: payments and adjustments onto claim lines, patient responsibility to the
    patient's balance, anything that does not match to the work queue. The same file twice
    posts once (the second import returns the first one's remittances, created=False).
    A malformed or unbalanced file, a 4010 file or an unknown payer posts nothing."""
    require(actor, "billing.claims")
    clinic = staff_clinic(actor)
    try:
        parsed = x835.parse_835(data)
    except x12.X12Error as exc:
        raise ValidationFailed(exc.message + " Nothing was posted.", code=exc.code) from None
    fingerprint = _fingerprint(data)
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    reports: list[PostingReport] = []
    for number, remit in enumerate(parsed.remittances):
        key = f"{fingerprint[:60]}:{number:03d}"
        existing = Remittance.objects.filter(clinic=clinic, fingerprint=key).first()
        if existing is not None:
            reports.append(PostingReport(existing, False))
            continue
        payer = _match_payer(clinic, remit)
        remittance = Remittance(
            clinic=clinic,
            payer=payer,
            source=Remittance.Source.X835,
            fingerprint=key,
            trace_number=remit.trace_number[:50],
            payment_amount=remit.payment,
            payment_date=remit.payment_date,
            content=text if number == 0 else "",
        )
        remittance.stamp(actor)
        try:
            with transaction.atomic():
                remittance.save()
        except IntegrityError:
            existing = Remittance.objects.get(clinic=clinic, fingerprint=key)
            reports.append(PostingReport(existing, False))
            continue
        report = PostingReport(remittance, True)
        claims = {
            c.number: c
            for c in Claim.objects.filter(
                clinic=clinic, number__in=[p.patient_control for p in remit.claims]
            )
            .select_related("patient__clinic")
            .prefetch_related("lines")
        }
        for payment in remit.claims:
            _post_claim_payment(actor, remittance, payment, report, claims)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=remittance,
            detail={
                "posted": report.posted,
                "unmatched": report.unmatched,
                "amount": str(remit.payment),
            },
        )
        reports.append(report)
    return reports


def _unmatched(
    remittance: Remittance,
    payment: x835.ClaimPayment,
    problem: str,
    claim: Claim | None,
    service: x835.ServicePayment | None,
    report: PostingReport,
) -> None:
    adjustments = service.adjustments if service else payment.all_adjustments()
    RemittanceLine.objects.create(
        remittance=remittance,
        claim=claim,
        patient_control=payment.patient_control[:38],
        claim_status=payment.status[:2],
        procedure_code=(service.procedure if service else "")[:48],
        modifiers=service.modifiers if service else [],
        charge=service.charge if service else payment.charge,
        paid=service.paid if service else payment.paid,
        patient_responsibility=sum((a.amount for a in adjustments if a.group == "PR"), ZERO),
        adjustments=_adjustment_rows(adjustments),
        remarks=(service.remarks if service else []) + payment.remarks,
        state=RemittanceLine.State.UNMATCHED,
        problem=problem[:300],
    )
    report.unmatched += 1


def _match_line(claim: Claim, service: x835.ServicePayment) -> tuple[ClaimLine | None, str]:
    """The claim line an 835 service line pays (REF*6R line id first, else the procedure
    code), or None and why it needs a person (modifiers the payer dropped or changed)."""
    lines = list(claim.lines.all())
    code = service.original_procedure or service.procedure
    modifiers = service.original_modifiers if service.original_procedure else service.modifiers
    candidates: list[ClaimLine] = []
    if service.line_control:
        candidates = [
            line
            for line in lines
            if service.line_control in (str(line.number), f"{claim.number}-{line.number}")
        ]
    if not candidates:
        candidates = [line for line in lines if line.procedure_code == code]
    if not code:
        return None, "The payer's service line names no procedure code."
    same_code = [line for line in candidates if line.procedure_code == code]
    exact = [line for line in same_code if list(line.modifiers) == list(modifiers)]
    if exact:
        return exact[0], ""
    if same_code:
        dropped = sorted(set(same_code[0].modifiers) - set(modifiers))
        if dropped:
            return None, (
                f"The payer dropped modifier {', '.join(dropped)} from {code}: "
                "check the line before posting it."
            )
        return None, f"The payer's modifiers for {code} differ from the claim's."
    return None, f"No line of claim {claim.number} bills {code}."


def _post_claim_payment(
    actor: User,
    remittance: Remittance,
    payment: x835.ClaimPayment,
    report: PostingReport,
    claims: dict[str, Claim],
) -> None:
    claim = claims.get(payment.patient_control)
    if claim is None:
        _unmatched(
            remittance,
            payment,
            f"No claim {payment.patient_control} in this clinic.",
            None,
            None,
            report,
        )
        return
    if payment.is_reversal or payment.paid < 0:
        _unmatched(
            remittance,
            payment,
            "The payer reversed an earlier payment on this claim; review it before posting.",
            claim,
            None,
            report,
        )
        return
    lines = list(claim.lines.all())
    pairs: list[tuple[ClaimLine | None, x835.ServicePayment | None, list[x835.Adjustment]]] = []
    if payment.services:
        for paid_service in payment.services:
            line, problem = _match_line(claim, paid_service)
            if line is None:
                _unmatched(remittance, payment, problem, claim, paid_service, report)
                continue
            pairs.append((line, paid_service, paid_service.adjustments))
        if payment.adjustments:
            pairs.append((None, None, payment.adjustments))
    else:
        target = lines[0] if len(lines) == 1 else None
        pairs.append((target, None, payment.adjustments))
    paid_claim_level = payment.paid if not payment.services else None
    for line, service, adjustments in pairs:
        paid = service.paid if service is not None else (paid_claim_level or ZERO)
        _post_amounts(actor, remittance, claim, line, paid, adjustments)
        RemittanceLine.objects.create(
            remittance=remittance,
            claim=claim,
            claim_line=line,
            patient_control=payment.patient_control[:38],
            claim_status=payment.status[:2],
            procedure_code=(service.procedure if service else "")[:48],
            modifiers=service.modifiers if service else [],
            charge=service.charge if service else (payment.charge if line is None else line.charge),
            paid=paid,
            patient_responsibility=sum((a.amount for a in adjustments if a.group == "PR"), ZERO),
            adjustments=_adjustment_rows(adjustments),
            remarks=(service.remarks if service else []) + payment.remarks,
            state=RemittanceLine.State.POSTED,
        )
        report.posted += 1
        paid_claim_level = ZERO if paid_claim_level is not None else None
    claim.payer_claim_number = payment.payer_claim_number[:50] or claim.payer_claim_number
    claim.status = (
        ClaimStatus.DENIED if payment.status == "4" and payment.paid == 0 else (ClaimStatus.PAID)
    )
    claim.save(update_fields=["payer_claim_number", "status", "updated_at"])
