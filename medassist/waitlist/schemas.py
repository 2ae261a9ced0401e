"""API schemas for the waitlist and recalls."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Schema

from medassist.practice.schemas import Id, In, IsoDate, Ref, Text


class EntryIn(In):
    patient: Id
    visit_type: Id
    provider: Id | None = None
    location: Id | None = None
    earliest_date: IsoDate
    latest_date: IsoDate
    time_of_day: Literal["any", "morning", "afternoon"] = "any"
    priority: Literal[1, 2, 3] = 3
    note: Annotated[str, Text(300)] = ""


class RemoveIn(In):
    reason: Annotated[str, Text(200)] = ""


class PatientRef(Schema):
    id: uuid.UUID
    mrn: str
    name: str


class EntryOut(Schema):
    id: uuid.UUID
    patient: PatientRef
    visit_type: Ref
    provider: Ref | None
    location: Ref | None
    earliest_date: date
    latest_date: date
    time_of_day: str
    priority: int
    status: str
    note: str
    appointment: uuid.UUID | None


class RecallIn(In):
    patient: Id
    reason: Annotated[str, Text(200, min_length=1)]
    due_date: IsoDate


class ContactIn(In):
    channel: Literal["phone", "sms", "email", "letter", "portal"]
    outcome: Literal["reached", "voicemail", "no_answer", "wrong_number", "sent", "declined"]
    note: Annotated[str, Text(500)] = ""


class ScheduledIn(In):
    appointment: Id | None = None


class ContactOut(Schema):
    at: datetime
    by: str
    channel: str
    outcome: str
    note: str


class RecallOut(Schema):
    id: uuid.UUID
    patient: PatientRef
    reason: str
    due_date: date
    overdue: bool
    status: str
    appointment: uuid.UUID | None
    attempts: list[ContactOut]
