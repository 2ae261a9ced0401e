"""In a real browser: visit -> superbill -> scrub -> 837P -> 835 posts -> statement."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from medassist.billing.models import Claim
from medassist.records import services as records
from tests import factories
from tests.billing.test_remittance import era
from tests.browser_support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visit_to_statement_in_the_browser(
    page, physician, biller, front_desk, billing_setup, tmp_path
):
    patient = factories.make_patient(front_desk)
    factories.add_coverage(front_desk, patient)
    encounter = records.encounter_create(
        actor=physician,
        patient=patient,
        type_display="Office visit",
        reason_text="Essential hypertension follow-up",
    )
    login(page, physician.username)
    page.goto(f"/billing/visits/{encounter.public_id}/superbill/")
    expect(page.get_by_text("I10", exact=False).first).to_be_visible()
    page.get_by_label("Diagnoses, in order").fill("I10")
    page.get_by_label("Procedure code, line 1", exact=True).fill("99213")
    page.get_by_role("button", name="Create the claim").click()
    expect(page.get_by_text("was created for the biller")).to_be_visible()
    claim = Claim.objects.get(patient=patient)

    login(page, biller.username)
    page.goto(f"/billing/claims/{claim.public_id}/")
    page.get_by_role("button", name="Scrub").click()
    expect(page.get_by_text("is clean and ready to send")).to_be_visible()
    page.get_by_role("button", name="Send (837P)").click()
    expect(page.get_by_text("Sent in 837P batch")).to_be_visible()

    remittance = tmp_path / "era.835"
    text = era(claim.number)
    # this claim has one line (99213 without modifier, 110.00): pay it in full minus PR 20
    text = text.replace("SVC*HC:99213:25*110.00*80.00**1", "SVC*HC:99213*110.00*80.00**1")
    text = text.replace("~SVC*HC:36415*12.00*10.00**1~CAS*CO*45*2.00", "")
    text = text.replace("*122.00*90.00*", "*110.00*80.00*").replace("BPR*I*90.00", "BPR*I*80.00")
    text = text.replace("SE*14*0001", "SE*12*0001")
    remittance.write_text(text)
    page.goto("/billing/remittance/")
    page.get_by_label("File").set_input_files(str(remittance))
    page.get_by_role("button", name="Post").click()
    expect(page.get_by_text("Posted 1 line(s)")).to_be_visible()

    page.goto(f"/billing/patients/{patient.public_id}/ledger/")
    expect(page.locator("#patient-balance")).to_have_text("20.00")
    response = page.request.get(f"/billing/patients/{patient.public_id}/statement.pdf")
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
