"""In the browser: a portal refill request → protocol check → the MA prepares → the
prescriber approves → the patient is told; an MA gives a vaccine from stock with the
barcode check (a wrong dose refused first)."""

from __future__ import annotations

import pytest

from medassist.pharmacy.models import RefillRequest, StockLot
from medassist.portal.signin import SESSION_COOKIE, session_value
from tests.browser_support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _as_patient(page, live_server, patient):
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": SESSION_COOKIE, "value": session_value(patient), "url": live_server.url}]
    )
    page.goto("/pharmacy/portal/refill/")


def test_portal_refill_to_approval_and_the_patient_is_told(
    page, live_server, patient, medical_assistant, physician
):
    # given the patient signed in to the portal asks for a refill
    _as_patient(page, live_server, patient)
    page.get_by_label("Medication to refill").fill("lisinopril 10 mg")
    page.get_by_label("Your pharmacy").fill("Main St Pharmacy")
    page.get_by_role("button", name="Send request").click()
    assert "Your request was sent" in page.content()
    refill = RefillRequest.objects.get()
    # when the MA sees the protocol and prepares it
    login(page, "ma")
    page.goto("/pharmacy/refills/")
    page.get_by_role("link", name="lisinopril 10 mg").click()
    assert page.locator("#protocol li").count() >= 2
    page.get_by_role("button", name="Prepare for the prescriber").click()
    page.wait_for_load_state("networkidle")
    # and the prescriber approves
    login(page, "doctor")
    page.goto(f"/pharmacy/refills/{refill.public_id}/")
    page.get_by_label("Quantity").fill("30")
    page.get_by_label("Refills").fill("2")
    page.get_by_role("button", name="Approve").click()
    page.wait_for_load_state("networkidle")
    assert "Told the patient" in page.content()
    # then the patient sees the answer on the portal
    _as_patient(page, live_server, patient)
    assert "was approved" in page.locator("#my-requests").inner_text()
    refill.refresh_from_db()
    assert refill.status == "approved" and refill.decided_by == physician


def test_an_ma_gives_a_vaccine_from_stock_with_the_barcode_check(
    page, trained_ma, vaccine_order, vaccine_lot
):
    login(page, "ma")
    page.goto("/pharmacy/orders/")
    page.get_by_role("link", name="Give").click()
    page.get_by_label("Scan or type the NDC").fill("(01)00358160842110(10)TD123")
    page.get_by_label("Dose given").fill("1")
    page.get_by_label("Site").fill("left deltoid")
    page.get_by_label("VIS edition date (vaccines)").fill("2021-08-06")
    page.get_by_role("button", name="Check and give").click()
    page.wait_for_load_state("networkidle")
    assert "Wrong dose" in page.content()
    assert StockLot.objects.get(pk=vaccine_lot.pk).on_hand == 10
    page.get_by_label("Dose given").fill("0.5")
    page.get_by_label("Site").fill("left deltoid")
    page.get_by_label("VIS edition date (vaccines)").fill("2021-08-06")
    page.get_by_role("button", name="Check and give").click()
    page.wait_for_load_state("networkidle")
    assert "The vaccine is on the chart" in page.content()
    assert StockLot.objects.get(pk=vaccine_lot.pk).on_hand == 9
