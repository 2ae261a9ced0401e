"""API schemas for rooming, vital signs and the physician's worklist."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from ninja import Schema

from medassist.booking.schemas import AppointmentOut
from medassist.practice.schemas import Id, In, Measure, Ref, StrictInt, Text


class VitalsIn(In):
    """Readings as taken; units convert to metric. Impossible values are refused, unusual ones
    flagged. Send at least one reading."""

    bp_systolic: StrictInt | None = None
    bp_diastolic: StrictInt | None = None
    pulse: StrictInt | None = None
    respiratory_rate: StrictInt | None = None
    temperature: Measure | None = None
    temperature_unit: Literal["C", "F"] = "F"
    spo2: StrictInt | None = None
    height: Measure | None = None
    height_unit: Literal["cm", "in"] = "in"
    weight: Measure | None = None
    weight_unit: Literal["kg", "lb"] = "lb"
    pain: StrictInt | None = None
    head_circumference: Measure | None = None  # cm


class RoomIn(In):
    room: Id
    reason_for_visit: Annotated[str, Text(2000, min_length=1)]
    vitals: VitalsIn | None = None


class VitalFlagOut(Schema):
    field: str
    value: str
    direction: str
    critical: bool
    message: str


class VitalsOut(Schema):
    id: uuid.UUID
    appointment: uuid.UUID | None
    taken_at: datetime
    recorded_by: str
    bp_systolic: int | None
    bp_diastolic: int | None
    pulse: int | None
    respiratory_rate: int | None
    temperature_c: float | None
    temperature_f: float | None
    spo2: int | None
    height_cm: float | None
    weight_kg: float | None
    bmi: float | None
    pain: int | None
    head_circumference_cm: float | None
    flags: list[VitalFlagOut]
    entered_in_error: bool


class RoomingOut(Schema):
    id: uuid.UUID
    appointment: AppointmentOut
    room: Ref
    reason_for_visit: str
    roomed_by: str
    roomed_at: datetime
    vitals: VitalsOut | None


class WorklistItemOut(AppointmentOut):
    reason_for_visit: str
    latest_vitals: VitalsOut | None
