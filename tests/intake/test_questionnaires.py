"""Questionnaire services: every clinic has the instruments, page saves (once per token), resume,
completion with scores, emergency alerts in the inbox, locked instruments, refusals write
nothing."""

from __future__ import annotations

import uuid

import pytest

from medassist.audit.models import AuditEvent
from medassist.core.errors import PermissionDenied, ValidationFailed
from medassist.intake import instruments as ins
from medassist.intake.models import IntakeAlert, Questionnaire, QuestionnaireResponse, ResponseSave
from medassist.intake.selectors import due_questionnaires, inbox_items
from medassist.intake.services import (
    questionnaire_save,
    response_complete,
    response_save_page,
    response_start,
)
from medassist.intake.services.questionnaires import (
    AnswersInvalid,
    QuestionnaireLocked,
    ResponseClosed,
    next_page,
)
from tests import factories

TITLES = {"PHQ-2", "PHQ-9", "GAD-7", "AUDIT-C", "CDC STEADI Three Key Questions", "Visit intake"}


def q(clinic, name):
    return Questionnaire.objects.get(clinic=clinic, name=name)


def test_every_new_clinic_has_the_instruments(clinic, other_clinic):
    for c in (clinic, other_clinic):
        assert set(Questionnaire.objects.filter(clinic=c).values_list("title", flat=True)) == TITLES
    assert q(clinic, "phq-9").locked and not q(clinic, "visit-intake").locked


def _phq9_page(points):
    return {code: ins.FREQUENCY[p][0] for (code, _), p in zip(ins.PHQ9_ITEMS, points, strict=True)}


def test_phq9_from_start_to_score(clinic, patient, medical_assistant):
    r = response_start(
        actor=None, patient=patient, questionnaire=q(clinic, "phq-9"), channel="link"
    )
    saved = response_save_page(
        actor=None, response=r, page="phq9", answers=_phq9_page([2] * 9), token=uuid.uuid4()
    )
    assert saved.emergency == ["44260-8"]
    done = response_complete(actor=None, response=r)
    assert done.status == "completed"
    assert done.score["total"] == 18 and done.score["band"] == "Moderately severe"
    alert = IntakeAlert.objects.get(response=r)
    assert alert.kind == "self_harm" and alert.urgent and alert.clinician_only


def test_item9_alert_reaches_physicians_only(clinic, patient, medical_assistant, physician):
    r = response_start(
        actor=None, patient=patient, questionnaire=q(clinic, "phq-9"), channel="kiosk"
    )
    response_save_page(
        actor=None, response=r, page="phq9", answers=_phq9_page([0] * 8 + [1]), token=uuid.uuid4()
    )
    items = inbox_items(clinic=clinic, user=physician)
    assert len(items) == 1 and items[0].urgent and items[0].patient_id == patient.pk
    assert inbox_items(clinic=clinic, user=medical_assistant) == []


def test_emergency_answer_on_the_visit_intake_alerts_all_clinical_staff(
    clinic, patient, medical_assistant, front_desk
):
    r = response_start(
        actor=None, patient=patient, questionnaire=q(clinic, "visit-intake"), channel="portal"
    )
    saved = response_save_page(
        actor=None,
        response=r,
        page="reason",
        answers={
            "reason.text": "Tight chest since this morning",
            "reason.chest-pain-now": "yes",
            "reason.self-harm-now": "no",
            "reason.new-symptom": "yes",
        },
        token=uuid.uuid4(),
    )
    assert saved.emergency == ["reason.chest-pain-now"]
    r.refresh_from_db()
    assert r.emergency
    (item,) = inbox_items(clinic=clinic, user=medical_assistant)
    assert item.urgent and "chest pain" in item.title
    assert inbox_items(clinic=clinic, user=front_desk) == []


def test_a_page_sent_twice_writes_once(clinic, patient):
    r = response_start(
        actor=None, patient=patient, questionnaire=q(clinic, "phq-2"), channel="link"
    )
    token = uuid.uuid4()
    page = {"44250-9": "LA6569-3", "44255-8": "LA6568-5"}
    first = response_save_page(actor=None, response=r, page="phq2", answers=page, token=token)
    events = AuditEvent.objects.count()
    again = response_save_page(
        actor=None, response=r, page="phq2", answers={"44250-9": "LA6571-9"}, token=token
    )
    assert not first.replayed and again.replayed
    assert again.response.answers == {"44250-9": "LA6569-3", "44255-8": "LA6568-5"}
    assert ResponseSave.objects.filter(response=r).count() == 1
    assert AuditEvent.objects.count() == events


def test_half_finished_response_is_resumed(clinic, patient):
    intake = q(clinic, "visit-intake")
    r = response_start(actor=None, patient=patient, questionnaire=intake, channel="link")
    response_save_page(
        actor=None,
        response=r,
        page="reason",
        answers={
            "reason.text": "Rash",
            "reason.chest-pain-now": False,
            "reason.self-harm-now": False,
            "reason.new-symptom": False,
        },
        token=uuid.uuid4(),
    )
    again = response_start(actor=None, patient=patient, questionnaire=intake, channel="kiosk")
    assert again.pk == r.pk and again.answers["reason.text"] == "Rash"
    # the symptom page does not apply (no new symptom): the next page is the review of systems
    assert next_page(again).key == "ros"


def test_invalid_page_writes_nothing_and_says_why(clinic, patient):
    r = response_start(
        actor=None, patient=patient, questionnaire=q(clinic, "visit-intake"), channel="link"
    )
    before = (AuditEvent.objects.count(), ResponseSave.objects.count())
    with pytest.raises(AnswersInvalid) as exc:
        response_save_page(
            actor=None,
            response=r,
            page="reason",
            answers={"reason.text": "", "reason.chest-pain-now": "perhaps"},
            token=uuid.uuid4(),
        )
    assert exc.value.errors["reason.chest-pain-now"] == ["Answer yes or no."]
    with pytest.raises(AnswersInvalid) as exc:
        response_save_page(
            actor=None,
            response=r,
            page="reason",
            answers={"reason.chest-pain-now": False},
            token=uuid.uuid4(),
        )
    assert exc.value.errors["reason.text"] == ["Please answer this question."]
    r.refresh_from_db()
    assert r.answers == {} and (AuditEvent.objects.count(), ResponseSave.objects.count()) == before


def test_contradiction_across_pages_is_caught_at_completion(clinic, patient):
    r = response_start(
        actor=None, patient=patient, questionnaire=q(clinic, "visit-intake"), channel="link"
    )
    with pytest.raises(AnswersInvalid) as exc:
        response_complete(actor=None, response=r)
    assert "reason.text" in exc.value.errors


def test_completed_response_is_closed(clinic, patient):
    r = response_start(
        actor=None, patient=patient, questionnaire=q(clinic, "steadi"), channel="link"
    )
    answers = {link: False for link, _ in ins.STEADI_ITEMS}
    response_save_page(actor=None, response=r, page="steadi", answers=answers, token=uuid.uuid4())
    response_complete(actor=None, response=r)
    assert response_complete(actor=None, response=r).status == "completed"
    with pytest.raises(ResponseClosed):
        response_save_page(
            actor=None, response=r, page="steadi", answers=answers, token=uuid.uuid4()
        )


def test_staff_need_permission_and_their_clinic(clinic, patient, biller, other_clinic_physician):
    with pytest.raises(PermissionDenied):
        response_start(
            actor=biller, patient=patient, questionnaire=q(clinic, "phq-2"), channel="staff"
        )
    with pytest.raises(ValidationFailed):
        response_start(
            actor=other_clinic_physician,
            patient=patient,
            questionnaire=q(clinic, "phq-2"),
            channel="staff",
        )
    with pytest.raises(ValidationFailed):
        response_start(
            actor=None, patient=patient, questionnaire=q(clinic, "phq-2"), channel="staff"
        )
    assert not QuestionnaireResponse.objects.exists()


def test_admin_edits_own_questionnaire_but_not_an_instrument(clinic, clinic_admin):
    intake = q(clinic, "visit-intake")
    items = [*intake.items, {"linkId": "extra", "type": "string", "text": "Anything else?"}]
    saved = questionnaire_save(
        actor=clinic_admin, questionnaire=intake, title="Visit intake", items=items
    )
    assert saved.version == 2 and saved.items[-1]["linkId"] == "extra"
    phq9 = q(clinic, "phq-9")
    with pytest.raises(QuestionnaireLocked):
        questionnaire_save(actor=clinic_admin, questionnaire=phq9, title="PHQ-9", items=items)
    retired = questionnaire_save(
        actor=clinic_admin, questionnaire=phq9, title="PHQ-9", status="retired"
    )
    assert retired.status == "retired"
    with pytest.raises(ValidationFailed) as exc:
        questionnaire_save(
            actor=clinic_admin, title="Broken", items=[{"linkId": "x", "type": "nope"}]
        )
    assert exc.value.errors["items"]
    assert not Questionnaire.objects.filter(title="Broken").exists()


def test_due_questionnaires_by_age(clinic, front_desk):
    adult = factories.make_patient(front_desk, first_name="Ann", last_name="Adult")
    names = [x.name for x in due_questionnaires(patient=adult)]
    assert names[:1] == ["visit-intake"] and "phq-2" in names and "audit-c" in names
    from datetime import date

    elder = factories.make_patient(
        front_desk, first_name="Eli", last_name="Elder", date_of_birth=date(1940, 1, 1)
    )
    assert "steadi" in [x.name for x in due_questionnaires(patient=elder)]
