"""Demo intake: the clinic's instruments (every clinic has them from creation), preparation
instructions for the annual physical, consent forms, and, for today's visits already in the
clinic, a completed visit intake and PHQ-2 so the worklist's pre-visit summaries have answers."""

from __future__ import annotations

import uuid

from django.db import transaction

from medassist.intake import instruments as ins
from medassist.intake.models import PrepInstruction, Questionnaire
from medassist.intake.services import (
    questionnaire_seed,
    response_complete,
    response_save_page,
    response_start,
)
from medassist.intake.services.kiosk import consents_for
from medassist.practice.models import Clinic, VisitType
from medassist.scheduling.models import Appointment, Status

PREP = [
    (
        "annual-physical",
        "Fasting for your blood tests",
        "Please have nothing to eat or drink except water for 10 to 12 hours before your visit. "
        "Take your usual medicines with water unless your doctor told you otherwise. Bring "
        "all your medicine bottles, or a list of them.",
    ),
    (
        "procedure",
        "Before your procedure",
        "Wear loose, comfortable clothes. Bring a list of your medicines, including blood "
        "thinners. If you are unsure whether to take a medicine that morning, call us.",
    ),
]


@transaction.atomic
def intake_demo(clinic: Clinic, *, visits: int = 12) -> dict:
    questionnaire_seed(clinic=clinic)
    consents_for(clinic)
    types = {v.code: v for v in VisitType.objects.filter(clinic=clinic)}
    PrepInstruction.objects.bulk_create(
        PrepInstruction(clinic=clinic, visit_type=types[code], title=title, body=body)
        for code, title, body in PREP
        if code in types
    )
    PrepInstruction.objects.create(
        clinic=clinic,
        title="Lipid panel",
        body="Fast for 9 to 12 hours before the blood draw (water is fine).",
        test_code="2093-3",
    )
    intake = Questionnaire.objects.get(clinic=clinic, name="visit-intake")
    phq2 = Questionnaire.objects.get(clinic=clinic, name="phq-2")
    here = (
        Appointment.objects.filter(
            clinic=clinic, status__in=(Status.ARRIVED, Status.ROOMED, Status.WITH_PROVIDER)
        )
        .select_related("patient__clinic", "clinic")
        .order_by("start")[:visits]
    )
    answered = 0
    for n, appt in enumerate(here):
        r = response_start(
            actor=None,
            patient=appt.patient,
            questionnaire=intake,
            channel="kiosk",
            appointment=appt,
        )
        pages: dict[str, dict] = {
            "reason": {
                "reason.text": ["Follow-up of my blood pressure", "Cough for a week",
                                "Knee pain on stairs", "Yearly check-up"][n % 4],
                "reason.chest-pain-now": False,
                "reason.self-harm-now": False,
                "reason.new-symptom": n % 4 in (1, 2),
            },
            "symptom": {"symptom.onset": None, "symptom.severity": 3 + n % 5,
                        "symptom.location": ["", "Chest", "Right knee", ""][n % 4]},
            "ros": {"ros.positive": [["none"], ["cough", "fever"], ["joints"], ["none"]][n % 4]},
            "meds": {"meds.new-allergy": False},
            "history": {"history.changed": False},
        }  # fmt: skip
        for page, answers in pages.items():
            if page == "symptom" and not pages["reason"]["reason.new-symptom"]:
                continue
            if page == "symptom":
                start = appt.start.astimezone(clinic.tz).date()
                answers["symptom.onset"] = start.replace(day=1).isoformat()
            response_save_page(
                actor=None, response=r, page=page, answers=answers, token=uuid.uuid4()
            )
        response_complete(actor=None, response=r)
        p = response_start(
            actor=None, patient=appt.patient, questionnaire=phq2, channel="kiosk", appointment=appt
        )
        response_save_page(
            actor=None,
            response=p,
            page="phq2",
            answers={
                ins.PHQ9_ITEMS[0][0]: ins.FREQUENCY[n % 3][0],
                ins.PHQ9_ITEMS[1][0]: ins.FREQUENCY[(n + 1) % 3][0],
            },
            token=uuid.uuid4(),
        )
        response_complete(actor=None, response=p)
        answered += 1
    return {"intake forms answered": answered}
