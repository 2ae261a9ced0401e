"""The patient ledger: patient-side entries typed in by staff, and the patient-side balance."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.billing.models import (
    ZERO,
    Bucket,
    EntryKind,
    LedgerEntry,
)
from medassist.billing.services._common import (
    CENT,
    money,
)
from medassist.billing.services._posting import _entry
from medassist.core.errors import NotFound, ValidationFailed
from medassist.patients.models import Patient
from medassist.practice.models import User
from medassist.practice.roles import require, staff_clinic

_PATIENT_KINDS: dict[str, int] = {
    EntryKind.COPAY: -1,
    EntryKind.PATIENT_PAYMENT: -1,
    EntryKind.REFUND: 1,
    EntryKind.ADJUSTMENT: -1,
    EntryKind.CHARGE: 1,
}


@transaction.atomic
def ledger_post(
    *, actor: User, patient: Patient, kind: str, amount, memo: str = "", at: datetime | None = None
) -> LedgerEntry:
    """A patient-side entry typed in by staff: a copay or payment received, a refund paid out,
    a courtesy adjustment, or a self-pay charge. `amount` is positive; the sign follows
    the kind."""
    permission = "billing.payments" if kind != EntryKind.CHARGE else "billing.code"
    require(actor, permission)
    if patient.clinic_id != staff_clinic(actor).pk:
        raise NotFound("No such patient in your clinic.")
    if kind not in _PATIENT_KINDS:
        raise ValidationFailed(f"{kind!r} is not a patient ledger entry kind.", field="kind")
    value = money(amount, field="amount")
    if value <= 0:
        raise ValidationFailed("The amount must be more than zero.", field="amount")
    if kind == EntryKind.REFUND:
        credit = -patient_side_balance(patient)
        if value > credit:
            raise ValidationFailed(
                f"A refund can return at most the patient's credit ({max(credit, ZERO)}).",
                field="amount",
            )
    entry = _entry(
        actor=actor,
        patient=patient,
        kind=kind,
        bucket=Bucket.PATIENT,
        amount=value * _PATIENT_KINDS[kind],
        memo=memo,
        at=at,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        patient=patient,
        object_type="billing.LedgerEntry",
        object_id=str(entry.pk),
        detail={"amount": str(value)},
    )
    return entry


def patient_side_balance(patient: Patient) -> Decimal:
    total = LedgerEntry.objects.filter(patient=patient, bucket=Bucket.PATIENT).aggregate(
        s=Sum("amount")
    )["s"]
    return (total or ZERO).quantize(CENT)
