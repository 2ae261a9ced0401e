"""API schemas for appointments and their status history."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Annotated, Literal

from ninja import Schema

from medassist.practice.schemas import (
    AwareDateTime,
    Id,
    In,
    IsoDate,
    Ref,
    StrictBool,
    StrictInt,
    Text,
)


class AppointmentIn(In):
    patient: Id
    provider: Id
    visit_type: Id
    location: Id
    start: AwareDateTime
    note: Annotated[str, Text(500)] = ""
    double_book: StrictBool = False
    outside_hours: StrictBool = False
    override_reason: Annotated[str, Text(500)] = ""


class CancelIn(In):
    reason: Annotated[str, Text(500, min_length=1)]


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
    double_booked: bool
    booked_online: bool
    series_index: int | None


class StatusChangeOut(Schema):
    from_status: str
    to_status: str
    at: datetime
    by: str
    reason: str


class AppointmentDetailOut(AppointmentOut):
    history: list[StatusChangeOut]


Scope = Literal["this", "following", "all"]


class RescheduleIn(In):
    start: AwareDateTime
    provider: Id | None = None
    location: Id | None = None
    reason: Annotated[str, Text(500)] = ""
    double_book: StrictBool = False
    outside_hours: StrictBool = False
    scope: Scope = "this"


class SeriesCancelIn(In):
    reason: Annotated[str, Text(500, min_length=1)]
    scope: Scope = "this"


class SeriesIn(In):
    patient: Id
    provider: Id
    visit_type: Id
    location: Id
    first_date: IsoDate
    local_time: time
    interval_weeks: StrictInt = 1
    count: StrictInt | None = None
    until: IsoDate | None = None
    note: Annotated[str, Text(500)] = ""


class SeriesOut(Schema):
    id: uuid.UUID
    interval_weeks: int
    weekday: int
    local_time: time
    first_date: date
    count: int | None
    until: date | None
    appointments: list[AppointmentOut]
