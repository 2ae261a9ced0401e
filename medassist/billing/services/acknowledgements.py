"""Acknowledgements: a 999 or a 277CA read back onto the claims it speaks of."""

from __future__ import annotations

from django.db import transaction

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.billing import x12
from medassist.billing.errors import Code
from medassist.billing.models import (
    Claim,
    ClaimBatch,
    ClaimStatus,
)
from medassist.core.errors import ValidationFailed
from medassist.practice.models import User
from medassist.practice.roles import require, staff_clinic


@transaction.atomic
def acknowledgement_apply(*, actor: User, data: bytes | str) -> list[Claim]:
    """Read a 999 (implementation acknowledgment) or a 277CA (claim acknowledgment) back onto
    the claims it speaks of. A 999 rejecting a transaction rejects every claim of the batch
    whose interchange it answers; a 277CA speaks per claim (TRN02 = our claim number)."""
    require(actor, "billing.claims")
    clinic = staff_clinic(actor)
    try:
        inter = x12.read(data)
    except x12.X12Error as exc:
        raise ValidationFailed(exc.message, code=exc.code) from None
    changed: list[Claim] = []
    for trans in inter.transactions:
        if trans.set_id == "999":
            changed += _apply_999(clinic, trans)
        elif trans.set_id == "277":
            changed += _apply_277(clinic, trans)
        else:
            raise ValidationFailed(
                f"Transaction {trans.set_id} is not a 999 or 277CA acknowledgement.",
                code=Code.X12_WRONG_TRANSACTION,
            )
    for claim in changed:
        claim.stamp(actor)
        claim.save(
            update_fields=[
                "status",
                "ack_status",
                "ack_message",
                "payer_claim_number",
                "updated_at",
                "updated_by",
            ]
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.TRANSITION,
            obj=claim,
            patient=claim.patient,
            detail={"ack": claim.ack_status},
        )
    return changed


def _apply_999(clinic, trans: x12.Transaction) -> list[Claim]:
    group_number = ""
    out: list[Claim] = []
    notes: list[str] = []
    for seg in trans.segments:
        if seg.id == "AK1":
            group_number = seg[2].strip()
        elif seg.id in ("IK3", "IK4"):
            notes.append(seg.text(80))
        elif seg.id == "IK5":
            status = seg[1].strip()
            batch = (
                ClaimBatch.objects.filter(
                    clinic=clinic, interchange_number=int(group_number or 0)
                ).first()
                if group_number.isdigit()
                else None
            )
            if batch is None:
                raise ValidationFailed(
                    f"The 999 answers group {group_number!r}, which is no batch of this clinic.",
                    code=Code.NOT_FOUND,
                )
            for claim in batch.claims.all():
                claim.ack_status = f"999 {status}"
                if status == "R":
                    claim.status = ClaimStatus.REJECTED
                    claim.ack_message = (
                        "The clearinghouse rejected the batch: " + "; ".join(notes)
                    )[:500]
                else:
                    claim.ack_message = "The clearinghouse accepted the batch."
                out.append(claim)
            notes = []
    return out


def _apply_277(clinic, trans: x12.Transaction) -> list[Claim]:
    out: list[Claim] = []
    claim: Claim | None = None
    for seg in trans.segments:
        if seg.id == "TRN" and seg[1].strip() == "2":
            claim = Claim.objects.filter(clinic=clinic, number=seg[2].strip()).first()
            if claim is not None and claim not in out:
                out.append(claim)
        elif seg.id == "REF" and seg[1].strip() == "1K" and claim is not None:
            claim.payer_claim_number = seg[2].strip()[:50]
        elif seg.id == "STC" and claim is not None:
            category = seg.components(1)[0].strip()
            claim.ack_status = f"277CA {category}"
            if category in ("A1", "A2", "A5"):
                claim.status = ClaimStatus.ACCEPTED
                claim.ack_message = "The payer accepted the claim for processing."
            elif category in ("A3", "A4", "A6", "A7", "A8"):
                claim.status = ClaimStatus.REJECTED
                claim.ack_message = f"The payer rejected the claim ({seg.text(80)})."
    return out
