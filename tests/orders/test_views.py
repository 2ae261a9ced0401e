"""The orders screens, end to end through the test client."""

from __future__ import annotations

import io

from medassist.orders.ingest import receive
from medassist.orders.models import Order, PatientNotice
from medassist.reminders.models import Message
from tests.orders.samples import oru


def test_order_draw_result_review_tell(
    client_for, physician, medical_assistant, patient, lab, test_by_code
):
    doc, ma = client_for(physician), client_for(medical_assistant)
    page = doc.get(f"/orders/new/{patient.public_id}/")
    assert page.status_code == 200 and "Lipid panel" in page.content.decode()
    lipid = test_by_code("LIPID")
    r = doc.post(
        f"/orders/new/{patient.public_id}/",
        {"kind": "lab", "lab": str(lab.public_id), "tests": [str(lipid.public_id)]},
    )
    assert r.status_code == 302
    order = Order.objects.get()
    assert ma.post(f"/orders/new/{patient.public_id}/", {"kind": "lab"}).status_code == 403

    draws = ma.get("/orders/phlebotomy/").content.decode()
    assert "Red / gold SST (serum)" in draws and "Fasting required" in draws
    r = ma.post("/orders/phlebotomy/", {"order": str(order.public_id), "site": "left antecubital"})
    assert r.status_code == 422 and "fasted" in r.content.decode()
    r = ma.post(
        "/orders/phlebotomy/",
        {"order": str(order.public_id), "site": "left antecubital", "fasting": "yes"},
    )
    assert r.status_code == 302
    pdf = ma.get(f"/orders/{order.public_id}/labels.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")

    for n, value in enumerate(("242", "198")):
        receive(
            actor=medical_assistant,
            data=oru(
                control_id=f"C{n}",
                mrn=patient.mrn,
                family=patient.last_name,
                given=patient.first_name,
                placer=order.placer_number,
                results=[
                    ("2093-3", "Cholesterol", "NM", value, "mg/dL", "<200", "H" if n == 0 else "")
                ],
            ),
        )
    detail = doc.get(f"/orders/{order.public_id}/").content.decode()
    assert "Mark reviewed" in detail and "242" in detail
    assert (
        doc.post(
            f"/orders/{order.public_id}/", {"action": "review", "comment": "recheck"}
        ).status_code
        == 302
    )
    r = doc.post(
        f"/orders/{order.public_id}/",
        {"action": "tell", "template": "clinician_message", "clinician_text": ""},
    )
    assert r.status_code == 422 and not PatientNotice.objects.exists()
    r = doc.post(
        f"/orders/{order.public_id}/",
        {
            "action": "tell",
            "template": "clinician_message",
            "clinician_text": "Cholesterol is better. Keep walking.",
        },
    )
    assert r.status_code == 302
    msg = Message.objects.get(patient=patient)
    assert "Keep walking." in msg.body and msg.status == Message.Status.QUEUED
    order.refresh_from_db()
    assert order.status == Order.Status.TOLD

    results = doc.get(f"/orders/results/{patient.public_id}/").content.decode()
    assert "<svg" in results and "<script>" not in results and "198" in results


def test_queue_and_worklist_screens(
    client_for, medical_assistant, physician, lipid_order, front_desk
):
    receive(actor=medical_assistant, data=oru(mrn="NOPE", placer=lipid_order.placer_number))
    ma = client_for(medical_assistant)
    page = ma.get("/orders/queue/").content.decode()
    assert "Unmatched result" in page
    assert client_for(front_desk).get("/orders/queue/").status_code == 403
    assert client_for(physician).get("/orders/").status_code == 200


def test_one_patients_orders_are_one_draw_in_one_order_of_draw(
    client_for, physician, medical_assistant, patient, lab, test_by_code
):
    from pypdf import PdfReader

    from medassist.orders.services import order_lab_create

    # given two orders for one patient: a CBC (EDTA, lavender) and a fasting lipid panel (SST)
    cbc = order_lab_create(actor=physician, patient=patient, lab=lab, tests=[test_by_code("CBC")])
    lipid = order_lab_create(
        actor=physician, patient=patient, lab=lab, tests=[test_by_code("LIPID")]
    )
    ma = client_for(medical_assistant)
    # then the draw screen shows one card for her, the serum tube before the EDTA one
    page = ma.get("/orders/phlebotomy/").content.decode()
    assert page.count(f'data-patient="{patient.public_id}"') == 1
    card = page.split(f'data-patient="{patient.public_id}"')[1].split("</section>")[0]
    assert card.index("Red / gold SST") < card.index("Lavender (EDTA)")
    assert card.count("Fasting required") == 1 and "Drawn (2 orders)" in card

    # when the fasting question is not answered, neither order is drawn
    both = {"order": [str(cbc.public_id), str(lipid.public_id)], "site": "right antecubital"}
    assert ma.post("/orders/phlebotomy/", both).status_code == 422
    assert not Order.objects.filter(status=Order.Status.COLLECTED).exists()

    # when it is drawn once, both orders are collected, at one time and site
    r = ma.post("/orders/phlebotomy/", {**both, "fasting": "yes"})
    assert r.status_code == 302
    cbc.refresh_from_db()
    lipid.refresh_from_db()
    assert cbc.status == lipid.status == Order.Status.COLLECTED
    specimens = [*cbc.specimens.all(), *lipid.specimens.all()]
    assert {s.collected_at for s in specimens} == {specimens[0].collected_at}
    assert {s.site for s in specimens} == {"right antecubital"}
    # and one PDF holds every label of the draw
    done = ma.get(r["Location"]).content.decode()
    href = done.split('id="labels-link" href="')[1].split('"')[0].replace("&amp;", "&")
    pdf = ma.get(href)
    assert pdf["Content-Type"] == "application/pdf"
    assert len(PdfReader(io.BytesIO(pdf.content)).pages) == len(specimens) == 2
    assert "No lab orders waiting" in done


def test_a_draw_of_two_patients_orders_is_refused(
    client_for, physician, medical_assistant, patient, lab, test_by_code, front_desk
):
    from medassist.orders.services import order_lab_create
    from tests import factories

    other = factories.make_patient(front_desk, last_name="Other")
    mine = order_lab_create(actor=physician, patient=patient, lab=lab, tests=[test_by_code("CBC")])
    theirs = order_lab_create(actor=physician, patient=other, lab=lab, tests=[test_by_code("TSH")])
    r = client_for(medical_assistant).post(
        "/orders/phlebotomy/",
        {"order": [str(mine.public_id), str(theirs.public_id)], "site": "left antecubital"},
    )
    assert r.status_code == 422 and "one patient" in r.content.decode()
    assert not Order.objects.filter(status=Order.Status.COLLECTED).exists()


def test_the_draw_screen_reads_the_same_number_of_queries_for_more_orders(
    client_for, physician, medical_assistant, patient, lab, test_by_code, front_desk
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from medassist.orders.services import order_lab_create
    from tests import factories

    ma = client_for(medical_assistant)

    def queries() -> int:
        with CaptureQueriesContext(connection) as seen:
            assert ma.get("/orders/phlebotomy/").status_code == 200
        return len(seen.captured_queries)

    order_lab_create(actor=physician, patient=patient, lab=lab, tests=[test_by_code("CBC")])
    one = queries()
    for n in range(3):
        other = factories.make_patient(front_desk, last_name=f"Draw{n}")
        order_lab_create(actor=physician, patient=other, lab=lab,
                         tests=[test_by_code("CBC"), test_by_code("LIPID")])
    assert queries() == one
