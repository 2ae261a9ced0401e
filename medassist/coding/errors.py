"""The coding app's stable error codes (the API's `code` strings)."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    QUERY_TOO_LONG = "query_too_long"
    UNKNOWN_CODE = "unknown_code"
