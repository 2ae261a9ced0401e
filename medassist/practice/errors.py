"""Practice set-up's stable error codes (the API's `code` strings) and the errors that carry
them. Refusals by role, not-found and plain validation use core's `permission_denied`,
`not_found` and `validation_failed`."""

from __future__ import annotations

from enum import StrEnum

from medassist.core.errors import ValidationFailed


class Code(StrEnum):
    ALREADY_EXISTS = "already_exists"
    LAST_ADMIN = "last_admin"


class AlreadyExists(ValidationFailed):
    """Another row of the clinic already has this name, code, NPI or username."""

    code = Code.ALREADY_EXISTS


class LastAdmin(ValidationFailed):
    """The change would leave the clinic with no active clinic admin."""

    code = Code.LAST_ADMIN
