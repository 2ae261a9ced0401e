"""The chart's stable error codes (the API's `code` strings) and the errors that carry them.
Other refusals use the generic codes of `core.errors` (validation_failed, conflict, …)."""

from __future__ import annotations

from enum import StrEnum

from medassist.core.errors import Conflict


class Code(StrEnum):
    NOTE_SIGNED = "note_signed"


class NoteSigned(Conflict):
    """A signed (amended, withdrawn) note is never edited; it is amended with a reason."""

    code = Code.NOTE_SIGNED
