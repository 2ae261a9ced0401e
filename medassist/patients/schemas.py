"""API schemas for patients and their insurance coverage."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field, field_validator

from medassist.practice.schemas import ErrorOut, Id, In, IsoDate, Money, Ref, StrictBool, Text

Sex = Literal["F", "M", "U", "X"]
Relationship = Literal["self", "spouse", "child", "other"]
Priority = Annotated[int, Field(strict=True, ge=1, le=3)]  # primary, secondary, tertiary


class PatientIn(In):
    first_name: Annotated[str, Text(100, min_length=1)]
    middle_name: Annotated[str, Text(100)] = ""
    last_name: Annotated[str, Text(100, min_length=1)]
    preferred_name: Annotated[str, Text(100)] = ""
    date_of_birth: IsoDate
    sex: Sex
    phone_mobile: Annotated[str, Text(32)] = ""
    phone_home: Annotated[str, Text(32)] = ""
    email: Annotated[str, Text(254)] = ""
    address_line1: Annotated[str, Text(200)] = ""
    address_line2: Annotated[str, Text(200)] = ""
    city: Annotated[str, Text(100)] = ""
    state: Annotated[str, Text(2)] = ""
    postal_code: Annotated[str, Text(10)] = ""
    preferred_language: Annotated[str, Text(40)] = "English"
    emergency_contact_name: Annotated[str, Text(200)] = ""
    emergency_contact_relationship: Annotated[str, Text(60)] = ""
    emergency_contact_phone: Annotated[str, Text(32)] = ""
    allow_duplicate: StrictBool = False


class _NoNulls(In):
    """A partial update: leave a field out to keep it; null is not a value."""

    @field_validator("*")
    @classmethod
    def _not_null(cls, value):
        if value is None:
            raise ValueError("may not be null; leave the field out to keep its value")
        return value


class PatientPatch(_NoNulls):
    first_name: Annotated[str, Text(100, min_length=1)] | None = None
    middle_name: Annotated[str, Text(100)] | None = None
    last_name: Annotated[str, Text(100, min_length=1)] | None = None
    preferred_name: Annotated[str, Text(100)] | None = None
    date_of_birth: IsoDate | None = None
    sex: Sex | None = None
    phone_mobile: Annotated[str, Text(32)] | None = None
    phone_home: Annotated[str, Text(32)] | None = None
    email: Annotated[str, Text(254)] | None = None
    address_line1: Annotated[str, Text(200)] | None = None
    address_line2: Annotated[str, Text(200)] | None = None
    city: Annotated[str, Text(100)] | None = None
    state: Annotated[str, Text(2)] | None = None
    postal_code: Annotated[str, Text(10)] | None = None
    preferred_language: Annotated[str, Text(40)] | None = None
    emergency_contact_name: Annotated[str, Text(200)] | None = None
    emergency_contact_relationship: Annotated[str, Text(60)] | None = None
    emergency_contact_phone: Annotated[str, Text(32)] | None = None


class PatientSearchIn(In):
    """A patient search, sent in the body: a query string would put it in logs."""

    q: Annotated[str, Text(200)] = Field("", description="Name, MRN, birth date or phone.")
    limit: Annotated[int, Field(strict=True, ge=1, le=100)] = 25


class PatientSummaryOut(Schema):
    id: uuid.UUID
    mrn: str
    first_name: str
    last_name: str
    preferred_name: str
    date_of_birth: date
    sex: str
    phone_mobile: str


class PatientOut(PatientSummaryOut):
    middle_name: str
    phone_home: str
    email: str
    address_line1: str
    address_line2: str
    city: str
    state: str
    postal_code: str
    preferred_language: str
    emergency_contact_name: str
    emergency_contact_relationship: str
    emergency_contact_phone: str
    demographics_confirmed_at: datetime | None
    active: bool


class DuplicateCandidate(Schema):
    id: uuid.UUID
    mrn: str


class DuplicateOut(ErrorOut):
    candidates: list[DuplicateCandidate]


class CoverageIn(In):
    payer: Id
    member_id: Annotated[str, Text(40, min_length=1)]
    group_number: Annotated[str, Text(40)] = ""
    subscriber_name: Annotated[str, Text(200)] = ""
    subscriber_date_of_birth: IsoDate | None = None
    relationship: Relationship = "self"
    priority: Priority = 1
    copay: Money | None = None
    active: StrictBool = True


class CoveragePatch(In):
    payer: Id | None = None
    member_id: Annotated[str, Text(40, min_length=1)] | None = None
    group_number: Annotated[str, Text(40)] | None = None
    subscriber_name: Annotated[str, Text(200)] | None = None
    subscriber_date_of_birth: IsoDate | None = None
    relationship: Relationship | None = None
    priority: Priority | None = None
    copay: Money | None = None
    active: StrictBool | None = None

    @field_validator(
        "payer",
        "member_id",
        "group_number",
        "subscriber_name",
        "relationship",
        "priority",
        "active",
    )
    @classmethod
    def _not_null(cls, value):
        # copay and subscriber_date_of_birth may be cleared with null; the rest may not.
        if value is None:
            raise ValueError("may not be null; leave the field out to keep its value")
        return value


class CoverageOut(Schema):
    id: uuid.UUID
    payer: Ref
    member_id: str
    group_number: str
    subscriber_name: str
    subscriber_date_of_birth: date | None
    relationship: str
    priority: int
    copay: str | None
    active: bool
    verified_at: datetime | None
