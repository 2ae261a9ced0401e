"""Patients' stable error codes (the API's `code` strings) and the errors that carry them."""

from __future__ import annotations

from enum import StrEnum

from medassist.core.errors import ApplicationError, Conflict, ValidationFailed


class Code(StrEnum):
    POSSIBLE_DUPLICATE = "possible_duplicate"
    IMPORT_REFUSED = "import_refused"
    REASON_REQUIRED = "reason_required"
    SEARCH_BY_POST = "search_by_post"


class DuplicatePatient(Conflict):
    """Same name and date of birth as a registered patient; `extra["candidates"]` lists them."""

    code = Code.POSSIBLE_DUPLICATE


class ImportRefused(ValidationFailed):
    """A patient CSV file was refused as a whole; nothing was imported."""

    code = Code.IMPORT_REFUSED


class ReasonRequired(ValidationFailed):
    """Emergency access needs a reason a reviewer can judge (a few words at least)."""

    code = Code.REASON_REQUIRED


class SearchByPost(ApplicationError):
    """A patient search sent in a URL's query string, where proxies and logs keep it."""

    code = Code.SEARCH_BY_POST
    status = 400
