"""API schemas for availability: slots, booking a slot, weekly sessions, exceptions, holidays,
resources and visit-type rules."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, time
from typing import Annotated, Literal

from ninja import Schema
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

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

_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _hhmm(value):
    if isinstance(value, time):
        return value
    if not isinstance(value, str) or not _TIME.match(value):
        raise PydanticCustomError("time_format", "Write the time as HH:MM (24-hour), e.g. 08:30.")
    return time.fromisoformat(value)


HhMm = Annotated[time, BeforeValidator(_hhmm)]


class SlotOut(Schema):
    start: datetime
    end: datetime
    provider: Ref
    location: Ref
    resources: list[Ref]


class BookIn(In):
    patient: Id
    visit_type: Id
    provider: Id
    start: AwareDateTime
    location: Id | None = None
    note: Annotated[str, Text(500)] = ""


class BookedOut(Schema):
    id: uuid.UUID
    status: str
    start: datetime
    end: datetime
    patient: Ref
    provider: Ref
    visit_type: Ref
    location: Ref
    resources: list[Ref]
    url: str


class SessionIn(In):
    location: Id
    weekday: Annotated[StrictInt, "0 = Monday … 6 = Sunday"]
    start_time: HhMm
    end_time: HhMm
    effective_from: IsoDate | None = None
    effective_to: IsoDate | None = None


class SessionOut(Schema):
    id: uuid.UUID
    provider: Ref
    location: Ref
    weekday: int
    weekday_name: str
    start_time: str
    end_time: str
    effective_from: date | None
    effective_to: date | None


class ExceptionIn(In):
    kind: Literal["time_off", "extra"] = "time_off"
    start_date: IsoDate
    end_date: IsoDate | None = None
    start_time: HhMm | None = None
    end_time: HhMm | None = None
    location: Id | None = None
    reason: Annotated[str, Text(200)] = ""


class ExceptionOut(Schema):
    id: uuid.UUID
    provider: Ref
    kind: str
    start_date: date
    end_date: date
    start_time: str | None
    end_time: str | None
    all_day: bool
    location: Ref | None
    reason: str


class HolidayLoadIn(In):
    year: StrictInt


class HolidayIn(In):
    date: IsoDate
    name: Annotated[str, Text(200, min_length=1)]
    location: Id | None = None


class HolidayOut(Schema):
    id: uuid.UUID
    date: date
    name: str
    source: str
    location: Ref | None


# ---------------------------------------------------------------------------- resources, rules


class ResourceKindIn(In):
    name: Annotated[str, Text(100, min_length=1)]


class ResourceOut(Schema):
    id: uuid.UUID
    name: str
    kind: Ref
    location: Ref
    room: Ref | None
    active: bool


class ResourceKindOut(Schema):
    id: uuid.UUID
    name: str
    required_by: list[str]
    resources: list[ResourceOut]


class ResourceIn(In):
    kind: Id
    location: Id
    name: Annotated[str, Text(100, min_length=1)]
    room: Id | None = None


class ResourcePatch(In):
    """Only the fields sent change; `room: null` clears the room."""

    name: Annotated[str, Text(100, min_length=1)] | None = None
    room: Id | None = None
    active: StrictBool | None = None


class VisitTypeRuleIn(In):
    providers: list[Id] = []
    patients: Literal["any", "new", "established"] = "any"
    required_kinds: list[Id] = []
    min_age: int | None = None  # years, on the visit's day
    max_age: int | None = None  # patients under this age


class VisitTypeRuleOut(Schema):
    visit_type: Ref
    duration_minutes: int
    providers: list[Ref]
    patients: str
    required_kinds: list[Ref]
    min_age: int | None
    max_age: int | None
    warnings: list[str]
