"""Questionnaires for API clients: the clinic's questionnaires, staff-entered responses page
by page (a page sent twice with the same token writes once), completion, and intake alerts.
Scores only for roles with questionnaire.score_view."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from ninja import Router, Schema
from ninja.responses import codes_4xx

from medassist.intake.models import QuestionnaireResponse
from medassist.intake.selectors import (
    access_questionnaire,
    access_response,
    clinic_questionnaires,
    inbox_items,
)
from medassist.intake.services import response_complete, response_save_page, response_start
from medassist.intake.services.questionnaires import next_page
from medassist.patients.selectors import access_patient
from medassist.practice.roles import can, require
from medassist.practice.schemas import ErrorOut, as_local
from medassist.scheduling.selectors import access_appointment

router = Router()
ERRORS = {codes_4xx: ErrorOut}


class QuestionnaireOut(Schema):
    id: uuid.UUID
    name: str
    title: str
    status: str
    version: int
    instrument: str
    locked: bool
    items: list[dict[str, Any]]


class StartIn(Schema):
    patient: uuid.UUID
    questionnaire: uuid.UUID
    appointment: uuid.UUID | None = None


class PageIn(Schema):
    answers: dict[str, Any]
    token: uuid.UUID


class ResponseOut(Schema):
    id: uuid.UUID
    questionnaire: uuid.UUID
    patient: uuid.UUID
    appointment: uuid.UUID | None
    status: str
    channel: str
    answers: dict[str, Any]
    next_page: str | None
    emergency: bool
    score: dict[str, Any] | None
    completed_at: datetime | None


class PageOut(ResponseOut):
    replayed: bool
    emergency_items: list[str]


class AlertOut(Schema):
    kind: str
    title: str
    created_at: datetime
    url: str
    patient_name: str
    urgent: bool
    clinician_only: bool


def _out(r: QuestionnaireResponse, user) -> dict:
    following = next_page(r) if r.status == QuestionnaireResponse.Status.IN_PROGRESS else None
    return {
        "id": r.public_id,
        "questionnaire": r.questionnaire.public_id,
        "patient": r.patient.public_id,
        "appointment": r.appointment.public_id if r.appointment else None,
        "status": r.status,
        "channel": r.channel,
        "answers": r.answers,
        "next_page": following.key if following else None,
        "emergency": r.emergency,
        "score": r.score if can(user, "questionnaire.score_view") else None,
        "completed_at": as_local(r.completed_at, user.clinic.tz),
    }


@router.get("/questionnaires", response={200: list[QuestionnaireOut], **ERRORS})
def questionnaires(request):
    """The clinic's questionnaires (standard instruments are locked)."""
    return [
        {
            "id": q.public_id,
            "name": q.name,
            "title": q.title,
            "status": q.status,
            "version": q.version,
            "instrument": q.instrument,
            "locked": q.locked,
            "items": q.items,
        }
        for q in clinic_questionnaires(user=request.auth)
    ]


@router.post("/responses", response={201: ResponseOut, **ERRORS})
def start(request, payload: StartIn):
    """Start (or resume: the same patient, questionnaire and visit) a staff-entered response."""
    user = request.auth
    require(user, "questionnaire.answer")
    patient = access_patient(user=user, id=payload.patient, audit=False)
    q = access_questionnaire(user=user, id=payload.questionnaire)
    appt = (
        access_appointment(user=user, id=payload.appointment, audit=False)
        if payload.appointment
        else None
    )
    r = response_start(
        actor=user, patient=patient, questionnaire=q, channel="staff", appointment=appt
    )
    return 201, _out(r, user)


@router.get("/responses/{response_id}", response={200: ResponseOut, **ERRORS})
def read(request, response_id: uuid.UUID):
    user = request.auth
    return _out(access_response(user=user, id=response_id), user)


@router.post("/responses/{response_id}/pages/{page}", response={200: PageOut, **ERRORS})
def save_page(request, response_id: uuid.UUID, page: str, payload: PageIn):
    """Save one page's answers; invalid answers are 422 with a message per linkId."""
    user = request.auth
    require(user, "questionnaire.answer")
    r = access_response(user=user, id=response_id, audit=False)
    saved = response_save_page(
        actor=user, response=r, page=page, answers=payload.answers, token=payload.token
    )
    return {
        **_out(saved.response, user),
        "replayed": saved.replayed,
        "emergency_items": saved.emergency,
    }


@router.post("/responses/{response_id}/complete", response={200: ResponseOut, **ERRORS})
def complete(request, response_id: uuid.UUID):
    user = request.auth
    require(user, "questionnaire.answer")
    r = access_response(user=user, id=response_id, audit=False)
    return _out(response_complete(actor=user, response=r), user)


@router.get("/alerts", response={200: list[AlertOut], **ERRORS})
def alerts(request):
    """Open intake alerts for the staff inbox (clinician-only ones for physicians)."""
    user = request.auth
    require(user, "questionnaire.score_view")
    return [
        {
            "kind": i.kind,
            "title": i.title,
            "created_at": as_local(i.created_at, user.clinic.tz),
            "url": i.url,
            "patient_name": i.patient_name,
            "urgent": i.urgent,
            "clinician_only": i.clinician_only,
        }
        for i in inbox_items(clinic=user.clinic, user=user)
    ]
