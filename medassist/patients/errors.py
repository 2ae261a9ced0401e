"""The patients app's stable error codes (the API's strings) and the errors that carry them."""

from __future__ import annotations

from enum import StrEnum

from medassist.core.errors import Conflict, ValidationFailed


class Code(StrEnum):
    POSSIBLE_DUPLICATE = "possible_duplicate"
    IMPORT_REFUSED = "import_refused"


class DuplicatePatient(Conflict):
    code = Code.POSSIBLE_DUPLICATE


class ImportRefused(ValidationFailed):
    code = Code.IMPORT_REFUSED
