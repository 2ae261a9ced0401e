"""Check-in and checkout at the front desk."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.errors import ValidationFailed
from medassist.core.money import parse_amount
from medassist.frontdesk.models import CheckIn, Checkout, PaymentMethod
from medassist.patients.models import Coverage
from medassist.patients.services import coverage_verify, patient_confirm_demographics
from medassist.practice.models import User
from medassist.practice.roles import require
from medassist.scheduling.models import Appointment, Status
from medassist.scheduling.services import appointment_transition


def _payment_method(value: str, amount, field: str) -> str:
    value = value or ""
    if value not in PaymentMethod.values:
        raise ValidationFailed("Payment method must be cash, card or check.", field=field)
    if amount > 0 and not value:
        raise ValidationFailed("Say how the payment was made (cash, card or check).", field=field)
    if amount == 0 and value:
        return ""
    return value


@transaction.atomic
def check_in(
    *,
    actor: User,
    appointment: Appointment,
    demographics_confirmed: bool,
    coverage: Coverage | None = None,
    self_pay: bool = False,
    copay_collected="0",
    payment_method: str = "",
) -> CheckIn:
    """Mark the patient arrived after confirming demographics and insurance (or self-pay)."""
    require(actor, "appointment.check_in")
    if not demographics_confirmed:
        raise ValidationFailed(
            "Confirm the patient's name, date of birth, address and phone before check-in.",
            field="demographics_confirmed",
        )
    if coverage is None and not self_pay:
        raise ValidationFailed(
            "Confirm the patient's insurance, or mark the visit self-pay.", field="coverage"
        )
    if coverage is not None and (
        coverage.patient_id != appointment.patient_id or not coverage.active
    ):
        raise ValidationFailed("That insurance is not on this patient's file.", field="coverage")
    amount = parse_amount(copay_collected, field="copay_collected", maximum=Decimal("10000"))
    method = _payment_method(payment_method, amount, "payment_method")
    appointment_transition(actor=actor, appointment=appointment, to_status=Status.ARRIVED)
    patient_confirm_demographics(actor=actor, patient=appointment.patient)
    if coverage is not None:
        coverage_verify(actor=actor, coverage=coverage)
    record = CheckIn(
        appointment=appointment,
        demographics_confirmed=True,
        insurance_confirmed=coverage is not None,
        self_pay=coverage is None,
        coverage=coverage,
        copay_due=(coverage.copay or 0) if coverage is not None else 0,
        copay_collected=amount,
        payment_method=method,
        checked_in_by=actor,
        checked_in_at=timezone.now(),
    )
    record.stamp(actor)
    record.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=record,
        patient=appointment.patient,
        detail={"copay_collected": str(amount)},
    )
    return record


@transaction.atomic
def check_out(
    *,
    actor: User,
    appointment: Appointment,
    follow_up: str = "",
    note: str = "",
    amount_collected="0",
    payment_method: str = "",
) -> Checkout:
    require(actor, "appointment.check_out")
    follow_up = (follow_up or "").strip()
    note = (note or "").strip()
    if len(follow_up) > 100:
        raise ValidationFailed("Follow-up is limited to 100 characters.", field="follow_up")
    if len(note) > 1000:
        raise ValidationFailed("Note is limited to 1,000 characters.", field="note")
    amount = parse_amount(amount_collected, field="amount_collected")
    method = _payment_method(payment_method, amount, "payment_method")
    appointment_transition(actor=actor, appointment=appointment, to_status=Status.CHECKED_OUT)
    record = Checkout(
        appointment=appointment,
        follow_up=follow_up,
        note=note,
        amount_collected=amount,
        payment_method=method,
        checked_out_by=actor,
        checked_out_at=timezone.now(),
    )
    record.stamp(actor)
    record.save()
    audit_record(
        actor=actor, action=AuditEvent.Action.CREATE, obj=record, patient=appointment.patient
    )
    return record
