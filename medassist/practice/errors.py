"""Practice set-up's stable error codes (the API's `code` strings) and the errors that carry
them. Refusals by role, not-found and plain validation use core's `permission_denied`,
`not_found` and `validation_failed`."""

from __future__ import annotations

from enum import StrEnum

from medassist.core.errors import ApplicationError, PermissionDenied, ValidationFailed


class Code(StrEnum):
    ALREADY_EXISTS = "already_exists"
    LAST_ADMIN = "last_admin"
    SIGN_IN_LOCKED = "sign_in_locked"
    WRONG_CODE = "wrong_code"
    WRONG_PASSWORD = "wrong_password"  # noqa: S105 (an error code)
    BAD_RESET_LINK = "bad_reset_link"
    TWO_STEP_REQUIRED = "two_step_required"
    TOKEN_EXPIRED = "token_expired"  # noqa: S105 (an error code)


class AlreadyExists(ValidationFailed):
    """Another row of the clinic already has this name, code, NPI or username."""

    code = Code.ALREADY_EXISTS


class LastAdmin(ValidationFailed):
    """The change would leave the clinic with no active clinic admin."""

    code = Code.LAST_ADMIN


class SignInLocked(ApplicationError):
    """Too many failed attempts for this account or from this address: wait for the cool-down."""

    code = Code.SIGN_IN_LOCKED
    status = 429


class WrongCode(ValidationFailed):
    """The authenticator or recovery code does not match (or was used already)."""

    code = Code.WRONG_CODE


class WrongPassword(ValidationFailed):
    """The current password given to change it is not the account's."""

    code = Code.WRONG_PASSWORD


class BadResetLink(ValidationFailed):
    """The password reset link is unknown, used already or out of date."""

    code = Code.BAD_RESET_LINK


class TwoStepRequired(PermissionDenied):
    """This account's role (or its clinic) requires two-step sign-in: it cannot be turned off."""

    code = Code.TWO_STEP_REQUIRED
