"""API schemas for appointments and their status history."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from ninja import Schema

from medassist.practice.schemas import AwareDateTime, Id, In, Ref, Text


class AppointmentIn(In):
    patient: Id
    provider: Id
    visit_type: Id
    location: Id
    start: AwareDateTime
    note: Text(500) = ""


class CancelIn(In):
    reason: Text(500, min_length=1)


class PatientRef(Schema):
    id: uuid.UUID
    mrn: str
    name: str
    date_of_birth: date


class VisitTypeRef(Ref):
    code: str
    duration_minutes: int


class AppointmentOut(Schema):
    id: uuid.UUID
    status: str
    status_label: str
    status_changed_at: datetime
    start: datetime
    end: datetime
    patient: PatientRef
    provider: Ref
    visit_type: VisitTypeRef
    location: Ref
    room: Ref | None
    note: str
    cancel_reason: str


class StatusChangeOut(Schema):
    from_status: str
    to_status: str
    at: datetime
    by: str
    reason: str


class AppointmentDetailOut(AppointmentOut):
    history: list[StatusChangeOut]
