"""Questionnaires over the web: FHIR Questionnaire/QuestionnaireResponse (validated with
fhir.resources), the patient's pages from a signed link and the portal (no score shown,
emergency message, a page posted twice writes once), and the staff screens."""

from __future__ import annotations

import uuid

import pytest

from medassist.audit.models import AuditEvent
from medassist.intake import instruments as ins
from medassist.intake.links import fill_token
from medassist.intake.models import Questionnaire, QuestionnaireResponse, ResponseSave
from medassist.intake.services import response_complete, response_save_page, response_start
from tests.fhir.conftest import Fhir

TITLES = {"PHQ-2", "PHQ-9", "GAD-7", "AUDIT-C", "CDC STEADI Three Key Questions", "Visit intake"}


def test_fhir_questionnaires_of_every_clinic(clinic, medical_assistant, other_clinic_physician):
    body = Fhir(medical_assistant).get("/Questionnaire").data
    titles = {e["resource"]["title"] for e in body["entry"]}
    assert titles == TITLES
    found = Fhir(medical_assistant).get("/Questionnaire", {"title": "PHQ-9"}).data
    (phq9,) = [e["resource"] for e in found["entry"]]
    assert phq9["code"][0]["code"] == "44249-1" and len(phq9["item"][0]["item"]) == 10
    other = Fhir(other_clinic_physician).get(f"/Questionnaire/{phq9['id']}")
    assert other.status_code == 404


def test_fhir_questionnaire_response_scores_for_clinicians_only(
    clinic, patient, physician, front_desk
):
    q = Questionnaire.objects.get(clinic=clinic, name="gad-7")
    r = response_start(actor=None, patient=patient, questionnaire=q, channel="link")
    answers = {code: ins.FREQUENCY[2][0] for code, _ in ins.GAD7_ITEMS}
    response_save_page(actor=None, response=r, page="gad7", answers=answers, token=uuid.uuid4())
    response_complete(actor=None, response=r)
    doc = Fhir(physician).get(f"/QuestionnaireResponse/{r.public_id}").data
    assert doc["status"] == "completed" and doc["subject"]["reference"].endswith(
        str(patient.public_id)
    )
    assert doc["questionnaire"].endswith(f"{q.public_id}|1")
    (score,) = doc["extension"]
    assert {"url": "total", "valueInteger": 14} in score["extension"]
    desk = Fhir(front_desk).get(f"/QuestionnaireResponse/{r.public_id}").data
    assert "extension" not in desk
    listed = Fhir(physician).get("/QuestionnaireResponse", {"patient": str(patient.public_id)})
    assert listed.data["total"] == 1
    assert AuditEvent.objects.filter(object_id=str(r.public_id), action="read").exists()


def _form_post(client, url, page, answers, token=None):
    data = {"page": page, "token": str(token or uuid.uuid4())}
    data.update({f"a:{k}": v for k, v in answers.items()})
    return client.post(url, data)


def test_patient_fills_phq9_from_a_link_without_seeing_a_score(client, clinic, appointment):
    token = fill_token(appointment)
    home = client.get(f"/intake/fill/{token}/")
    assert home.status_code == 200 and b"Visit intake" in home.content
    q = Questionnaire.objects.get(clinic=clinic, name="phq-9")
    url = f"/intake/fill/{token}/{q.public_id}/"
    page = client.get(url)
    assert page.status_code == 200 and b"Little interest" in page.content
    answers = {code: ins.FREQUENCY[3][0] for code, _ in ins.PHQ9_ITEMS}
    answers["44260-8"] = ins.FREQUENCY[0][0]
    saved = _form_post(client, url, "phq9", answers)
    assert saved.status_code == 302 and saved["Location"].endswith("?page=review")
    review = client.get(saved["Location"])
    assert b"Send my answers" in review.content and b"Nearly every day" in review.content
    sent = client.post(url, {"action": "send", "page": "review"})
    assert sent.status_code == 302
    done = client.get(sent["Location"])
    assert b"Your answers were sent" in done.content
    r = QuestionnaireResponse.objects.get(questionnaire=q)
    assert r.status == "completed" and r.score["total"] == 24 and r.channel == "link"
    for text in (b"24", b"Severe", b"score"):
        assert text not in done.content.replace(b"2024", b"")


def test_emergency_answer_shows_the_emergency_message(client, clinic, appointment):
    token = fill_token(appointment)
    q = Questionnaire.objects.get(clinic=clinic, name="visit-intake")
    url = f"/intake/fill/{token}/{q.public_id}/"
    answers = {
        "reason.text": "Pressure in my chest",
        "reason.chest-pain-now": "true",
        "reason.self-harm-now": "false",
        "reason.new-symptom": "false",
    }
    reply = _form_post(client, url, "reason", answers)
    assert reply.status_code == 200 and b"call 911 now" in reply.content
    assert QuestionnaireResponse.objects.get(questionnaire=q).alerts.get().urgent


def test_posted_twice_writes_once_and_errors_keep_what_was_typed(client, clinic, appointment):
    token = fill_token(appointment)
    q = Questionnaire.objects.get(clinic=clinic, name="visit-intake")
    url = f"/intake/fill/{token}/{q.public_id}/"
    bad = _form_post(
        client, url, "reason", {"reason.text": "Sore knee", "reason.chest-pain-now": "maybe"}
    )
    assert (
        bad.status_code == 422
        and b"Sore knee" in bad.content
        and b"Answer yes or no" in bad.content
    )
    tok = uuid.uuid4()
    answers = {
        "reason.text": "Sore knee",
        "reason.chest-pain-now": "false",
        "reason.self-harm-now": "false",
        "reason.new-symptom": "true",
    }
    first = _form_post(client, url, "reason", answers, tok)
    second = _form_post(client, url, "reason", answers, tok)
    assert first.status_code == second.status_code == 302
    assert ResponseSave.objects.count() == 1
    assert first["Location"].endswith("?page=symptom")
    resumed = client.get(url)
    assert b"When did it start?" in resumed.content


def test_bad_or_closed_links_are_refused(client, appointment, front_desk):
    assert client.get("/intake/fill/nonsense/").status_code == 404
    from medassist.booking.services import appointment_cancel

    token = fill_token(appointment)
    appointment_cancel(actor=front_desk, appointment=appointment, reason="Patient asked")
    closed = client.get(f"/intake/fill/{token}/")
    assert closed.status_code == 404 and b"closed" in closed.content


def test_portal_link_opens_the_forms(client, clinic, patient):
    from django.core import signing

    from medassist.core.clock import clinic_today
    from medassist.portal.selectors import LINK_SALT

    token = signing.dumps(
        {
            "p": str(patient.public_id),
            "c": str(clinic.public_id),
            "d": clinic_today(clinic).isoformat(),
        },
        salt=LINK_SALT,
        compress=True,
    )
    reply = client.get(f"/intake/portal/b/{token}/")
    assert reply.status_code == 200 and b"Your forms" in reply.content
    assert client.get("/intake/portal/").status_code == 404  # no portal session


@pytest.mark.parametrize("role", ["clinic_admin", "medical_assistant"])
def test_staff_screens(client_for, cast, role, clinic, patient, appointment):
    c = client_for(cast[role])
    assert c.get("/intake/questionnaires/").status_code == 200
    visit = c.get(f"/intake/visits/{appointment.public_id}/forms/")
    assert visit.status_code == 200
    edit = c.get("/intake/questionnaires/new/")
    assert edit.status_code == (200 if role == "clinic_admin" else 403)


def test_admin_creates_a_questionnaire_and_bad_json_is_refused(client_for, clinic_admin, clinic):
    c = client_for(clinic_admin)
    bad = c.post(
        "/intake/questionnaires/new/",
        {"name": "x", "title": "X", "status": "active", "items": "[{"},
    )
    assert bad.status_code == 422 and b"not valid JSON" in bad.content
    good = c.post(
        "/intake/questionnaires/new/",
        {
            "name": "knee",
            "title": "Knee pain",
            "status": "active",
            "items": '[{"linkId": "k", "type": "integer", "text": "How bad?"}]',
        },
    )
    assert good.status_code == 302
    assert Questionnaire.objects.get(clinic=clinic, name="knee").items[0]["linkId"] == "k"
