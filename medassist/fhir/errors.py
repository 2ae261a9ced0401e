"""FHIR errors: every refusal is an OperationOutcome with the right HTTP status."""

from __future__ import annotations

from medassist.core.errors import ApplicationError, Conflict, NotFound, PermissionDenied

# our application error → (HTTP status, OperationOutcome issue code)
_ISSUE_CODE = {404: "not-found", 403: "forbidden", 409: "conflict", 412: "conflict"}


class FhirError(Exception):
    """A refused FHIR request: HTTP status, issue code and a message fit for a person."""

    def __init__(
        self, status: int, message: str, *, code: str = "invalid", expression: str = ""
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.expression = expression

    @classmethod
    def from_application(cls, exc: ApplicationError) -> FhirError:
        if isinstance(exc, NotFound):
            return cls(404, exc.message, code="not-found")
        if isinstance(exc, PermissionDenied):
            return cls(403, exc.message, code="forbidden")
        if isinstance(exc, Conflict):
            return cls(409, exc.message, code="conflict", expression=exc.field or "")
        status = exc.status if 400 <= exc.status < 500 else 422
        return cls(status, exc.message, code="processing", expression=exc.field or "")

    def outcome(self) -> dict:
        return operation_outcome(self.message, code=self.code, expression=self.expression)


def not_found(message: str = "No such resource.") -> FhirError:
    return FhirError(404, message, code="not-found")


def invalid(message: str, *, expression: str = "", status: int = 400) -> FhirError:
    return FhirError(status, message, code="invalid", expression=expression)


def unprocessable(message: str, *, expression: str = "") -> FhirError:
    return FhirError(422, message, code="processing", expression=expression)


def operation_outcome(
    message: str, *, code: str = "invalid", severity: str = "error", expression: str = ""
) -> dict:
    issue: dict = {"severity": severity, "code": code, "diagnostics": message}
    if expression:
        issue["expression"] = [expression]
    return {"resourceType": "OperationOutcome", "issue": [issue]}


def information(message: str) -> dict:
    return operation_outcome(message, code="informational", severity="information")
