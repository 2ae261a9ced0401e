"""The booking app's stable error codes (the API's `code` strings) and its errors.

Booking also raises the codes of the apps it builds on: `slot_taken` and `illegal_transition`
(scheduling), `not_open`, `not_offered` and `resource_taken` (availability)."""

from __future__ import annotations

from enum import StrEnum

from medassist.core.errors import Conflict, ValidationFailed


class Code(StrEnum):
    SERIES_CONFLICT = "series_conflict"
    REASON_REQUIRED = "override_reason_required"


class SeriesConflict(Conflict):
    """Some dates of a series cannot be booked or moved, so none was (409, lists the dates)."""

    code: str = Code.SERIES_CONFLICT


class ReasonRequired(ValidationFailed):
    """A staff override (outside hours, double-book) was asked for without a reason."""

    code: str = Code.REASON_REQUIRED
