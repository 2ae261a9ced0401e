"""API schemas for practice set-up, plus the strict building blocks every app's API schemas use.

Write bodies refuse unknown fields and loose types: a number is never read from a string, a
date or time never from a number, and a time must carry its UTC offset.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta
from typing import Annotated

from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from medassist.core.forms import FIRST_YEAR, LAST_YEAR
from medassist.practice.models import Room
from medassist.practice.roles import Role


def Text(max_length: int, *, min_length: int = 0) -> StringConstraints:  # noqa: N802
    """A JSON string (never a number or bool) of bounded length: `Annotated[str, Text(300)]`."""
    return StringConstraints(strict=True, max_length=max_length, min_length=min_length)


MAX_UTC_OFFSET = timedelta(hours=14)  # the widest real time zones: UTC-12 to UTC+14
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONEY = re.compile(r"^\d{1,7}(\.\d{1,2})?$")


def _iso_date(value):
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _DATE.match(value):
        raise PydanticCustomError("date_format", "Write the date as YYYY-MM-DD.")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError(
            "date_invalid", "{value} is not a real date.", {"value": value}
        ) from None


def _aware_datetime(value):
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str) and "T" in value and len(value) <= 40:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError(
                "datetime_format",
                "Write the time as ISO 8601 with its UTC offset, e.g. 2026-05-04T09:30:00-04:00.",
            ) from None
    else:
        raise PydanticCustomError(
            "datetime_format",
            "Write the time as ISO 8601 with its UTC offset, e.g. 2026-05-04T09:30:00-04:00.",
        )
    offset = parsed.utcoffset() if parsed.tzinfo is not None else None
    if offset is None:
        raise PydanticCustomError(
            "datetime_naive",
            "The time has no UTC offset; add one, e.g. 2026-05-04T09:30:00-04:00.",
        )
    if abs(offset) > MAX_UTC_OFFSET or offset.seconds % 60:
        raise PydanticCustomError(
            "datetime_offset",
            "That UTC offset is no time zone's: use one between -12:00 and +14:00.",
        )
    if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        raise PydanticCustomError(
            "datetime_range", f"Choose a time between the years {FIRST_YEAR} and {LAST_YEAR}."
        )
    return parsed


def _money(value):
    if not isinstance(value, str):
        raise PydanticCustomError("money_type", 'Send the amount as a string, like "25.00".')
    text = value.strip()
    if not _MONEY.match(text):
        raise PydanticCustomError(
            "money_format",
            'Write the amount like "25.00" (no sign, at most two decimal places).',
        )
    return text


def _uuid(value):
    if isinstance(value, uuid.UUID):
        return value
    if isinstance(value, str):
        try:
            return uuid.UUID(value)
        except ValueError:
            pass
    raise PydanticCustomError("uuid", "Send the id as a UUID string.")


def as_local(value: datetime | None, tz) -> datetime | None:
    """Timestamps leave the API in the clinic's own zone, with its UTC offset."""
    return None if value is None else value.astimezone(tz)


def money(value) -> str | None:
    """Money leaves the API as a string with two decimals, e.g. "25.00"."""
    return None if value is None else f"{value:.2f}"


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
AwareDateTime = Annotated[datetime, BeforeValidator(_aware_datetime)]
Money = Annotated[str, BeforeValidator(_money), Field(examples=["25.00"])]
Id = Annotated[uuid.UUID, BeforeValidator(_uuid)]
StrictBool = Annotated[bool, Field(strict=True)]
StrictInt = Annotated[int, Field(strict=True)]
Measure = Annotated[float, Field(strict=True, allow_inf_nan=False)]


class In(Schema):
    """Base of every write body: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


class ErrorOut(Schema):
    code: str
    message: str
    errors: dict[str, list[str]] | None = None


class Ref(Schema):
    id: uuid.UUID
    name: str


# --- practice set-up -----------------------------------------------------------------------


class ProviderOut(Schema):
    id: uuid.UUID
    first_name: str
    last_name: str
    display_name: str
    credentials: str
    npi: str
    specialty: str
    location_ids: list[uuid.UUID]


class VisitTypeOut(Schema):
    id: uuid.UUID
    name: str
    code: str
    duration_minutes: int


class LocationOut(Schema):
    id: uuid.UUID
    name: str
    address_line1: str
    city: str
    state: str
    postal_code: str
    phone: str


class RoomOut(Schema):
    id: uuid.UUID
    name: str
    kind: str
    location: Ref


class PayerOut(Schema):
    id: uuid.UUID
    name: str
    payer_id: str


# --- clinic set-up (clinic admins) ----------------------------------------------------------
# Write bodies name the model's fields; a PATCH changes only the fields it sends.


class ClinicOut(Schema):
    id: uuid.UUID
    name: str
    timezone: str
    state: str
    phone: str
    mrn_prefix: str
    two_step_for_all: bool = Field(
        description="Every role must use two-step sign-in (clinic admins and billers always do)."
    )


class ClinicPatch(In):
    name: Annotated[str, Text(200, min_length=1)] | None = None
    timezone: Annotated[str, Text(64, min_length=1)] | None = None
    state: Annotated[str, Text(2, min_length=2)] | None = None
    phone: Annotated[str, Text(32)] | None = None
    mrn_prefix: Annotated[str, Text(6, min_length=1)] | None = None
    two_step_for_all: StrictBool | None = None


class SetupLocationOut(LocationOut):
    active: bool


class LocationIn(In):
    name: Annotated[str, Text(200, min_length=1)]
    address_line1: Annotated[str, Text(200)] = ""
    city: Annotated[str, Text(100)] = ""
    state: Annotated[str, Text(2)] = ""
    postal_code: Annotated[str, Text(10)] = ""
    phone: Annotated[str, Text(32)] = ""


class LocationPatch(In):
    name: Annotated[str, Text(200, min_length=1)] | None = None
    address_line1: Annotated[str, Text(200)] | None = None
    city: Annotated[str, Text(100)] | None = None
    state: Annotated[str, Text(2)] | None = None
    postal_code: Annotated[str, Text(10)] | None = None
    phone: Annotated[str, Text(32)] | None = None
    active: StrictBool | None = None


class SetupRoomOut(RoomOut):
    active: bool


class SetupRoomIn(In):
    location: Id
    name: Annotated[str, Text(100, min_length=1)]
    kind: Room.Kind = Room.Kind.EXAM


class RoomPatch(In):
    location: Id | None = None
    name: Annotated[str, Text(100, min_length=1)] | None = None
    kind: Room.Kind | None = None
    active: StrictBool | None = None


class StaffRef(Schema):
    id: uuid.UUID
    username: str


class SetupProviderOut(ProviderOut):
    active: bool
    user: StaffRef | None


class ProviderIn(In):
    first_name: Annotated[str, Text(100, min_length=1)]
    last_name: Annotated[str, Text(100, min_length=1)]
    npi: Annotated[str, Text(10, min_length=1)]
    credentials: Annotated[str, Text(40)] = ""
    specialty: Annotated[str, Text(100)] = ""
    location_ids: list[Id] = []
    user: Id | None = Field(None, description="The staff account that is this provider.")


class ProviderPatch(In):
    """`location_ids` replaces the list; `"user": null` unlinks the staff account."""

    first_name: Annotated[str, Text(100, min_length=1)] | None = None
    last_name: Annotated[str, Text(100, min_length=1)] | None = None
    npi: Annotated[str, Text(10, min_length=1)] | None = None
    credentials: Annotated[str, Text(40)] | None = None
    specialty: Annotated[str, Text(100)] | None = None
    location_ids: list[Id] | None = None
    user: Id | None = None
    active: StrictBool | None = None


class SetupVisitTypeOut(VisitTypeOut):
    active: bool


class VisitTypeIn(In):
    name: Annotated[str, Text(100, min_length=1)]
    code: Annotated[str, Text(40, min_length=1)]
    duration_minutes: StrictInt


class VisitTypePatch(In):
    name: Annotated[str, Text(100, min_length=1)] | None = None
    code: Annotated[str, Text(40, min_length=1)] | None = None
    duration_minutes: StrictInt | None = None
    active: StrictBool | None = None


class SetupPayerOut(PayerOut):
    active: bool


class PayerIn(In):
    name: Annotated[str, Text(200, min_length=1)]
    payer_id: Annotated[str, Text(20)] = ""


class PayerPatch(In):
    name: Annotated[str, Text(200, min_length=1)] | None = None
    payer_id: Annotated[str, Text(20)] | None = None
    active: StrictBool | None = None


class StaffOut(Schema):
    """A staff account; its password (or hash) never leaves the server."""

    id: uuid.UUID
    username: str
    first_name: str
    last_name: str
    email: str
    role: str
    active: bool
    admin_site: bool
    password_login: bool
    last_login: datetime | None
    provider_id: uuid.UUID | None


class StaffIn(In):
    username: Annotated[str, Text(150, min_length=1)]
    role: Role
    first_name: Annotated[str, Text(150)] = ""
    last_name: Annotated[str, Text(150)] = ""
    email: Annotated[str, Text(254)] = ""
    password: Annotated[str, Text(128, min_length=1)] | None = Field(
        None, description="Without one, nobody can log in as the account until one is set."
    )


class StaffPatch(In):
    """Privileges (`role`, `active`, `admin_site`) are each audited with what changed."""

    username: Annotated[str, Text(150, min_length=1)] | None = None
    first_name: Annotated[str, Text(150)] | None = None
    last_name: Annotated[str, Text(150)] | None = None
    email: Annotated[str, Text(254)] | None = None
    role: Role | None = None
    active: StrictBool | None = None
    admin_site: StrictBool | None = Field(None, description="May use the Django admin site.")


class PasswordIn(In):
    password: Annotated[str, Text(128, min_length=1)] | None = Field(
        description="The new password; null turns password login off."
    )


class ResetLinkOut(Schema):
    path: str = Field(description="The one-time link's path on this site; hand it over in person.")
    valid_hours: float


class TokenOut(Schema):
    token: str = Field(description="The new key, shown this once.")
    prefix: str
    name: str
    expires_at: datetime
