"""The waitlist app's stable error codes (the API's `code` strings)."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    DUPLICATE = "duplicate"
    CLOSED = "closed"
    OFFER_GONE = "offer_gone"
