"""The portal app's stable error codes (the API's `code` strings)."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    LINK_INVALID = "link_invalid"
