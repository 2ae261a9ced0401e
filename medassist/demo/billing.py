"""Demo billing set-up: the clinic's billing provider, each payer's billing details and the
labelled demo fee schedule (CPT numbers with DEMO labels, public HCPCS codes)."""

from __future__ import annotations

from django.db import transaction

from medassist.billing import services
from medassist.billing.models import FilingIndicator
from medassist.practice.models import Clinic, Payer, User
from medassist.practice.roles import Role

_FILING = {
    "Medicare": FilingIndicator.MEDICARE_B,
    "Medicaid": FilingIndicator.MEDICAID,
    "Blue Cross": FilingIndicator.BLUE_CROSS,
}


@transaction.atomic
def billing_demo(clinic: Clinic) -> dict:
    biller = User.objects.filter(clinic=clinic, role=Role.BILLER, is_active=True).first()
    if biller is None:
        return {}
    services.billing_provider_save(
        actor=biller,
        npi="1234567893",
        name=clinic.name[:60],
        taxonomy="207Q00000X",
        tin="123456789",
        address_line1="100 River Road",
        city="Albany",
        state="NY",
        postal_code="122071234",
        contact_name=biller.get_full_name() or "Billing office",
        contact_phone="5185550100",
        submitter_id="RIVERSIDE01",
        receiver_id="DEMOCLEAR",
        receiver_name="Demo Clearinghouse (file drop)",
    )
    payers = 0
    for payer in Payer.objects.filter(clinic=clinic, active=True).exclude(payer_id=""):
        indicator = next(
            (code for prefix, code in _FILING.items() if payer.name.startswith(prefix)),
            FilingIndicator.COMMERCIAL,
        )
        services.payer_billing_save(actor=biller, payer=payer, filing_indicator=indicator)
        payers += 1
    fees = services.fee_schedule_load_demo(actor=biller)
    return {"payer billing details": payers, "fee schedule items": fees}
