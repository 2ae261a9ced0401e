"""The CMS-1500 (paper claim) fields of a claim, for billing.cms1500."""

from __future__ import annotations

from medassist.billing.models import (
    BillingProvider,
    Claim,
    PayerBilling,
)
from medassist.billing.services._common import (
    _split_name,
)
from medassist.core.errors import ValidationFailed

_INSURANCE_TYPE = {
    "MB": "medicare",
    "MA": "medicare",
    "MC": "medicaid",
    "CH": "tricare",
    "VA": "champva",
    "WC": "feca",
}


def cms1500_data(claim: Claim):
    """The CMS-1500 fields of a claim (billing.cms1500.FormData)."""
    from medassist.billing.cms1500 import FormData, FormLine

    patient, coverage, payer = claim.patient, claim.coverage, claim.payer
    details = PayerBilling.objects.filter(payer=payer).first() if payer else None
    provider = BillingProvider.objects.filter(clinic_id=claim.clinic_id).first()
    if provider is None:
        raise ValidationFailed("Set up the clinic's billing provider first.")
    address = (patient.address_line1, patient.city, patient.state, patient.postal_code)
    insured = (
        coverage.subscriber_name
        if coverage and coverage.subscriber_name
        else (f"{patient.first_name} {patient.last_name}")
    )
    last, first = _split_name(insured)
    letters = "ABCDEFGHIJKL"
    rendering = claim.rendering_provider
    return FormData(
        payer_name=payer.name if payer else "SELF-PAY",
        payer_address=[
            a
            for a in (
                (details.address_line1 if details else ""),
                (
                    f"{details.city} {details.state} {details.postal_code}".strip()
                    if details
                    else ""
                ),
            )
            if a
        ],
        insurance_type=_INSURANCE_TYPE.get(details.filing_indicator if details else "", "group"),
        insured_id=coverage.member_id if coverage else "",
        patient_name=f"{patient.last_name}, {patient.first_name}",
        patient_dob=patient.date_of_birth,
        patient_sex=patient.sex,
        insured_name=f"{last}, {first}",
        patient_address=address,
        relationship=coverage.relationship if coverage else "self",
        insured_address=address,
        insured_group=coverage.group_number if coverage else "",
        diagnoses=list(claim.diagnoses),
        lines=[
            FormLine(
                line.service_date or claim.service_date,
                claim.place_of_service,
                line.procedure_code,
                list(line.modifiers),
                "".join(letters[p - 1] for p in line.pointers if 1 <= p <= 12),
                line.charge,
                line.units,
                rendering.npi if rendering else "",
            )
            for line in claim.lines.all()
        ],
        tin=provider.tin,
        account_number=claim.number,
        total=claim.total_charge,
        provider_name=provider.name,
        provider_address=(
            provider.address_line1,
            provider.city,
            provider.state,
            provider.postal_code,
        ),
        provider_npi=provider.npi,
    )
