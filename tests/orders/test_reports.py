"""An imaging study's or a referral's report comes back (fax, mail): the MA files it to the
chart, the order is resulted and waits for the clinician's review, an abnormal one alerts the
clinician at once; then review and telling the patient as for a lab result."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from medassist.core.errors import ApplicationError
from medassist.orders.models import Order, WorkItem
from medassist.orders.services import (
    order_imaging_create,
    order_referral_create,
    order_report_receive,
    order_review,
)
from medassist.records.models import Document

pytestmark = pytest.mark.django_db


def report_pdf(words: str = "Impression: no acute disease.") -> SimpleUploadedFile:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out)
    c.drawString(72, 720, words)
    c.save()
    return SimpleUploadedFile("report.pdf", out.getvalue(), content_type="application/pdf")


@pytest.fixture
def xray(physician, patient):
    return order_imaging_create(
        actor=physician, patient=patient, modality="X-ray", body_site="chest", reason="cough"
    )


def test_the_ma_files_a_radiology_report_and_the_clinician_reviews_it(
    client_for, medical_assistant, physician, xray
):
    ma = client_for(medical_assistant)
    url = f"/orders/{xray.public_id}/"
    assert 'id="report-form"' in ma.get(url).content.decode()
    # when the MA files the faxed report
    r = ma.post(url, {"action": "report", "file": report_pdf(), "title": "CXR report"})
    assert r.status_code == 302
    xray.refresh_from_db()
    # then it is on the chart as an outside record and the order waits for review
    assert xray.status == Order.Status.RESULTED and xray.resulted_at is not None
    doc = Document.objects.get(pk=xray.report_id)
    assert doc.patient == xray.patient and doc.kind == Document.Kind.OUTSIDE_RECORD
    assert doc.title == "CXR report"
    page = client_for(physician).get(url).content.decode()
    assert "CXR report" in page and "Mark reviewed" in page and 'id="report-form"' not in page
    assert not WorkItem.objects.exists()  # not marked abnormal: no alert
    order_review(actor=physician, order=xray, comment="Normal.")
    xray.refresh_from_db()
    assert xray.status == Order.Status.REVIEWED


def test_an_abnormal_consult_letter_alerts_the_ordering_clinician(
    medical_assistant, physician, patient
):
    ref = order_referral_create(
        actor=physician, patient=patient, refer_to="Albany Cardiology", reason="murmur"
    )
    order_report_receive(
        actor=medical_assistant, order=ref, uploaded_file=report_pdf("Severe stenosis."),
        abnormal=True,
    )
    alert = WorkItem.objects.get()
    assert alert.kind == WorkItem.Kind.ABNORMAL and alert.assignee == physician
    assert ref.title in alert.title


def test_a_report_is_refused_for_a_lab_order_twice_or_without_a_file(
    medical_assistant, front_desk, xray, lipid_order
):
    with pytest.raises(ApplicationError, match="lab's result message"):
        order_report_receive(actor=medical_assistant, order=lipid_order,
                             uploaded_file=report_pdf())
    with pytest.raises(ApplicationError, match="Attach the report"):
        order_report_receive(actor=medical_assistant, order=xray, uploaded_file=None)
    with pytest.raises(ApplicationError):
        order_report_receive(actor=front_desk, order=xray, uploaded_file=report_pdf())
    assert not Document.objects.exists()
    order_report_receive(actor=medical_assistant, order=xray, uploaded_file=report_pdf())
    with pytest.raises(ApplicationError, match="already in"):
        order_report_receive(actor=medical_assistant, order=xray, uploaded_file=report_pdf())
    assert Document.objects.count() == 1
