"""The portal app's stable error codes (the API's `code` strings)."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    LINK_INVALID = "link_invalid"
    CODE_INVALID = "code_invalid"
    TOO_MANY_CODES = "too_many_codes"
    SESSION_ENDED = "session_ended"
