"""The availability app's stable error codes (the API's `code` strings) and its errors."""

from __future__ import annotations

from enum import StrEnum

from medassist.core.errors import ValidationFailed
from medassist.scheduling.errors import SlotTaken


class Code(StrEnum):
    RESOURCE_TAKEN = "resource_taken"
    NOT_OPEN = "not_open"
    NOT_OFFERED = "not_offered"
    OUTSIDE_AGE = "outside_age"


class ResourceTaken(SlotTaken):
    """The room or equipment the visit needs is held by another visit at that time (409)."""

    code: str = Code.RESOURCE_TAKEN


class NotOpen(ValidationFailed):
    """The time is outside the provider's hours (template, exceptions, holidays)."""

    code: str = Code.NOT_OPEN


class NotOffered(ValidationFailed):
    """The visit type's rule does not list this provider."""

    code: str = Code.NOT_OFFERED


class OutsideAge(ValidationFailed):
    """The patient's age on the visit's day is outside the visit type's or provider's ages."""

    code: str = Code.OUTSIDE_AGE
