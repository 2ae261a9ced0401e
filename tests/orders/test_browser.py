"""In a real browser: a physician orders a lipid panel, the MA draws it (tube list, label
PDF), a simulated ORU^R01 returns, the physician reviews it, and the patient gets the
clinician's own message."""

from __future__ import annotations

import re

import pytest

from medassist.orders.ingest import receive
from medassist.orders.models import Order
from medassist.orders.simulate import lipid_results, oru_for_order
from medassist.reminders.models import Message
from tests.browser_support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lipid_panel_from_order_to_patient(page, physician, medical_assistant, patient, lab):
    # the physician signs a lipid panel
    login(page, "doctor")
    page.goto(f"/orders/new/{patient.public_id}/")
    page.locator('input[data-code="LIPID"]').check()
    page.get_by_role("button", name="Sign order").click()
    page.wait_for_url(re.compile(r"/orders/[0-9a-f-]{36}/$"))
    assert "Ordered" in page.locator("#order-status").inner_text()
    order = Order.objects.get(patient=patient)

    # the MA sees the draw with its tube and fasting question, draws it and prints the labels
    login(page, "ma")
    page.goto("/orders/phlebotomy/")
    draw = page.locator(f'[data-patient="{patient.public_id}"]')
    assert "Red / gold SST (serum)" in draw.inner_text() and "5.0 mL" in draw.inner_text()
    draw.get_by_label("Yes").check()
    draw.get_by_label("Site").fill("left antecubital")
    draw.get_by_role("button", name="Drawn").click()
    link = page.locator("#labels-link")
    link.wait_for()
    pdf = page.request.get(link.get_attribute("href"))
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")

    # the lab's result comes back
    (out,) = receive(
        actor=medical_assistant,
        data=oru_for_order(order, lipid_results(236, 170, 41), control_id="BROWSER-1"),
    )
    assert out.state == "filed"

    # the physician reviews it and tells the patient in their own words
    login(page, "doctor")
    page.goto(f"/orders/{order.public_id}/")
    assert "236" in page.locator("#results").inner_text()
    page.get_by_label("Comment (for the chart)").fill("LDL high; start statin discussion.")
    page.get_by_role("button", name="Mark reviewed").click()
    page.get_by_label("My own message", exact=True).check()
    page.get_by_label(re.compile("^Your words")).fill(
        "Your cholesterol is high. Please come in to talk about it."
    )
    page.get_by_role("button", name="Send to patient").click()
    page.wait_for_selector(".notice-body")
    assert "Patient told" in page.locator("#order-status").inner_text()
    msg = Message.objects.get(patient=patient)
    assert "Please come in to talk about it." in msg.body
