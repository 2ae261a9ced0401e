"""The screens end to end: visit -> superbill -> scrub -> 837P -> 835 posts -> statement."""

from __future__ import annotations

import re
from decimal import Decimal

from pypdf import PdfReader

from medassist.billing import selectors
from medassist.billing.models import Claim, ClaimBatch
from medassist.records import services as records
from tests import factories
from tests.billing.test_remittance import era


def test_visit_to_statement(client_for, biller, physician, front_desk, billing_setup, tmp_path):
    patient = factories.make_patient(front_desk)
    factories.add_coverage(front_desk, patient)
    records.problem_create(actor=physician, patient=patient, code="E11.9")
    encounter = records.encounter_create(
        actor=physician,
        patient=patient,
        type_display="Office visit",
        reason_text="Follow-up of type 2 diabetes mellitus",
    )
    doctor = client_for(physician)
    page = doctor.get(f"/billing/visits/{encounter.public_id}/superbill/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "E11.9" in body and "Suggested" in body
    response = doctor.post(
        f"/billing/visits/{encounter.public_id}/superbill/",
        {
            "diagnoses": "E11.9",
            "place_of_service": "11",
            "code_0": "99213",
            "units_0": "1",
            "modifiers_0": "25",
            "pointers_0": "1",
            "code_1": "36415",
            "units_1": "1",
            "pointers_1": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    claim = Claim.objects.get(patient=patient)
    desk = client_for(biller)
    url = f"/billing/claims/{claim.public_id}/"
    desk.post(url, {"action": "scrub"})
    claim.refresh_from_db()
    assert claim.status == "ready", claim.scrub_problems
    key = re.search(r'name="key" value="([^"]+)"', desk.get(url).content.decode()).group(1)
    desk.post(url, {"action": "send", "key": key})
    desk.post(url, {"action": "send", "key": key})  # a retried click
    assert ClaimBatch.objects.count() == 1
    claim.refresh_from_db()
    assert claim.status == "submitted"
    x12 = desk.get(f"/billing/batches/{claim.batch.interchange_number}/")
    assert x12.content.startswith(b"ISA*")
    upload = tmp_path / "era.835"
    upload.write_text(era(claim.number))
    with upload.open("rb") as f:
        posted = desk.post("/billing/remittance/", {"file": f, "kind": "835"})
    assert "Posted 2 line(s)" in posted.content.decode()
    assert selectors.patient_balance(patient=patient) == Decimal("20.00")
    ledger = desk.get(f"/billing/patients/{patient.public_id}/ledger/")
    assert "20.00" in ledger.content.decode()
    pdf = client_for(front_desk).get(f"/billing/patients/{patient.public_id}/statement.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(
        page.extract_text() for page in PdfReader(__import__("io").BytesIO(pdf.content)).pages
    )
    assert "Amount due now: $20.00" in text
    for path in ("/billing/worklist/", "/billing/aging/", "/billing/close/"):
        assert desk.get(path).status_code == 200, path
    assert "<svg" in desk.get("/billing/aging/").content.decode()


def test_front_desk_cannot_open_the_worklist(client_for, front_desk):
    assert client_for(front_desk).get("/billing/worklist/").status_code == 403
