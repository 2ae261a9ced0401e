"""The FHIR server's sources for intake: the clinic's Questionnaires (everyone on staff reads
them) and patients' QuestionnaireResponses (patient data: reads are audited)."""

from __future__ import annotations

from django.db.models import Q

from medassist.fhir import search as s
from medassist.fhir.mappers.questionnaire import questionnaire_to_fhir, response_to_fhir
from medassist.fhir.sources import (
    Ctx,
    Item,
    Source,
    _date,
    _icontains,
    _ids,
    _patient_params,
    _token_in,
)
from medassist.intake.models import Questionnaire, QuestionnaireResponse
from medassist.intake.selectors import access_response
from medassist.practice.roles import can


def _questionnaire_ref(value: str, ctx: Ctx) -> Q:
    """questionnaire=<id>, Questionnaire/<id> or the canonical url (with or without |version)."""
    wanted = []
    for v in s.split_or(value):
        tail = v.split("|", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        wanted.extend(_ids(tail))
    return Q(questionnaire__public_id__in=wanted)


def _code(value: str, ctx: Ctx) -> Q:
    return Q(code__in=[s.token(v)[1] for v in s.split_or(value)])


class ResponseSource(Source):
    def read(self, ctx: Ctx, rid: str) -> Item:
        return access_response(user=ctx.user, id=rid), ""

    def to_fhir(self, item: Item, ctx: Ctx) -> dict:
        return response_to_fhir(
            item[0],
            base_url=ctx.base_url,
            with_score=can(ctx.user, "questionnaire.score_view"),
        )


INTAKE_TYPES: dict[str, list[Source]] = {
    "Questionnaire": [
        Source(
            model=Questionnaire,
            render=lambda obj, ctx: questionnaire_to_fhir(obj, base_url=ctx.base_url),
            permission="schedule.view",
            clinic_field="clinic_id",
            order=("title", "id"),
            patient_of=lambda obj: None,
            params={
                "title": _icontains("title"),
                "name": _icontains("name", "title"),
                "status": _token_in("status"),
                "code": _code,
            },
        )
    ],
    "QuestionnaireResponse": [
        ResponseSource(
            model=QuestionnaireResponse,
            render=lambda obj, ctx: {},
            permission="patient.view",
            clinic_field="clinic_id",
            related=("patient", "questionnaire"),
            order=("-created_at", "-id"),
            params={
                **_patient_params(),
                "questionnaire": _questionnaire_ref,
                "status": _token_in("status"),
                "authored": _date("updated_at"),
            },
        )
    ],
}
