"""The scrubber hand-off: a claim's facts as billing.scrub reads them, and the scrub that moves
a claim to READY (or keeps it in DRAFT with its problems)."""

from __future__ import annotations

from django.db import transaction

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.billing.errors import Code
from medassist.billing.models import (
    BillingProvider,
    Claim,
    ClaimStatus,
    PayerBilling,
    Submission,
)
from medassist.billing.scrub import ClaimFacts, LineFacts, Problem, scrub_claim
from medassist.core.clock import clinic_today
from medassist.core.errors import Conflict, NotFound
from medassist.practice.models import User
from medassist.practice.roles import require, staff_clinic


def claim_facts(claim: Claim) -> ClaimFacts:
    patient = claim.patient
    coverage = claim.coverage
    payer = claim.payer
    details = PayerBilling.objects.filter(payer=payer).first() if payer else None
    provider = BillingProvider.objects.filter(clinic_id=claim.clinic_id).first()
    clinic = claim.clinic
    same = (
        Claim.objects.filter(
            clinic_id=claim.clinic_id, patient_id=claim.patient_id, service_date=claim.service_date
        )
        .exclude(pk=claim.pk)
        .exclude(status__in=[ClaimStatus.DRAFT, ClaimStatus.DENIED, ClaimStatus.REJECTED])
    )
    codes = sorted(line.procedure_code for line in claim.lines.all())
    duplicate = ""
    for other in same.prefetch_related("lines"):
        if sorted(line.procedure_code for line in other.lines.all()) == codes:
            duplicate = other.number
            break
    return ClaimFacts(
        service_date=claim.service_date,
        today=clinic_today(clinic),
        place_of_service=claim.place_of_service,
        diagnoses=tuple(claim.diagnoses),
        lines=tuple(
            LineFacts(
                line.number,
                line.procedure_code,
                tuple(line.modifiers),
                line.units,
                line.charge,
                tuple(line.pointers),
                line.service_date,
            )
            for line in claim.lines.all()
        ),
        patient_sex=patient.sex,
        patient_dob=patient.date_of_birth,
        patient_address=(
            patient.address_line1,
            patient.city,
            patient.state,
            patient.postal_code.replace("-", ""),
        ),
        has_coverage=coverage is not None,
        coverage_active=bool(coverage and coverage.active),
        member_id=coverage.member_id if coverage else "",
        relationship=coverage.relationship if coverage else "self",
        subscriber_name=coverage.subscriber_name if coverage else "",
        subscriber_dob=coverage.subscriber_date_of_birth if coverage else None,
        payer_name=payer.name if payer else "",
        payer_id=payer.payer_id if payer else "",
        filing_indicator=details.filing_indicator if details else "",
        electronic=not details or details.submission == Submission.ELECTRONIC,
        provider_ready=provider is not None,
        provider_npi=provider.npi if provider else "",
        provider_tin=provider.tin if provider else "",
        provider_taxonomy=provider.taxonomy if provider else "",
        provider_zip=provider.postal_code if provider else "",
        rendering_npi=claim.rendering_provider.npi if claim.rendering_provider else "",
        duplicate_of=duplicate,
    )


@transaction.atomic
def claim_scrub(*, actor: User, claim: Claim) -> list[Problem]:
    """Check the claim; no problems moves it to READY, problems keep (or put) it in DRAFT."""
    require(actor, "billing.claims")
    if claim.clinic_id != staff_clinic(actor).pk:
        raise NotFound("No such claim in your clinic.")
    if claim.status not in (ClaimStatus.DRAFT, ClaimStatus.READY, ClaimStatus.REJECTED):
        raise Conflict(
            f"Claim {claim.number} was already sent ({claim.get_status_display()}).",
            code=Code.CLAIM_NOT_READY,
        )
    problems = scrub_claim(claim_facts(claim))
    claim.scrub_problems = [p.as_dict() for p in problems]
    claim.status = ClaimStatus.DRAFT if problems else ClaimStatus.READY
    claim.stamp(actor)
    claim.save(update_fields=["scrub_problems", "status", "updated_at", "updated_by"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.TRANSITION,
        obj=claim,
        patient=claim.patient,
        detail={"problems": len(problems)},
    )
    return problems
