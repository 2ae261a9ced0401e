"""Relaying a change: the handout holds only the clinician's words, the order and the
reviewed template; English or Spanish; the MA records it was discussed."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from medassist.core.errors import PermissionDenied, ValidationFailed
from medassist.pharmacy import services
from medassist.pharmacy.errors import Duplicate
from medassist.pharmacy.handouts import handout_pdf
from medassist.pharmacy.models import ChangeDiscussion


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def order(physician, patient):
    return services.medication_order_create(
        actor=physician,
        patient=patient,
        kind="prescription",
        drug_name="lisinopril 10 MG",
        rxnorm="314076",
        dose_amount="20",
        dose_unit="mg",
        route="oral",
        frequency="once daily",
        instructions="Take two tablets each morning.",
    )


def test_a_spanish_handout_holds_the_order_and_the_clinicians_words(physician, patient, order):
    handout = services.handout_create(
        actor=physician,
        patient=patient,
        kind="medication",
        order=order,
        language="es",
        clinician_text="Subimos la dosis a 20 mg.",
    )
    text = _text(handout_pdf(handout))
    assert "Un cambio en su medicamento" in text
    assert "Subimos la dosis a 20 mg." in text and "lisinopril 10 MG" in text
    assert "Take two tablets each morning." in text


def test_the_ma_records_it_was_discussed_once(client_for, physician, medical_assistant, patient):
    handout = services.handout_create(
        actor=physician, patient=patient, kind="diet", clinician_text="Less than 2 g of salt a day."
    )
    pdf = client_for(medical_assistant).get(
        reverse("pharmacy:handout_pdf", args=[handout.public_id])
    )
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "Less than 2 g of salt a day." in _text(pdf.content)
    url = reverse("pharmacy:handout_discussed", args=[handout.public_id])
    assert client_for(medical_assistant).post(url, {"note": "teach-back done"}).status_code == 302
    handout.refresh_from_db()
    assert handout.discussed_by == medical_assistant
    with pytest.raises(Duplicate):
        services.handout_discussed(actor=medical_assistant, handout=handout)


@pytest.mark.parametrize(
    "values,error",
    [
        ({"kind": "medication"}, ValidationFailed),
        ({"kind": "diet", "language": "fr"}, ValidationFailed),
        ({"kind": "diet", "clinician_text": " "}, ValidationFailed),
    ],
)
def test_bad_handouts_are_refused(physician, patient, values, error):
    given = {"clinician_text": "x", **values}
    with pytest.raises(error):
        services.handout_create(actor=physician, patient=patient, **given)
    assert not ChangeDiscussion.objects.exists()


def test_only_the_clinician_writes_the_change(medical_assistant, patient):
    with pytest.raises(PermissionDenied):
        services.handout_create(
            actor=medical_assistant, patient=patient, kind="diet", clinician_text="Eat less salt."
        )
