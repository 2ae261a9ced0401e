"""Pharmacy fixtures: a clinic away from UTC, a trained MA, vaccine and tablet stock, orders."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from medassist.core.clock import clinic_today
from medassist.pharmacy import services
from tests import factories

TDAP_NDC = "58160084211"  # 58160-0842-11


@pytest.fixture
def clinic(db):
    return factories.make_clinic(tz="America/Los_Angeles")


@pytest.fixture
def trained_ma(medical_assistant):
    factories.make_training(medical_assistant)
    return medical_assistant


@pytest.fixture
def vaccine(physician):
    return services.stock_item_create(
        actor=physician,
        name="Tdap vaccine (Boostrix)",
        ndc="58160-0842-11",
        cvx="115",
        unit="syringe",
        dose_amount="0.5",
        dose_unit="mL",
        route="intramuscular",
        low_stock_at=3,
    )


@pytest.fixture
def vaccine_lot(physician, vaccine, clinic):
    return services.stock_receive(
        actor=physician,
        item=vaccine,
        lot_number="TD123",
        quantity=10,
        expires_on=clinic_today(clinic) + timedelta(days=200),
        manufacturer="GSK",
    )


@pytest.fixture
def tablets(physician):
    return services.stock_item_create(
        actor=physician,
        name="Lisinopril 10 mg tablet",
        ndc="68180-0513-01",
        rxnorm="314076",
        unit="tablet",
        dose_amount="10",
        dose_unit="mg",
        route="oral",
    )


@pytest.fixture
def tablet_lot(physician, tablets, clinic):
    return services.stock_receive(
        actor=physician,
        item=tablets,
        lot_number="LS9",
        quantity=30,
        expires_on=clinic_today(clinic) + timedelta(days=400),
    )


@pytest.fixture
def vaccine_order(physician, patient):
    return services.medication_order_create(
        actor=physician,
        patient=patient,
        kind="administer",
        drug_name="Tdap vaccine",
        cvx="115",
        ndc="58160-0842-11",
        dose_amount="0.5",
        dose_unit="mL",
        route="intramuscular",
    )


@pytest.fixture
def dispense_order(physician, patient):
    return services.medication_order_create(
        actor=physician,
        patient=patient,
        kind="dispense",
        drug_name="lisinopril 10 MG",
        rxnorm="314076",
        dose_amount="10",
        dose_unit="mg",
        route="oral",
        quantity=7,
    )


VIS_DATE = date(2021, 8, 6)
