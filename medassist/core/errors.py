"""Application errors with stable codes. Services raise these; views and the API render them."""

from __future__ import annotations


class ApplicationError(Exception):
    """A refused operation with a stable machine code and a message fit for a person."""

    code = "invalid"
    status = 400

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        field: str | None = None,
        errors: dict[str, list[str]] | None = None,
        extra: dict | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.field = field
        self.errors = errors or ({field: [message]} if field else {})
        self.extra = extra or {}

    def as_dict(self) -> dict:
        body: dict = {"code": self.code, "message": self.message}
        if self.errors:
            body["errors"] = self.errors
        if self.extra:
            body.update(self.extra)
        return body


class ValidationFailed(ApplicationError):
    code = "validation_failed"
    status = 422


class NotFound(ApplicationError):
    code = "not_found"
    status = 404


class PermissionDenied(ApplicationError):
    code = "permission_denied"
    status = 403


class Conflict(ApplicationError):
    code = "conflict"
    status = 409


def from_django_validation(exc) -> ValidationFailed:
    """Turn a django ValidationError into our ValidationFailed with per-field messages."""
    if hasattr(exc, "message_dict"):
        errors = {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
    else:
        errors = {"__all__": [str(m) for m in exc.messages]}
    first = next(iter(errors.values()))[0] if errors else "Invalid input."
    return ValidationFailed(first, errors=errors)
