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
    assert response["Location"].endswith("/superbill/")  # a physician does not see claims
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


def test_cms1500_both_modes(client_for, biller, insured, visit_day):
    from medassist.billing import services
    from medassist.billing.services import LineInput

    patient, coverage = insured
    claim = services.claim_create(
        actor=biller,
        patient=patient,
        coverage=coverage,
        service_date=visit_day,
        diagnoses=["E11.9", "I10"],
        lines=[LineInput("99213", modifiers=["25"], pointers=[1, 2])],
    )
    desk = client_for(biller)
    texts = {}
    for mode in ("full", "data"):
        pdf = desk.get(f"/billing/claims/{claim.public_id}/cms1500.pdf?mode={mode}")
        assert pdf["Content-Type"] == "application/pdf"
        reader = PdfReader(__import__("io").BytesIO(pdf.content))
        texts[mode] = reader.pages[0].extract_text()
    for mode, text in texts.items():
        assert patient.last_name.upper() in text and "E11.9" in text and "99213" in text, mode
        assert "110" in text  # the charge
    assert "HEALTH INSURANCE CLAIM FORM" in texts["full"]
    assert "HEALTH INSURANCE CLAIM FORM" not in texts["data"]


def test_more_than_six_lines_go_on_continuation_forms(client_for, biller, insured, visit_day):
    import io

    from medassist.billing import services
    from medassist.billing.services import LineInput

    patient, coverage = insured
    codes = ["99213", "36415", "90686", "90471", "90472", "81002", "87880", "85018"]
    claim = services.claim_create(
        actor=biller,
        patient=patient,
        coverage=coverage,
        service_date=visit_day,
        diagnoses=["E11.9", "I10"],
        lines=[LineInput(code, pointers=[1], charge="10.00") for code in codes],
    )
    for mode in ("full", "data"):
        pdf = client_for(biller).get(f"/billing/claims/{claim.public_id}/cms1500.pdf?mode={mode}")
        pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages]
        # then two forms: six lines, then two, each with the header and the diagnoses
        assert len(pages) == 2, mode
        first, last = pages
        assert all(c in first for c in codes[:6]) and not any(c in first for c in codes[6:])
        assert all(c in last for c in codes[6:]) and not any(c in last for c in codes[:6])
        for page in pages:
            assert patient.last_name.upper() in page and "E11.9" in page
        # and the total only on the last, CONTINUED on the first
        assert "CONTINUED" in first and "CONTINUED" not in last
        assert re.search(r"\n80\n00\n", last) and not re.search(r"\n80\n00\n", first)
        if mode == "full":
            assert "Page 1 of 2" in first and "Page 2 of 2" in last


def test_a_refused_superbill_keeps_every_line_typed(
    client_for, physician, front_desk, billing_setup
):
    patient = factories.make_patient(front_desk)
    factories.add_coverage(front_desk, patient)
    encounter = records.encounter_create(
        actor=physician, patient=patient, type_display="Office visit", reason_text="Cough"
    )
    url = f"/billing/visits/{encounter.public_id}/superbill/"
    typed = {"diagnoses": "R05.9 NOT-A-CODE", "place_of_service": "11"}
    for n, code in enumerate(["99213", "87880", "94640", "J7613", "99000", "36415", "85018"]):
        typed |= {f"code_{n}": code, f"units_{n}": "2", f"modifiers_{n}": "25",
                  f"pointers_{n}": "1", f"charge_{n}": "12.50"}
    response = client_for(physician).post(url, typed)
    assert response.status_code == 422
    assert not Claim.objects.filter(patient=patient).exists()
    html = response.content.decode()
    assert 'name="code_6" value="85018"' in html  # the seventh line is there too
    assert 'name="units_3" value="2"' in html and 'name="charge_0" value="12.50"' in html
    assert 'value="R05.9 NOT-A-CODE"' in html
