"""The pharmacy API's shapes."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema


class Ref(Schema):
    id: uuid.UUID
    name: str


class StockLineOut(Schema):
    item: uuid.UUID
    name: str
    ndc: str
    cvx: str
    usable: int
    expired: int
    low: bool


class OrderIn(Schema):
    patient: uuid.UUID
    kind: str
    drug_name: str = Field(max_length=200)
    dose_amount: Decimal
    dose_unit: str = Field(max_length=20)
    route: str = Field(max_length=40)
    rxnorm: str = Field("", max_length=20)
    ndc: str = Field("", max_length=13)
    cvx: str = Field("", max_length=4)
    drug_class: str = Field("", max_length=40)
    frequency: str = Field("", max_length=100)
    quantity: int = 1
    refills: int = 0
    not_before: datetime | None = None
    not_after: datetime | None = None
    instructions: str = Field("", max_length=4000)
    reason: str = Field("", max_length=300)


class OrderOut(Schema):
    id: uuid.UUID
    patient: Ref
    kind: str
    status: str
    drug_name: str
    rxnorm: str
    ndc: str
    cvx: str
    dose_amount: Decimal
    dose_unit: str
    route: str
    quantity: int
    refills: int
    not_before: datetime
    not_after: datetime


class GiveIn(Schema):
    scan: str = Field(max_length=200)
    lot_number: str = Field("", max_length=40)
    supervisor_present: bool | None = None


class AdministerIn(GiveIn):
    dose_amount: Decimal
    dose_unit: str = Field(max_length=20)
    route: str = Field(max_length=40)
    site: str = Field("", max_length=60)
    vis_date: date | None = None


class DispenseIn(GiveIn):
    quantity: int | None = None


class GivenOut(Schema):
    id: uuid.UUID
    order: uuid.UUID
    lot: str
    at: datetime
    quantity: int
    immunization: uuid.UUID | None = None


class RefillIn(Schema):
    patient: uuid.UUID
    medication_text: str = Field(max_length=300)
    pharmacy_text: str = Field("", max_length=300)
    source: str
    note: str = Field("", max_length=2000)


class RefillCheckOut(Schema):
    rule: str
    label: str
    passed: bool
    detail: str


class PharmacyToldIn(Schema):
    channel: str = Field(description="fax, phone, erx (e-prescribing system) or printed")
    note: str = Field("", max_length=300)
    sent_at: datetime | None = Field(None, description="With its offset; default now.")


class PharmacyToldOut(Schema):
    id: uuid.UUID
    channel: str
    sent_at: datetime  # in the clinic's time zone
    sent_by: str
    message: str
    note: str


class RefillOut(Schema):
    id: uuid.UUID
    patient: Ref
    source: str
    status: str
    medication_text: str
    pharmacy_text: str
    drug_class: str
    checks: list[RefillCheckOut]
    overdue: bool
    created_at: datetime
    quantity: int | None = None
    refills: int | None = None
    deny_reason: str = ""
    patient_message: str = ""
    pharmacy_message: str = ""
    pharmacy_to_tell: bool = False
    pharmacy_told: PharmacyToldOut | None = None


class ApproveIn(Schema):
    quantity: int
    refills: int


class DenyIn(Schema):
    reason: str = Field(max_length=500)


class NoteIn(Schema):
    note: str = Field("", max_length=2000)


class ScopeOut(Schema):
    task: str
    allowed: bool
    reason: str | None


class HandoutIn(Schema):
    patient: uuid.UUID
    kind: str
    clinician_text: str = Field(max_length=4000)
    order: uuid.UUID | None = None
    language: str = "en"


class HandoutOut(Schema):
    id: uuid.UUID
    kind: str
    language: str
    pdf: str
