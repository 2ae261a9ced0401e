"""The physician's pre-visit summary: reason in the patient's words, symptom details, vitals
with flags, instrument scores, changes since the last visit, care gaps from the shipped CDC and
USPSTF data; on screen and as a PDF; the query count does not grow with the chart."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from medassist.intake import instruments as ins
from medassist.intake.models import Questionnaire
from medassist.intake.services import (
    med_reconcile,
    response_complete,
    response_save_page,
    response_start,
    rooming_complete,
)
from medassist.practice.models import Room
from medassist.records.models import Encounter
from medassist.records.previsit import (
    Evidence,
    immunization_gaps,
    immunization_schedule,
    previsit_summary,
    screening_gaps,
    uspstf,
)
from medassist.scheduling.services import appointment_transition

TODAY = dt.date(2026, 6, 1)


def test_the_care_gap_data_names_its_source_and_date():
    for data in (immunization_schedule(), uspstf()):
        assert data["source"] and data["as_of"]
        assert any(k in data for k in ("url", "urls"))


def test_immunization_gaps_for_a_toddler_and_an_adult():
    born = dt.date(2024, 11, 1)  # 19 months
    given = [
        ("08", dt.date(2024, 11, 1)),
        ("08", dt.date(2024, 12, 5)),
        ("03", dt.date(2025, 11, 3)),
    ]
    names = {g.name: g.detail for g in immunization_gaps(born=born, today=TODAY, given=given)}
    assert (
        "Hepatitis B" in names
        and names["Hepatitis B"] == "2 of 3 doses expected by this age recorded"
    )
    assert "MMR" not in names  # the 12-month dose is recorded
    assert names["DTaP"].startswith("0 of 4")
    adult = immunization_gaps(
        born=dt.date(1970, 1, 1),
        today=TODAY,
        given=[
            ("187", dt.date(2021, 1, 1)),
            ("187", dt.date(2021, 3, 1)),
            ("141", dt.date(2025, 10, 1)),
        ],
    )
    adult_names = {g.name for g in adult}
    assert not any("Zoster" in n for n in adult_names)
    assert not any("Influenza" in n for n in adult_names)
    assert any("Td or Tdap" in n for n in adult_names)
    assert any("Pneumococcal" in n for n in adult_names)


def test_screening_gaps_follow_age_sex_and_evidence():
    evidence = Evidence()
    gaps = screening_gaps(born=dt.date(1975, 1, 1), sex="F", today=TODAY, evidence=evidence)
    names = " ".join(g.name for g in gaps)
    assert "Colorectal" in names and "Breast" in names and "Cervical" in names
    assert "Abdominal aortic" not in names and "Osteoporosis" not in names
    evidence.add("cpt", "45378", dt.date(2020, 5, 1))  # colonoscopy within 10 years
    evidence.add("cpt", "77067", dt.date(2022, 1, 1))  # mammogram more than 2 years ago
    names = " ".join(
        g.name
        for g in screening_gaps(born=dt.date(1975, 1, 1), sex="F", today=TODAY, evidence=evidence)
    )
    assert "Colorectal" not in names and "Breast" in names
    man = screening_gaps(
        born=dt.date(1956, 1, 1),
        sex="M",
        today=TODAY,
        evidence=Evidence(),
        smoking="former",
        bmi=31,
    )
    names = " ".join(g.name for g in man)
    assert "Abdominal aortic" in names and "Lung cancer" in names and "diabetes" in names
    assert "Breast" not in names


@pytest.fixture
def roomed_visit(front_desk, medical_assistant, appointment, clinic):
    appointment_transition(actor=front_desk, appointment=appointment, to_status="arrived")
    room = Room.objects.filter(location__clinic=clinic).order_by("name").first()
    rooming_complete(
        actor=medical_assistant,
        appointment=appointment,
        room=room,
        reason_for_visit="My knee hurts when I climb stairs",
        vitals={"bp_systolic": "168", "bp_diastolic": "102", "pulse": "88"},
    )
    return appointment


def _intake_and_phq9(clinic, patient, appointment):
    q = Questionnaire.objects.get(clinic=clinic, name="visit-intake")
    r = response_start(
        actor=None, patient=patient, questionnaire=q, channel="link", appointment=appointment
    )
    pages = {
        "reason": {
            "reason.text": "Knee pain for two weeks",
            "reason.chest-pain-now": False,
            "reason.self-harm-now": False,
            "reason.new-symptom": True,
        },
        "symptom": {
            "symptom.onset": "2026-01-02",
            "symptom.location": "Right knee",
            "symptom.severity": 6,
        },
        "ros": {"ros.positive": ["joints"]},
        "meds": {"meds.new-allergy": True, "meds.new-allergy-detail": "Rash from amoxicillin"},
        "history": {"history.changed": False},
    }
    for page, answers in pages.items():
        response_save_page(actor=None, response=r, page=page, answers=answers, token=uuid.uuid4())
    response_complete(actor=None, response=r)
    phq = Questionnaire.objects.get(clinic=clinic, name="phq-9")
    p = response_start(
        actor=None, patient=patient, questionnaire=phq, channel="link", appointment=appointment
    )
    answers = {c: ins.FREQUENCY[1][0] for c, _ in ins.PHQ9_ITEMS}
    response_save_page(actor=None, response=p, page="phq9", answers=answers, token=uuid.uuid4())
    response_complete(actor=None, response=p)


def test_summary_content(clinic, patient, physician, medical_assistant, roomed_visit):
    Encounter.objects.create(
        patient=patient, start=timezone.now() - dt.timedelta(days=90), status="finished"
    )
    _intake_and_phq9(clinic, patient, roomed_visit)
    med_reconcile(
        actor=medical_assistant,
        appointment=roomed_visit,
        entries=[{"medication": "Ibuprofen 200 mg", "taking": "taking", "source": "patient"}],
    )
    s = previsit_summary(appointment=roomed_visit, today=timezone.localdate(timezone=clinic.tz))
    assert s.reason == "My knee hurts when I climb stairs" and s.reason_source == "said at rooming"
    symptoms = dict(s.symptoms)
    assert symptoms["Where is it (which part of the body)?"] == "Right knee"
    assert "Joint pain or swelling" in symptoms.values()
    assert s.vitals[0].bp_systolic == 168 and s.vitals[0].flags
    (phq,) = s.instruments
    assert phq["title"] == "PHQ-9" and phq["score"]["total"] == 9 and phq["score"]["band"] == "Mild"
    assert s.last_visit is not None
    assert ("New allergy (patient's words)", "Rash from amoxicillin") in s.changes
    assert s.reconciliation[0].medication == "Ibuprofen 200 mg"
    assert any("Colorectal" in g.name for g in s.gaps)  # born 1980: 45 or older
    assert not any("Depression" in g.name for g in s.gaps)  # PHQ-9 done today


def test_screen_and_pdf(client_for, clinic, patient, physician, front_desk, roomed_visit):
    _intake_and_phq9(clinic, patient, roomed_visit)
    doc = client_for(physician)
    page = doc.get(f"/records/visits/{roomed_visit.public_id}/previsit/")
    assert page.status_code == 200 and b"Knee pain" not in page.content  # rooming's words win
    assert b"My knee hurts" in page.content and b"PHQ-9" in page.content and b"Mild" in page.content
    pdf = doc.get(f"/records/visits/{roomed_visit.public_id}/previsit.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert (
        client_for(front_desk)
        .get(f"/records/visits/{roomed_visit.public_id}/previsit/")
        .status_code
        == 403
    )


def test_query_count_does_not_grow_with_the_chart(
    clinic, patient, roomed_visit, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    today = timezone.localdate(timezone=clinic.tz)
    start = timezone.now() - dt.timedelta(days=3000)
    Encounter.objects.bulk_create(
        Encounter(patient=patient, start=start + dt.timedelta(days=n), status="finished")
        for n in range(3)
    )
    with CaptureQueriesContext(connection) as small:
        previsit_summary(appointment=roomed_visit, today=today)
    Encounter.objects.bulk_create(
        Encounter(patient=patient, start=start + dt.timedelta(days=n, hours=1), status="finished")
        for n in range(300)
    )
    with django_assert_max_num_queries(len(small.captured_queries)):
        previsit_summary(appointment=roomed_visit, today=today)
