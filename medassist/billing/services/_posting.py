"""Ledger rows written on behalf of other writes: `_entry` (one append-only ledger row: the
superbill's charges, staff entries, remittance postings), `_post_amounts` (a payer's payment and
adjustments onto a claim line, patient responsibility moved to the patient bucket) and
`_adjustment_rows` (adjustments as a remittance line stores them); shared by 835, paper and
work-queue posting."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from medassist.billing import reference, x835
from medassist.billing.models import (
    ZERO,
    Bucket,
    Claim,
    ClaimLine,
    EntryKind,
    LedgerEntry,
    Remittance,
)
from medassist.billing.services._common import CENT
from medassist.patients.models import Patient
from medassist.practice.models import Payer, User


def _entry(
    *,
    actor: User | None,
    patient: Patient,
    kind: str,
    bucket: str,
    amount: Decimal,
    claim: Claim | None = None,
    claim_line: ClaimLine | None = None,
    remittance: Remittance | None = None,
    payer: Payer | None = None,
    memo: str = "",
    at: datetime | None = None,
) -> LedgerEntry:
    when = at or timezone.now()
    day = timezone.localtime(when, patient.clinic.tz).date()
    return LedgerEntry.objects.create(
        clinic_id=patient.clinic_id,
        patient=patient,
        kind=kind,
        bucket=bucket,
        amount=Decimal(amount).quantize(CENT),
        claim=claim,
        claim_line=claim_line,
        remittance=remittance,
        payer=payer,
        posted_on=day,
        posted_at=when,
        memo=memo[:200],
        created_by=actor if getattr(actor, "pk", None) else None,
    )


def _adjustment_rows(adjustments: list[x835.Adjustment]) -> list[dict]:
    return [
        {
            "group": a.group,
            "reason": a.reason,
            "amount": str(a.amount),
            "words": f"{reference.group_words(a.group)}: {reference.reason_words(a.reason)}",
        }
        for a in adjustments
    ]


def _post_amounts(
    actor: User,
    remittance: Remittance,
    claim: Claim,
    line: ClaimLine | None,
    paid: Decimal,
    adjustments: list[x835.Adjustment],
) -> None:
    patient = claim.patient
    common: dict[str, Any] = {
        "actor": actor,
        "patient": patient,
        "claim": claim,
        "claim_line": line,
        "remittance": remittance,
        "payer": remittance.payer,
    }
    if paid:
        _entry(
            kind=EntryKind.INSURANCE_PAYMENT,
            bucket=Bucket.INSURANCE,
            amount=-paid,
            memo=f"Paid by {remittance.payer.name}",
            **common,
        )
    responsibility = ZERO
    adjusted = ZERO
    for adj in adjustments:
        words = f"{reference.group_words(adj.group)}: {reference.reason_words(adj.reason)}"
        if adj.group == "PR":
            responsibility += adj.amount
            _entry(
                kind=EntryKind.TRANSFER,
                bucket=Bucket.INSURANCE,
                amount=-adj.amount,
                memo=words[:200],
                **common,
            )
            _entry(
                kind=EntryKind.TRANSFER,
                bucket=Bucket.PATIENT,
                amount=adj.amount,
                memo=words[:200],
                **common,
            )
        else:
            adjusted += adj.amount
            _entry(
                kind=EntryKind.ADJUSTMENT,
                bucket=Bucket.INSURANCE,
                amount=-adj.amount,
                memo=words[:200],
                **common,
            )
    if line is not None:
        line.paid += paid
        line.adjusted += adjusted
        line.patient_responsibility += responsibility
        line.save(update_fields=["paid", "adjusted", "patient_responsibility"])
