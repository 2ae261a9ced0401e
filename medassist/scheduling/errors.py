"""The scheduling app's stable error codes (the API's `code` strings) and its errors."""

from __future__ import annotations

from enum import StrEnum

from medassist.core.errors import Conflict


class Code(StrEnum):
    SLOT_TAKEN = "slot_taken"
    ILLEGAL_TRANSITION = "illegal_transition"


class SlotTaken(Conflict):
    """The provider (or, as ResourceTaken, the room or equipment) is busy at that time (409)."""

    code: str = Code.SLOT_TAKEN


class IllegalTransition(Conflict):
    code: str = Code.ILLEGAL_TRANSITION
