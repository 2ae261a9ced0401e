"""The requisition PDF of an order: clinic, ordering clinician with NPI, patient, tests with
LOINC codes and specimen requirements, fasting, diagnosis codes, barcode of the order number."""

from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader

from medassist.audit.models import AuditEvent
from medassist.orders.requisition import diagnosis_codes
from medassist.orders.services import order_lab_create, order_referral_create


def _text(pdf: bytes) -> str:
    return " ".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages)


def test_lab_requisition(client_for, physician, front_desk, patient, lab, test_by_code):
    order = order_lab_create(
        actor=physician,
        patient=patient,
        lab=lab,
        tests=[test_by_code("LIPID"), test_by_code("TSH")],
        diagnosis="E78.5 hyperlipidemia, screening z13220",
    )
    r = client_for(physician).get(f"/orders/{order.public_id}/requisition.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = _text(r.content)
    prov = order.ordering_provider
    for expected in (
        "Laboratory requisition",
        order.clinic.name,
        f"NPI {prov.npi}",
        prov.last_name,
        patient.last_name,
        patient.mrn,
        f"{patient.date_of_birth:%m/%d/%Y}",
        order.placer_number,
        "57698-3",  # lipid panel LOINC
        "3016-3",  # TSH LOINC
        "Fasting required",
        "E78.5",
        "Z13.220",
        lab.name,
    ):
        assert expected in text, expected
    assert AuditEvent.objects.filter(
        action="export", object_id=str(order.public_id), detail__document="requisition"
    ).exists()
    assert (
        client_for(front_desk).get(f"/orders/{order.public_id}/requisition.pdf").status_code == 403
    )


def test_referral_requisition(client_for, physician, patient):
    order = order_referral_create(
        actor=physician,
        patient=patient,
        refer_to="Valley Cardiology",
        specialty="Cardiology",
        reason="Palpitations",
        diagnosis="R00.2",
    )
    text = _text(client_for(physician).get(f"/orders/{order.public_id}/requisition.pdf").content)
    assert "Referral" in text and "Valley Cardiology" in text and "R00.2" in text


def test_diagnosis_codes_are_only_real_icd10_codes():
    assert diagnosis_codes("e119 and I10; not A99.99 nor U07") == [
        ("E11.9", "Type 2 diabetes mellitus without complications"),
        ("I10", "Essential (primary) hypertension"),
    ]
    assert diagnosis_codes("") == []
