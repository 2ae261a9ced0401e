"""Eligibility: a 270 sent through the clearinghouse adapter, its 271 read back. A failure is
recorded on the check, never raised."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.billing import x12
from medassist.billing.models import (
    BillingProvider,
)
from medassist.core.clock import clinic_today
from medassist.core.errors import NotFound
from medassist.patients.models import Coverage
from medassist.practice.models import User
from medassist.practice.roles import require, staff_clinic


def _eligibility_failed(check, message: str):
    check.state = check.State.FAILED
    check.message = message[:300]
    check.save(update_fields=["state", "message", "updated_at"])
    return check


@transaction.atomic
def eligibility_check(*, actor: User, coverage: Coverage):
    """Send a 270 for the coverage through the clearinghouse adapter. A failure (no billing
    provider, the adapter down) is recorded on the check in words, never raised: a failed
    check must not stop a check-in."""
    from medassist.billing import eligibility
    from medassist.billing.models import EligibilityCheck

    require(actor, "coverage.edit")
    clinic = staff_clinic(actor)
    patient = coverage.patient
    if patient.clinic_id != clinic.pk:
        raise NotFound("No such coverage in your clinic.")
    check = EligibilityCheck(
        clinic=clinic,
        coverage=coverage,
        trace=f"E{clinic.pk:03d}{timezone.now():%y%m%d%H%M%S%f}"[:30],
    )
    check.stamp(actor)
    check.save()
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, obj=check, patient=patient)
    provider = BillingProvider.objects.filter(clinic=clinic).first()
    if provider is None:
        return _eligibility_failed(check, "The clinic's billing provider is not set up.")
    if not coverage.payer.payer_id:
        return _eligibility_failed(check, f"Payer {coverage.payer.name} has no payer id.")
    try:
        check.request = eligibility.build_270(
            trace=check.trace,
            sender_id=provider.submitter_id,
            receiver_id=provider.receiver_id,
            payer_name=coverage.payer.name,
            payer_id=coverage.payer.payer_id,
            provider_name=provider.name,
            provider_npi=provider.npi,
            member_id=coverage.member_id,
            last_name=patient.last_name,
            first_name=patient.first_name,
            date_of_birth=patient.date_of_birth,
            service_date=clinic_today(clinic),
            number=check.pk % 999999999,
        )
        check.save(update_fields=["request"])
        eligibility.clearinghouse().send(check.trace, check.request)
    except Exception as exc:  # any adapter failure is recorded, never blocks the desk
        return _eligibility_failed(check, f"The eligibility request could not be sent: {exc}")
    return eligibility_refresh(actor=actor, check=check)


@transaction.atomic
def eligibility_refresh(*, actor: User, check):
    """Read the 271 if it has come back (pending otherwise)."""
    from medassist.billing import eligibility

    require(actor, "coverage.edit")
    if check.clinic_id != staff_clinic(actor).pk:
        raise NotFound("No such eligibility check in your clinic.")
    if check.state != check.State.PENDING:
        return check
    try:
        text = eligibility.clearinghouse().receive(check.trace)
    except Exception as exc:
        return _eligibility_failed(check, f"The clearinghouse could not be read: {exc}")
    if text is None:
        return check
    check.response = text
    try:
        answer = eligibility.parse_271(text)
    except x12.X12Error as exc:
        check.save(update_fields=["response"])
        return _eligibility_failed(check, f"The payer's answer could not be read: {exc.message}")
    if answer.active is None:
        check.save(update_fields=["response"])
        return _eligibility_failed(check, answer.message)
    check.state = check.State.ACTIVE if answer.active else check.State.INACTIVE
    check.plan, check.copay = answer.plan[:80], answer.copay
    check.deductible_remaining, check.message = answer.deductible_remaining, answer.message
    check.save()
    return check
