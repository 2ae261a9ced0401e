"""A paper remittance (EOB) typed in, posted like an 835's lines."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.billing import x835
from medassist.billing.errors import Code
from medassist.billing.models import (
    ZERO,
    Claim,
    ClaimLine,
    ClaimStatus,
    Remittance,
    RemittanceLine,
)
from medassist.billing.services._common import (
    _clinic_payer,
    money,
)
from medassist.billing.services._posting import _adjustment_rows, _post_amounts
from medassist.core.errors import Conflict, NotFound, ValidationFailed
from medassist.practice.models import Payer, User
from medassist.practice.roles import require, staff_clinic


@dataclass(frozen=True)
class PaperLine:
    claim_line: ClaimLine
    paid: Decimal | str
    adjustments: tuple[tuple[str, str, Decimal | str], ...] = ()  # (group, reason, amount)


@transaction.atomic
def remittance_enter_paper(
    *,
    actor: User,
    payer: Payer,
    claim: Claim,
    lines: list[PaperLine],
    trace_number: str,
    payment_date: date,
) -> Remittance:
    """A paper remittance (EOB) typed in: posted like an 835's lines."""
    require(actor, "billing.claims")
    clinic = staff_clinic(actor)
    _clinic_payer(actor, payer)
    if claim.clinic_id != clinic.pk:
        raise NotFound("No such claim in your clinic.")
    if not lines:
        raise ValidationFailed("Enter at least one paid line.", field="lines")
    trace = (trace_number or "").strip()
    if not trace:
        raise ValidationFailed("Enter the check or EFT number.", field="trace_number")
    parsed: list[tuple[ClaimLine, Decimal, list[x835.Adjustment]]] = []
    for item in lines:
        if item.claim_line.claim_id != claim.pk:
            raise ValidationFailed("A line is not on this claim.", field="lines")
        paid = money(item.paid, field="paid")
        adjustments = []
        for group, reason, raw in item.adjustments:
            if group not in ("CO", "PR", "OA", "PI", "CR"):
                raise ValidationFailed(f"{group!r} is not an adjustment group.", field="lines")
            if not re.fullmatch(r"[A-Z0-9]{1,5}", reason or ""):
                raise ValidationFailed(f"{reason!r} is not a reason code.", field="lines")
            adjustments.append(
                x835.Adjustment(group, reason, money(raw, field="amount", allow_negative=True))
            )
        if paid + sum((a.amount for a in adjustments), ZERO) != item.claim_line.charge:
            raise ValidationFailed(
                f"Line {item.claim_line.number} does not add up: paid {paid} plus adjustments "
                f"must equal the charge {item.claim_line.charge}.",
                field="lines",
                code=Code.X12_UNBALANCED,
            )
        parsed.append((item.claim_line, paid, adjustments))
    total = sum((p for _, p, _ in parsed), ZERO)
    key = hashlib.sha256(f"paper|{payer.pk}|{trace}|{claim.pk}".encode()).hexdigest()
    if Remittance.objects.filter(clinic=clinic, fingerprint=key).exists():
        raise Conflict(
            f"Check {trace} for claim {claim.number} was already entered.",
            code=Code.DUPLICATE_REMITTANCE,
        )
    remittance = Remittance(
        clinic=clinic,
        payer=payer,
        source=Remittance.Source.PAPER,
        fingerprint=key,
        trace_number=trace[:50],
        payment_amount=total,
        payment_date=payment_date,
    )
    remittance.stamp(actor)
    remittance.save()
    for line, paid, adjustments in parsed:
        _post_amounts(actor, remittance, claim, line, paid, adjustments)
        RemittanceLine.objects.create(
            remittance=remittance,
            claim=claim,
            claim_line=line,
            patient_control=claim.number,
            procedure_code=line.procedure_code,
            modifiers=line.modifiers,
            charge=line.charge,
            paid=paid,
            patient_responsibility=sum((a.amount for a in adjustments if a.group == "PR"), ZERO),
            adjustments=_adjustment_rows(adjustments),
            state=RemittanceLine.State.POSTED,
        )
    claim.status = ClaimStatus.PAID
    claim.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=remittance,
        patient=claim.patient,
        detail={"amount": str(total)},
    )
    return remittance
