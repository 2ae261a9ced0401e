from __future__ import annotations

import json
from pathlib import Path

import pytest

import medassist.orders
from medassist.orders.models import CompendiumTest
from medassist.orders.services import compendium_load, order_lab_create

COMPENDIUM = Path(medassist.orders.__file__).parent / "data" / "demo_compendium.json"


@pytest.fixture
def lab(clinic_admin):
    return compendium_load(actor=clinic_admin, data=json.loads(COMPENDIUM.read_text()))


@pytest.fixture
def test_by_code(lab):
    def get(code):
        return CompendiumTest.objects.get(lab=lab, order_code=code)

    return get


@pytest.fixture
def lipid_order(physician, patient, lab, test_by_code):
    return order_lab_create(
        actor=physician, patient=patient, lab=lab, tests=[test_by_code("LIPID")]
    )
