"""The patient summary PDF: what it shows, what it leaves out, who may print it, and the audit."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from medassist.audit.models import AuditEvent
from medassist.intake.models import Vitals
from medassist.records import services
from medassist.records.export_pdf import build_summary_pdf
from tests import factories
from tests.records.conftest import pdf_bytes

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def full_chart(physician, medical_assistant, front_desk, patient):
    """One of each kind of item, some entered in error, a signed note and its amendment."""
    enc = services.encounter_create(
        actor=physician, patient=patient, type_display="Office visit", reason_text="Cough"
    )
    services.problem_create(
        actor=physician, patient=patient, code="I10", onset_date=dt.date(2020, 1, 5)
    )
    wrong = services.problem_create(actor=physician, patient=patient, code="E11.9")
    services.problem_enter_in_error(actor=physician, problem=wrong, reason="Wrong patient")
    services.allergy_create(
        actor=medical_assistant, patient=patient, substance="Penicillin", reaction="Hives"
    )
    services.medication_create(
        actor=physician,
        patient=patient,
        drug_name="Lisinopril",
        code="29046",
        strength="10 mg",
        frequency="once daily",
        start_date=dt.date(2024, 3, 1),
    )
    services.immunization_create(
        actor=physician,
        patient=patient,
        cvx_code="140",
        occurrence_date=dt.date(2024, 10, 1),
        lot_number="AB123",
    )
    services.history_entry_create(
        actor=physician, patient=patient, kind="family", display="Breast cancer", relation="MTH"
    )
    services.history_entry_create(
        actor=physician, patient=patient, kind="surgical", display="Appendectomy",
        date=dt.date(2001, 6, 1),
    )  # fmt: skip
    services.social_history_save(
        actor=physician, patient=patient, smoking_status="8517006", occupation="Teacher"
    )
    services.observation_create(
        actor=physician,
        patient=patient,
        display="Hemoglobin A1c",
        code="4548-4",
        effective_at=timezone.now() - dt.timedelta(days=3),
        value_quantity="6.1",
        value_unit="%",
    )
    Vitals.objects.create(
        patient=patient,
        taken_at=timezone.now() - dt.timedelta(days=1),
        recorded_by=medical_assistant,
        bp_systolic=132,
        bp_diastolic=84,
        pulse=71,
    )
    note = services.note_create(
        actor=physician, encounter=enc, title="Progress note", body="Cough for two weeks."
    )
    note = services.note_sign(actor=physician, note=note)
    services.note_amend(
        actor=physician, note=note, body="Cough for three weeks.", reason="Patient corrected"
    )
    draft = services.note_create(
        actor=physician, encounter=enc, title="Unsigned draft", body="Secret draft words."
    )
    assert draft.status == "draft"
    services.document_upload(
        actor=front_desk,
        patient=patient,
        uploaded_file=SimpleUploadedFile("outside.pdf", pdf_bytes()),
        title="Hospital discharge summary",
    )
    return patient


def test_summary_shows_the_record_and_leaves_out_errors_and_drafts(full_chart, front_desk):
    # when
    text = pdf_text(build_summary_pdf(patient=full_chart, printed_by=front_desk))
    # then
    flat = " ".join(text.split())
    for expected in (
        "Maple Family Medicine",
        "Reyes, Jordan",
        full_chart.mrn,
        full_chart.date_of_birth.strftime("%m/%d/%Y"),
        "Fran Desk",
        "Essential (primary) hypertension",
        "Penicillin",
        "Hives",
        "Lisinopril",
        "Influenza",
        "132/84",
        "Hemoglobin A1c",
        "6.1 %",  # 6 stored decimals, shown as a person reads them
        "Breast cancer",
        "Appendectomy",
        "Former smoker",
        "Office visit",
        "Cough for two weeks.",
        "Cough for three weeks.",
        "Patient corrected",
        "Hospital discharge summary",
    ):
        assert expected in flat, expected
    assert "E11.9" not in flat and "Type 2 diabetes" not in flat  # entered in error
    assert "Secret draft words" not in flat  # drafts are not part of the record yet


def test_summary_says_no_known_allergies_with_the_date(patient, medical_assistant, front_desk):
    # given
    nka = services.nka_record(actor=medical_assistant, patient=patient)
    # when
    text = " ".join(pdf_text(build_summary_pdf(patient=patient, printed_by=front_desk)).split())
    # then
    recorded = timezone.localtime(nka.recorded_at, patient.clinic.tz)  # the clinic's day
    assert f"No known allergies (recorded {recorded:%m/%d/%Y}" in text
    assert "No problems recorded." in text


def test_summary_of_a_long_record_runs_to_several_pages(patient, physician, front_desk):
    # given
    for n in range(120):
        services.encounter_create(
            actor=physician,
            patient=patient,
            start=timezone.now() - dt.timedelta(days=n + 1),
            type_display=f"Visit number {n}",
            status="finished",
        )
    # when
    reader = PdfReader(io.BytesIO(build_summary_pdf(patient=patient, printed_by=front_desk)))
    # then
    assert len(reader.pages) > 1
    assert "Visit number 119" in reader.pages[-1].extract_text()
    assert "Page 1" in reader.pages[0].extract_text()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("front_desk", 200),
        ("physician", 200),
        ("clinic_admin", 200),
        ("medical_assistant", 403),
        ("biller", 403),
        (None, 302),
    ],
)
def test_who_may_print_the_summary(request, client_for, full_chart, role, status):
    # given
    user = request.getfixturevalue(role) if role else None
    url = reverse("records:summary_pdf", args=[full_chart.public_id])
    exports = AuditEvent.objects.filter(action="export").count()
    # when
    response = client_for(user).get(url)
    # then
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith(
            f'attachment; filename="summary-{full_chart.mrn}-'
        )
        assert "Lisinopril" in pdf_text(response.content)
        event = AuditEvent.objects.filter(action="export").latest("id")
        assert event.patient == full_chart and event.actor == user
        assert event.detail["export"] == "summary-pdf"
    else:
        assert AuditEvent.objects.filter(action="export").count() == exports


def test_another_clinics_patient_is_not_found(client_for, other_clinic_physician, full_chart):
    # given
    url = reverse("records:summary_pdf", args=[full_chart.public_id])
    exports = AuditEvent.objects.filter(action="export").count()
    # when
    response = client_for(other_clinic_physician).get(url)
    # then
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="export").count() == exports


def test_chart_links_to_the_summary_for_roles_that_may_print(
    client_for, front_desk, biller, patient
):
    # given
    url = reverse("records:summary_pdf", args=[patient.public_id])
    chart = reverse("records:chart", args=[patient.public_id])
    # when / then
    assert url in client_for(front_desk).get(chart).content.decode()
    assert url not in client_for(biller).get(chart).content.decode()


def test_names_outside_latin1_do_not_break_the_pdf(front_desk):
    # given
    patient = factories.make_patient(front_desk, first_name="Zoë", last_name="Nguyễn")
    # when
    data = build_summary_pdf(patient=patient, printed_by=front_desk)
    # then
    assert data.startswith(b"%PDF") and "Zo" in pdf_text(data)
