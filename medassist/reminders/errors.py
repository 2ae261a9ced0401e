"""The reminders app's stable error codes (the API's `code` strings)."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    LINK_REFUSED = "link_refused"
    UNKNOWN_SENDER = "unknown_sender"
    UNKNOWN_MESSAGE = "unknown_message"
    NOT_FAILED = "not_failed"
