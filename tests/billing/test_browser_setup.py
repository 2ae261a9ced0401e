# ruff: noqa: F811  (sent_claim is a fixture imported from test_remittance)
"""In a real browser: the clinic admin sets billing up (billing provider with a wrong NPI check
digit first, a payer, a fee item); the biller resolves an unmatched remittance line."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from medassist.billing import services
from medassist.billing.models import BillingProvider, FeeScheduleItem, RemittanceLine
from medassist.practice.models import Payer
from tests.billing.conftest import PROVIDER
from tests.billing.test_remittance import era, sent_claim  # noqa: F401
from tests.browser_support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clinic_admin_sets_billing_up_in_the_browser(page, clinic_admin, clinic):
    login(page, clinic_admin.username)
    page.goto("/setup/")
    page.get_by_role("link", name="Billing set-up").first.click()
    expect(page.get_by_role("heading", name="Billing set-up")).to_be_visible()

    # the billing provider: a wrong check digit is refused in words, then corrected
    page.get_by_role("link", name="Billing provider").click()
    fields = ["name", "taxonomy", "address_line1", "city", "state", "contact_name"]
    for field in [*fields, "submitter_id", "receiver_id", "receiver_name"]:
        page.locator(f"#id_{field}").fill(PROVIDER[field])
    page.get_by_label("NPI").fill("1234567890")
    page.get_by_label("TIN (EIN)").fill("12-3456789")
    page.get_by_label("ZIP+4").fill("12207-1234")
    page.get_by_label("Contact phone").fill("(518) 555-0100")
    page.get_by_label("Default place of service").select_option("11")
    page.get_by_role("button", name="Save billing provider").click()
    expect(page.get_by_text("check digit is wrong")).to_be_visible()
    assert not BillingProvider.objects.exists()
    page.get_by_label("NPI").fill("1234567893")
    page.get_by_role("button", name="Save billing provider").click()
    expect(page.get_by_text("Saved the billing provider.")).to_be_visible()
    assert BillingProvider.objects.get(clinic=clinic).tin == "123456789"

    # a payer with its billing details
    page.get_by_role("link", name="Payers").click()
    page.get_by_label("Payer name").fill("Harbor Health Plan")
    page.get_by_label("Payer id").fill("HHP01")
    page.get_by_label("Claim filing indicator").select_option("MB")
    page.get_by_role("button", name="Add payer").click()
    expect(page.locator("#payers-table")).to_contain_text("Medicare Part B")
    assert Payer.objects.get(clinic=clinic, name="Harbor Health Plan").billing.submission == "837p"

    # a fee item: a negative price is refused, then fixed
    page.goto("/billing/setup/fees/")
    page.get_by_label("Code set").select_option("HCPCS")
    page.get_by_label("Procedure code").fill("J1100")
    page.get_by_label("Description").fill("Dexamethasone injection, 1 mg")
    page.get_by_label("Price").fill("-3")
    page.get_by_role("button", name="Add to the fee schedule").click()
    expect(page.get_by_text("cannot be negative")).to_be_visible()
    page.get_by_label("Price").fill("12.50")
    page.get_by_role("button", name="Add to the fee schedule").click()
    expect(page.locator("#fee-table")).to_contain_text("J1100")
    assert FeeScheduleItem.objects.get(clinic=clinic, code="J1100").price == Decimal("12.50")


def test_biller_resolves_an_unmatched_line_in_the_browser(page, biller, sent_claim):
    # given an 835 that dropped modifier 25: its 99213 line waits for a person
    services.remittance_import_835(actor=biller, data=era(sent_claim.number, svc_mods=""))
    line = RemittanceLine.objects.get(state="unmatched")
    login(page, biller.username)
    page.goto("/billing/worklist/")
    page.locator("#unmatched-lines").get_by_role("link", name=sent_claim.number).click()
    expect(page.locator("#why")).to_contain_text("dropped modifier 25")
    # when the biller finds the claim by the patient's name and posts the line to line 1
    page.get_by_label("Patient name, MRN or claim number").fill(sent_claim.patient.last_name)
    page.get_by_role("button", name="Search").click()
    page.get_by_label("Line 1").check()
    page.get_by_label("Note (optional)").fill("Payer dropped 25; checked the EOB")
    page.get_by_role("button", name="Post to the chosen line").click()
    # then it is posted, said so, and off the queue
    expect(page.get_by_text(f"Posted 80.00 to claim {sent_claim.number}")).to_be_visible()
    expect(page.locator("#resolution")).to_contain_text("Posted to claim")
    line.refresh_from_db()
    assert line.state == "resolved" and line.claim_line.number == 1
    assert sent_claim.lines.get(number=1).paid == Decimal("80.00")
