"""API schemas for check-in, checkout and the patient-flow board."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from ninja import Schema

from medassist.booking.schemas import AppointmentOut
from medassist.practice.schemas import Id, In, Money, StrictBool, Text

PaymentMethod = Literal["", "cash", "card", "check"]


class CheckInIn(In):
    demographics_confirmed: StrictBool
    coverage: Id | None = None
    self_pay: StrictBool = False
    copay_collected: Money = "0.00"
    payment_method: PaymentMethod = ""


class CheckOutIn(In):
    follow_up: Annotated[str, Text(100)] = ""
    note: Annotated[str, Text(1000)] = ""
    amount_collected: Money = "0.00"
    payment_method: PaymentMethod = ""


class CheckInOut(Schema):
    id: uuid.UUID
    appointment: AppointmentOut
    demographics_confirmed: bool
    insurance_confirmed: bool
    self_pay: bool
    coverage: uuid.UUID | None
    copay_due: str
    copay_collected: str
    payment_method: str
    checked_in_by: str
    checked_in_at: datetime


class CheckoutOut(Schema):
    id: uuid.UUID
    appointment: AppointmentOut
    follow_up: str
    note: str
    amount_collected: str
    payment_method: str
    checked_out_by: str
    checked_out_at: datetime


class BoardItemOut(AppointmentOut):
    minutes_in_status: int
