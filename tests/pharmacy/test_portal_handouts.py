"""The patient's handouts in the portal: their own, once the MA has gone over them, with the
same words as the printed handout (in its language) and the PDF; every read audited."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from medassist.audit.models import AuditEvent
from medassist.pharmacy import services
from medassist.portal.selectors import portal_user
from medassist.portal.signin import SESSION_COOKIE, session_value
from tests import factories

URL = "/portal/me/handouts/"


def _signed_in(patient) -> Client:
    client = Client()
    client.cookies[SESSION_COOKIE] = session_value(patient)
    return client


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


@pytest.fixture
def given(physician, medical_assistant, patient, order):
    """A Spanish medication handout the MA went over with the patient."""
    handout = services.handout_create(
        actor=physician,
        patient=patient,
        kind="medication",
        order=order,
        language="es",
        clinician_text="Subimos la dosis a 20 mg.\nTómela con el desayuno.",
    )
    return services.handout_discussed(actor=medical_assistant, handout=handout)


def test_the_patient_sees_their_released_handout_with_the_same_words(patient, given):
    # when
    response = _signed_in(patient).get(URL)
    # then
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert 'lang="es"' in html
    assert "Un cambio en su medicamento" in html  # the reviewed template, in Spanish
    assert "Subimos la dosis a 20 mg." in html and "Tómela con el desayuno." in html
    assert "lisinopril 10 MG" in html and "Take two tablets each morning." in html
    assert f"{URL}{given.public_id}.pdf" in html


def test_a_handout_not_yet_gone_over_is_not_shown(physician, patient):
    # given
    waiting = services.handout_create(
        actor=physician, patient=patient, kind="diet", clinician_text="Less salt, please."
    )
    # when
    client = _signed_in(patient)
    page = client.get(URL).content.decode()
    pdf = client.get(f"{URL}{waiting.public_id}.pdf")
    # then
    assert "Less salt" not in page and "No handouts yet." in page
    assert pdf.status_code == 404


def test_the_pdf_is_served_and_holds_the_handout(patient, given):
    # when
    response = _signed_in(patient).get(f"{URL}{given.public_id}.pdf")
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Un cambio en su medicamento" in text and "Subimos la dosis a 20 mg." in text


def test_another_patients_handout_is_not_found(front_desk, patient, given):
    # given
    other = factories.make_patient(front_desk, first_name="Ana", last_name="Other")
    client = _signed_in(other)
    # when
    pdf = client.get(f"{URL}{given.public_id}.pdf")
    page = client.get(URL).content.decode()
    # then
    assert pdf.status_code == 404
    assert "Subimos" not in page


def test_another_clinics_patient_cannot_read_it_either(other_clinic, patient, given):
    # given
    stranger = factories.make_patient(
        factories.make_user(other_clinic, "front_desk", "fd2"), first_name="Al", last_name="Far"
    )
    # when / then
    assert _signed_in(stranger).get(f"{URL}{given.public_id}.pdf").status_code == 404


@pytest.mark.parametrize("cookie", [None, "eyJwIjoiMSJ9:forged:sig"], ids=["none", "forged"])
def test_not_signed_in_is_refused(given, cookie):
    # given
    client = Client()
    if cookie:
        client.cookies[SESSION_COOKIE] = cookie
    before = AuditEvent.objects.filter(action="read").count()
    # when
    page = client.get(URL)
    pdf = client.get(f"{URL}{given.public_id}.pdf")
    # then
    assert page.status_code == 401 and pdf.status_code == 401
    assert "Subimos" not in page.content.decode() and pdf["Content-Type"] != "application/pdf"
    assert AuditEvent.objects.filter(action="read").count() == before


def test_each_portal_read_is_audited(patient, given):
    # given
    client = _signed_in(patient)
    # when
    client.get(URL)
    client.get(f"{URL}{given.public_id}.pdf")
    # then
    listed = AuditEvent.objects.get(action="read", object_id=str(patient.public_id))
    assert listed.detail == {"via": "portal", "what": "handouts", "count": 1}
    opened = AuditEvent.objects.get(action="read", object_id=str(given.public_id))
    assert opened.detail == {"via": "portal"} and opened.patient_id == patient.pk
    assert opened.actor == listed.actor == portal_user(patient.clinic)


def test_the_portal_home_links_to_the_handouts(patient):
    html = _signed_in(patient).get("/portal/me/").content.decode()
    assert f'href="{URL}"' in html
