"""The clinic's own words: the clinic information screen (English and Spanish, repeated by the
assistant word for word), the letter templates (placeholders from a fixed set, checked on
save) and the letters staff make for a patient (a PDF filed to the chart, audited)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from medassist.assistant import letters
from medassist.assistant.engine import conversation_start, respond
from medassist.assistant.models import Channel, ClinicInfo, LetterTemplate
from medassist.audit.models import AuditEvent
from medassist.core.errors import PermissionDenied, ValidationFailed
from medassist.records.models import Document

INFO = {
    "hours": "Monday to Friday, 8 am to 5 pm.",
    "hours_es": "De lunes a viernes, de 8 a 17 h.",
    "parking": "Free parking behind the building.",
    "parking_es": "Estacionamiento gratis detrás del edificio.",
}


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


# --- clinic information ---------------------------------------------------------------------


def test_the_admin_saves_the_clinic_information_in_english_and_spanish(clinic_admin, client_for):
    c = client_for(clinic_admin)
    assert c.get(reverse("assistant:clinic_info")).status_code == 200
    response = c.post(reverse("assistant:clinic_info"), {**INFO, "letter_signature": "Dr. Lee"})
    assert response.status_code == 302
    info = ClinicInfo.objects.get(clinic=clinic_admin.clinic)
    assert info.hours == INFO["hours"] and info.hours_es == INFO["hours_es"]
    assert info.letter_signature == "Dr. Lee"
    page = c.get(response["Location"]).content.decode()
    assert "Saved." in page and INFO["parking_es"] in page
    assert AuditEvent.objects.filter(object_type="assistant.ClinicInfo").exists()


def test_the_assistant_answers_with_the_clinics_text_in_the_conversations_language(
    clinic_admin, clinic
):
    from medassist.assistant.services import clinic_info_save

    clinic_info_save(actor=clinic_admin, **INFO)
    english = conversation_start(clinic=clinic, channel=Channel.PORTAL)
    assert INFO["hours"] in respond(conversation=english, text="What are your hours?").text
    spanish = conversation_start(clinic=clinic, channel=Channel.PORTAL)
    reply = respond(conversation=spanish, text="Hola, ¿cuál es el horario de la clínica?")
    assert INFO["hours_es"] in reply.text


def test_spanish_falls_back_to_the_english_text_when_the_clinic_wrote_none(clinic_admin, clinic):
    from medassist.assistant.services import clinic_info_save

    clinic_info_save(actor=clinic_admin, hours="Mon-Fri 8-5")
    spanish = conversation_start(clinic=clinic, channel=Channel.PORTAL)
    assert "Mon-Fri 8-5" in respond(conversation=spanish, text="¿Cuál es su horario?").text


def test_too_long_clinic_text_is_refused_and_nothing_changes(clinic_admin, client_for):
    c = client_for(clinic_admin)
    c.post(reverse("assistant:clinic_info"), INFO)
    response = c.post(reverse("assistant:clinic_info"), {**INFO, "parking_es": "x" * 2001})
    assert response.status_code == 422
    assert "Parking (spanish) is limited to 2000" in response.content.decode()
    assert ClinicInfo.objects.get().parking_es == INFO["parking_es"]


@pytest.mark.parametrize("role", ["front_desk", "medical_assistant", "physician", "biller"])
def test_only_the_clinic_admin_edits_the_clinic_information(role, request, client_for):
    user = request.getfixturevalue(role)
    response = client_for(user).post(reverse("assistant:clinic_info"), INFO)
    assert response.status_code == 403
    assert not ClinicInfo.objects.exists()


# --- letter templates -----------------------------------------------------------------------


def test_the_defaults_are_listed_until_the_clinic_writes_its_own(clinic_admin, client_for):
    c = client_for(clinic_admin)
    page = c.get(reverse("assistant:letter_templates")).content.decode()
    assert "We tried to reach you" in page and "Time for your visit" in page
    assert "{clinic_phone}" in page  # the allowed placeholders are shown
    edit = reverse("assistant:letter_template_edit", args=["recall"])
    assert "Time for your visit" in c.get(edit).content.decode()
    response = c.post(edit, {"title": "Your yearly check-up",
                             "body": "Dear {patient_first_name},\n\nCall {clinic_phone}.",
                             "active": "on"})
    assert response.status_code == 302
    saved = LetterTemplate.objects.get(clinic=clinic_admin.clinic, key="recall")
    assert saved.title == "Your yearly check-up" and saved.active


def test_the_admin_adds_a_letter(clinic_admin, client_for):
    response = client_for(clinic_admin).post(reverse("assistant:letter_templates"), {
        "key": "missed-visit", "title": "We missed you",
        "body": "Dear {patient_name}, we missed you on {today}. {signature}", "active": "on",
    })
    assert response.status_code == 302
    assert LetterTemplate.objects.get(key="missed-visit").title == "We missed you"


@pytest.mark.parametrize("body, message", [
    ("Dear {patient_ssn}", "{patient_ssn} is not a placeholder"),
    ("Dear {patient_name.__class__}", "is not a placeholder"),
    ("Dear {patient_name!r}", "{patient_name!r} is not a placeholder"),
    ("Dear {patient_name:>40}", "is not a placeholder"),
    ("Dear {0}", "{0} is not a placeholder"),
    ("Dear {patient_name", "A brace is not closed"),
    ("Dear patient_name}", "A brace is not closed"),
])
def test_a_template_with_a_placeholder_outside_the_set_is_refused(
    clinic_admin, client_for, body, message
):
    response = client_for(clinic_admin).post(
        reverse("assistant:letter_templates"), {"key": "bad", "title": "Hello", "body": body}
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not LetterTemplate.objects.exists()


def test_a_bad_key_or_empty_text_is_refused(clinic_admin):
    for key, title, body in [("Bad Key!", "t", "b"), ("ok", "", "b"), ("ok", "t", "  ")]:
        with pytest.raises(ValidationFailed):
            letters.letter_template_save(actor=clinic_admin, key=key, title=title, body=body)
    assert not LetterTemplate.objects.exists()


def test_staff_cannot_edit_letter_templates(front_desk):
    with pytest.raises(PermissionDenied):
        letters.letter_template_save(actor=front_desk, key="recall", title="t", body="b")


# --- letters for a patient ------------------------------------------------------------------


def test_a_letter_is_made_from_the_clinics_template_and_filed_to_the_chart(
    clinic_admin, front_desk, patient, client_for
):
    # given the clinic's own text with placeholders
    letters.letter_template_save(
        actor=clinic_admin, key="unreachable", title="We could not reach you, {patient_first_name}",
        body="Dear {patient_name},\n\nPlease call {clinic_name} at {clinic_phone}.\n\n{signature}",
    )
    c = client_for(front_desk)
    url = reverse("assistant:patient_letters", args=[patient.public_id])
    assert "We could not reach you" in c.get(url).content.decode()
    # when the front desk makes the letter
    response = c.post(url, {"kind": "unreachable"})
    # then it is a PDF in the patient's chart with the patient's and clinic's details
    assert response.status_code == 200 and "is filed to the chart" in response.content.decode()
    doc = Document.objects.get(patient=patient)
    assert doc.title == "Letter sent: We could not reach you, Jordan"
    assert doc.content_type == "application/pdf"
    text = pdf_text(doc.file.read())
    assert "Dear Jordan Reyes" in text and patient.clinic.name in text
    assert AuditEvent.objects.filter(
        object_type="assistant.letter", action="export", patient=patient
    ).exists()


def test_the_preview_is_a_pdf_and_files_nothing(front_desk, patient, client_for):
    url = reverse("assistant:letter", args=["recall", patient.public_id])
    response = client_for(front_desk).get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert "Time for your visit" in pdf_text(response.content)
    assert not Document.objects.exists()


def test_a_patient_name_with_markup_is_printed_as_written(front_desk, patient):
    patient.last_name = "Reyes & <b>Sons</b>"
    patient.save(update_fields=["last_name"])
    text = pdf_text(letters.letter_pdf(actor=front_desk, kind="recall", patient=patient))
    assert "Reyes & <b>Sons</b>" in text


def test_an_unknown_or_retired_letter_is_404_and_files_nothing(
    clinic_admin, front_desk, patient, client_for
):
    letters.letter_template_save(actor=clinic_admin, key="recall", title="t", body="b",
                                 active=False)
    c = client_for(front_desk)
    url = reverse("assistant:patient_letters", args=[patient.public_id])
    assert c.post(url, {"kind": "recall"}).status_code == 404
    assert c.post(url, {"kind": "nothing"}).status_code == 404
    assert not Document.objects.exists()


def test_a_letter_for_another_clinics_patient_is_404(front_desk, other_clinic, client_for):
    from tests import factories

    desk = factories.make_user(other_clinic, "front_desk", "otherdesk")
    other = factories.make_patient(desk, first_name="Zed", last_name="Quarrington")
    url = reverse("assistant:patient_letters", args=[other.public_id])
    assert client_for(front_desk).post(url, {"kind": "recall"}).status_code == 404
    assert not Document.objects.exists()


# --- letters in the patient's language --------------------------------------------------------


def _spanish(patient):
    patient.preferred_language = "Spanish"
    patient.save(update_fields=["preferred_language"])
    return patient


def test_a_spanish_speaking_patient_gets_the_spanish_letter(front_desk, patient, client_for):
    _spanish(patient)
    c = client_for(front_desk)
    page = c.get(reverse("assistant:patient_letters", args=[patient.public_id])).content.decode()
    assert "Es hora de su consulta" in page and "the patient's language" in page
    response = c.post(reverse("assistant:patient_letters", args=[patient.public_id]),
                      {"kind": "recall"})
    assert response.status_code == 200
    text = pdf_text(Document.objects.get(patient=patient).file.read())
    assert "Estimado/a Jordan Reyes" in text and "Atentamente" in text
    assert " de 20" in text  # the date written in Spanish ("4 de diciembre de 2026")
    event = AuditEvent.objects.filter(object_type="assistant.letter", patient=patient).latest("id")
    assert event.detail["language"] == "es"


def test_the_clinics_own_spanish_text_replaces_the_default_and_english_is_kept(
    clinic_admin, front_desk, patient, client_for
):
    c = client_for(clinic_admin)
    listing = c.get(reverse("assistant:letter_templates")).content.decode()
    assert listing.count("<code>recall</code>") == 2  # English and Spanish
    edit = reverse("assistant:letter_template_edit", args=["recall"]) + "?lang=es"
    assert "Es hora de su consulta" in c.get(edit).content.decode()
    response = c.post(edit, {"title": "Su chequeo anual", "body": "Hola {patient_first_name}.",
                             "active": "on", "language": "es"})
    assert response.status_code == 302
    saved = LetterTemplate.objects.get(key="recall")
    assert saved.language == "es" and saved.title == "Su chequeo anual"
    # the Spanish patient gets the clinic's text, an English one still the English default
    spanish = _spanish(patient)
    text_es = pdf_text(letters.letter_pdf(actor=front_desk, kind="recall", patient=spanish))
    assert "Su chequeo anual" in text_es and "Hola Jordan." in text_es
    patient.preferred_language = "English"
    patient.save(update_fields=["preferred_language"])
    assert "Time for your visit" in pdf_text(
        letters.letter_pdf(actor=front_desk, kind="recall", patient=patient)
    )


def test_a_letter_not_written_in_spanish_goes_out_in_english(clinic_admin, front_desk, patient):
    letters.letter_template_save(actor=clinic_admin, key="missed-visit", title="We missed you",
                                 body="Dear {patient_name}.")
    text = pdf_text(letters.letter_pdf(actor=front_desk, kind="missed-visit",
                                       patient=_spanish(patient)))
    assert "We missed you" in text


def test_a_letter_in_a_language_we_do_not_write_is_refused(clinic_admin):
    with pytest.raises(ValidationFailed, match="English or Spanish"):
        letters.letter_template_save(actor=clinic_admin, key="recall", title="t", body="b",
                                     language="fr")
    assert not LetterTemplate.objects.exists()


@pytest.mark.parametrize(("words", "code"), [
    ("Spanish", "es"), ("spanish ", "es"), ("Español", "es"), ("es", "es"), ("English", "en"),
    ("Estonian", "en"), ("", "en"),
])
def test_the_patients_language(patient, words, code):
    patient.preferred_language = words
    assert patient.language_code == code
