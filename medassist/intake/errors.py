"""The intake app's stable error codes (the API's `code` strings)."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    ROOM_OCCUPIED = "room_occupied"
    ANSWERS_INVALID = "answers_invalid"
    QUESTIONNAIRE_INVALID = "questionnaire_invalid"
    QUESTIONNAIRE_LOCKED = "questionnaire_locked"
    RESPONSE_CLOSED = "response_closed"
    KIOSK_LOCKED = "kiosk_locked"
    KIOSK_NO_MATCH = "kiosk_no_match"
