"""837P batches: a claim as billing.x837 writes it, and one interchange of READY claims."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.billing import x837
from medassist.billing.errors import Code
from medassist.billing.models import (
    BillingProvider,
    Claim,
    ClaimBatch,
    ClaimStatus,
    PayerBilling,
)
from medassist.billing.services._common import (
    _split_name,
)
from medassist.core.errors import Conflict, NotFound, ValidationFailed
from medassist.patients.models import Coverage
from medassist.practice.models import User
from medassist.practice.roles import require, staff_clinic

_RELATIONSHIP = {"spouse": "01", "child": "19", "other": "G8"}


def claim_data(claim: Claim) -> x837.ClaimData:
    patient, coverage, payer = claim.patient, claim.coverage, claim.payer
    if coverage is None or payer is None:
        raise ValidationFailed(f"Claim {claim.number} has no insurance coverage.")
    details = PayerBilling.objects.filter(payer=payer).first()
    address = (
        patient.address_line1,
        patient.city,
        patient.state,
        patient.postal_code.replace("-", ""),
    )
    me = x837.Person(
        patient.last_name,
        patient.first_name,
        patient.date_of_birth,
        patient.sex if patient.sex in ("F", "M") else "U",
        *address,
        member_id=coverage.member_id,
    )
    if coverage.relationship == Coverage.Relationship.SELF:
        subscriber, dependent, relationship = me, None, ""
    else:
        last, first = _split_name(coverage.subscriber_name)
        subscriber = x837.Person(
            last,
            first,
            coverage.subscriber_date_of_birth or patient.date_of_birth,
            "U",
            *address,
            member_id=coverage.member_id,
        )
        dependent, relationship = me, _RELATIONSHIP.get(coverage.relationship, "G8")
    rendering = claim.rendering_provider
    return x837.ClaimData(
        number=claim.number,
        payer_name=payer.name,
        payer_id=payer.payer_id,
        filing_indicator=details.filing_indicator if details else "",
        subscriber=subscriber,
        patient=dependent,
        relationship=relationship,
        group_number=coverage.group_number,
        service_date=claim.service_date,
        place_of_service=claim.place_of_service,
        diagnoses=tuple(c.replace(".", "") for c in claim.diagnoses),
        lines=tuple(
            x837.Line(
                line.procedure_code,
                line.charge,
                line.units,
                tuple(line.pointers),
                tuple(line.modifiers),
                line.service_date,
            )
            for line in claim.lines.all()
        ),
        rendering=x837.Party(rendering.display_name, npi=rendering.npi) if rendering else None,
        rendering_last=rendering.last_name if rendering else "",
        rendering_first=rendering.first_name if rendering else "",
    )


@transaction.atomic
def batch_create(*, actor: User, claims: list[Claim], idempotency_key: str) -> ClaimBatch:
    """One 837P interchange of READY claims. The same idempotency key gives back the batch
    made the first time (a retried request makes nothing new)."""
    require(actor, "billing.claims")
    clinic = staff_clinic(actor)
    key = (idempotency_key or "").strip()
    if not 8 <= len(key) <= 80:
        raise ValidationFailed(
            "The idempotency key is 8 to 80 characters.", field="idempotency_key"
        )
    existing = ClaimBatch.objects.filter(clinic=clinic, idempotency_key=key).first()
    if existing is not None:
        return existing
    if not claims:
        raise ValidationFailed("Choose at least one claim.", field="claims")
    provider = BillingProvider.objects.select_for_update().filter(clinic=clinic).first()
    if provider is None:
        raise ValidationFailed(
            "Set up the clinic's billing provider first.", code=Code.CLAIM_NOT_READY
        )
    locked = list(
        Claim.objects.select_for_update().filter(pk__in=[c.pk for c in claims], clinic=clinic)
    )
    if len(locked) != len({c.pk for c in claims}):
        raise NotFound("A claim is not in your clinic.")
    not_ready = [c.number for c in locked if c.status != ClaimStatus.READY]
    if not_ready:
        raise Conflict(
            "These claims are not scrubbed and ready: " + ", ".join(sorted(not_ready)) + ".",
            code=Code.CLAIM_NOT_READY,
        )
    provider.last_interchange_number = provider.last_interchange_number % 999999999 + 1
    provider.save(update_fields=["last_interchange_number"])
    number = provider.last_interchange_number
    locked.sort(key=lambda c: c.number)
    text = x837.build_837p(
        envelope=x837.Envelope(
            sender_id=provider.submitter_id,
            receiver_id=provider.receiver_id,
            receiver_name=provider.receiver_name,
            submitter_name=provider.name,
            contact_name=provider.contact_name,
            contact_phone=provider.contact_phone,
            interchange_number=number,
            usage=provider.usage,
            created=timezone.localtime(timezone.now()).replace(tzinfo=None),
        ),
        provider=x837.Party(
            provider.name,
            npi=provider.npi,
            tin=provider.tin,
            taxonomy=provider.taxonomy,
            address_line1=provider.address_line1,
            city=provider.city,
            state=provider.state,
            postal_code=provider.postal_code,
        ),
        claims=[claim_data(c) for c in locked],
    )
    try:
        with transaction.atomic():
            batch = ClaimBatch(
                clinic=clinic,
                idempotency_key=key,
                interchange_number=number,
                content=text,
                claim_count=len(locked),
            )
            batch.stamp(actor)
            batch.save()
    except IntegrityError:
        existing = ClaimBatch.objects.filter(clinic=clinic, idempotency_key=key).first()
        if existing is None:
            raise
        return existing
    now = timezone.now()
    for claim in locked:
        claim.batch, claim.status, claim.submitted_at = batch, ClaimStatus.SUBMITTED, now
        claim.stamp(actor)
        claim.save(update_fields=["batch", "status", "submitted_at", "updated_at", "updated_by"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=batch,
        detail={"claims": len(locked), "isa13": f"{number:09d}"},
    )
    return batch
