"""Preparation instructions per test reach the visit reminders while the test waits for its
specimen, through orders (intake and reminders never import orders)."""

from __future__ import annotations

import pytest

from medassist.intake.models import PrepInstruction
from medassist.orders.prep import order_prep
from medassist.orders.services import order_cancel
from medassist.reminders.services.planning import reminder_context

pytestmark = pytest.mark.django_db


def test_lipid_fasting_goes_with_the_reminder_until_cancelled(
    clinic, physician, appointment, lipid_order, test_by_code
):
    loinc = test_by_code("LIPID").loinc
    PrepInstruction.objects.create(
        clinic=clinic, title="Lipid panel", body="Fast 9-12 hours; water is fine.", test_code=loinc
    )
    PrepInstruction.objects.create(
        clinic=clinic, title="Glucose tolerance", body="Come at 8 am.", test_code="1558-6"
    )
    assert lipid_order.patient_id == appointment.patient_id
    assert [p.title for p in order_prep(lipid_order)] == ["Lipid panel"]
    prep = reminder_context(appointment)["prep"]
    assert "Lipid panel:\nFast 9-12 hours" in prep and "Come at 8 am" not in prep
    order_cancel(actor=physician, order=lipid_order, reason="Duplicate")
    assert "Fast 9-12" not in reminder_context(appointment)["prep"]


def test_the_lab_order_code_also_matches(clinic, appointment, lipid_order):
    PrepInstruction.objects.create(
        clinic=clinic, title="Before your blood draw", body="Drink water.", test_code="LIPID"
    )
    assert "Drink water." in reminder_context(appointment)["prep"]


def test_the_patients_forms_page_shows_the_test_preparation(
    client, clinic, appointment, lipid_order, test_by_code
):
    from medassist.intake.links import fill_token

    PrepInstruction.objects.create(
        clinic=clinic,
        title="Lipid panel",
        body="Fast 9-12 hours; water is fine.",
        test_code=test_by_code("LIPID").loinc,
    )
    page = client.get(f"/intake/fill/{fill_token(appointment)}/")
    assert b"How to prepare" in page.content and b"Fast 9-12 hours" in page.content
