from __future__ import annotations

from datetime import timedelta

import pytest

from medassist.billing import services
from medassist.billing.models import FilingIndicator
from medassist.core.clock import clinic_today
from medassist.practice.models import Payer
from tests import factories

PROVIDER = {
    "name": "Maple Family Medicine",
    "taxonomy": "207Q00000X",
    "tin": "123456789",
    "address_line1": "1 Main St",
    "city": "Albany",
    "state": "NY",
    "postal_code": "122071234",
    "contact_name": "Rita Castellano",
    "contact_phone": "5185550100",
    "submitter_id": "MAPLE01",
    "receiver_id": "CLEARHOUSE",
    "receiver_name": "Demo Clearinghouse",
}


@pytest.fixture
def billing_setup(clinic, biller):
    services.billing_provider_save(actor=biller, npi="1234567893", **PROVIDER)
    payer = Payer.objects.get(clinic=clinic)
    services.payer_billing_save(
        actor=biller, payer=payer, filing_indicator=FilingIndicator.COMMERCIAL
    )
    services.fee_schedule_load_demo(actor=biller)
    return payer


@pytest.fixture
def insured(biller, clinic, front_desk, billing_setup):
    patient = factories.make_patient(front_desk)
    coverage = factories.add_coverage(front_desk, patient)
    return patient, coverage


@pytest.fixture
def visit_day(clinic):
    return clinic_today(clinic) - timedelta(days=3)
