"""The remittance work queue: a person posts an unmatched remittance line to the claim (and
line) it belongs to, or marks it handled with a reason (a reversal, a take-back, ...).

Both lock the line first, so a double click or two billers at once post it once: the second
identical post returns the line as it is, anything else on a handled line is refused.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.billing import x835
from medassist.billing.models import Claim, ClaimLine, ClaimStatus, RemittanceLine
from medassist.billing.services import _post_amounts
from medassist.core.errors import Conflict, NotFound, ValidationFailed
from medassist.practice.models import User
from medassist.practice.roles import require, staff_clinic

Resolution = RemittanceLine.Resolution
MAX_NOTE = 300


def _locked(actor: User, line: RemittanceLine) -> RemittanceLine:
    require(actor, "billing.claims")
    clinic = staff_clinic(actor)
    locked = (
        RemittanceLine.objects.select_for_update()
        .select_related("remittance__payer")
        .filter(pk=line.pk, remittance__clinic=clinic)
        .first()
    )
    if locked is None:
        raise NotFound("No such remittance line in your clinic.")
    return locked


def _note(note: str, *, required: bool) -> str:
    note = (note or "").strip()
    if required and not note:
        raise ValidationFailed("Say in a few words how it was handled.", field="note")
    if len(note) > MAX_NOTE:
        raise ValidationFailed(f"The note is at most {MAX_NOTE} characters.", field="note")
    return note


def _adjustments(line: RemittanceLine) -> list[x835.Adjustment]:
    return [
        x835.Adjustment(row["group"], row["reason"], Decimal(str(row["amount"])))
        for row in line.adjustments
    ]


@transaction.atomic
def remittance_line_post(
    *,
    actor: User,
    line: RemittanceLine,
    claim: Claim,
    claim_line: ClaimLine | None = None,
    note: str = "",
) -> RemittanceLine:
    """Post what the payer paid and adjusted on `line` to `claim` (and `claim_line`; None: the
    claim as a whole, e.g. a claim-level adjustment), as the 835 import would have."""
    locked = _locked(actor, line)
    if claim.clinic_id != locked.remittance.clinic_id:
        raise NotFound("No such claim in your clinic.")
    if claim_line is not None and claim_line.claim_id != claim.pk:
        raise ValidationFailed(
            f"Line {claim_line.number} is not a line of claim {claim.number}.", field="claim_line"
        )
    if locked.state != RemittanceLine.State.UNMATCHED:
        same = (
            locked.resolution == Resolution.POSTED
            and locked.claim_id == claim.pk
            and locked.claim_line_id == (claim_line.pk if claim_line else None)
        )
        if same:
            return locked  # the same post again (a retried click): posted once
        raise Conflict("This remittance line was already handled; nothing was posted.")
    if claim_line is None and locked.procedure_code:
        raise ValidationFailed(
            f"The payer paid a service ({locked.procedure_code}): choose the claim line it pays.",
            field="claim_line",
        )
    note = _note(note, required=False)
    _post_amounts(actor, locked.remittance, claim, claim_line, locked.paid, _adjustments(locked))
    locked.claim, locked.claim_line = claim, claim_line
    locked.state, locked.resolution = RemittanceLine.State.RESOLVED, Resolution.POSTED
    locked.resolution_note, locked.resolved_by, locked.resolved_at = note, actor, timezone.now()
    locked.save()
    if locked.paid > 0 and claim.status in (ClaimStatus.SUBMITTED, ClaimStatus.ACCEPTED):
        claim.status = ClaimStatus.PAID
        claim.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.TRANSITION,
        obj=locked,
        object_type="billing.RemittanceLine",
        patient=claim.patient,
        detail={
            "resolution": Resolution.POSTED,
            "claim": claim.number,
            "line": claim_line.number if claim_line else None,
            "paid": str(locked.paid),
        },
    )
    line.refresh_from_db()
    return locked


@transaction.atomic
def remittance_line_resolve(
    *, actor: User, line: RemittanceLine, reason: str, note: str = ""
) -> RemittanceLine:
    """Mark an unmatched line handled without posting it (the money was dealt with another way:
    a reversal matched by hand, a take-back, a duplicate, another clinic's claim)."""
    locked = _locked(actor, line)
    if reason not in Resolution.values or reason == Resolution.POSTED:
        raise ValidationFailed(
            "Choose why the line needs no posting (reversal, take-back, duplicate, ...).",
            field="reason",
        )
    note = _note(note, required=reason == Resolution.OTHER)
    if locked.state != RemittanceLine.State.UNMATCHED:
        if locked.resolution == reason and locked.resolution_note == note:
            return locked
        raise Conflict("This remittance line was already handled.")
    locked.state, locked.resolution = RemittanceLine.State.RESOLVED, reason
    locked.resolution_note, locked.resolved_by, locked.resolved_at = note, actor, timezone.now()
    locked.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.TRANSITION,
        obj=locked,
        object_type="billing.RemittanceLine",
        patient=locked.claim.patient if locked.claim is not None else None,
        detail={"resolution": reason},
    )
    line.refresh_from_db()
    return locked
