"""The one NinjaAPI at /api/: token (Bearer) or session auth, errors as {code, message}."""

from __future__ import annotations

import logging

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer, SessionAuth

from medassist.core import jsonbody
from medassist.core.errors import ApplicationError
from medassist.practice.errors import Code as PracticeCode
from medassist.practice.tokens import token_expired_at, token_user

log = logging.getLogger("medassist.api")


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = token_user(token)
        if user is not None:
            request.user = user
        elif (expired := token_expired_at(token)) is not None:
            raise TokenExpired(expired)
        return user


class TokenExpired(Exception):
    def __init__(self, at):
        super().__init__(at)
        self.at = at


class LoggedInSession(SessionAuth):
    """Django's session, with its CSRF check; a request with no logged-in user is simply not
    authenticated by it (401), rather than refused for a missing CSRF token (403)."""

    def __call__(self, request: HttpRequest):
        if not request.user.is_authenticated:
            return None
        try:
            return super().__call__(request)
        except HttpError as exc:
            raise CsrfFailed() from exc


class CsrfFailed(Exception):
    pass


class MalformedJson(ValueError):
    pass


class NotJson(ValueError):
    pass


JSON_TYPES = ("application/json", "application/merge-patch+json")


class JsonParser(Parser):
    """JSON bodies only (415 for another content type); a body that is not JSON, holds a NUL
    character or nests too deeply says what is wrong (core.jsonbody)."""

    def parse_body(self, request: HttpRequest):
        raw = request.body
        content_type = (request.content_type or "").lower()
        if raw and content_type not in JSON_TYPES:
            raise NotJson(f"Send the body as application/json (this one is {content_type}).")
        try:
            return jsonbody.loads(raw)
        except jsonbody.BadJson as exc:
            raise MalformedJson(str(exc)) from exc


api = NinjaAPI(
    title="medassist API",
    version="1",
    description="The same operations as the screens, through the same services.",
    auth=[TokenAuth(), LoggedInSession()],
    urls_namespace="api",
    parser=JsonParser(),
)


@api.exception_handler(ApplicationError)
def application_error(request, exc: ApplicationError):
    from django.db import transaction

    if transaction.get_connection().in_atomic_block:
        transaction.set_rollback(True)
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc: NinjaValidationError):
    errors: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "payload", "query", "path")]
        errors.setdefault(".".join(loc) or "__all__", []).append(err.get("msg", "Invalid value."))
    first_field, messages = next(iter(errors.items()), ("__all__", ["Invalid input."]))
    return api.create_response(
        request,
        {
            "code": "validation_failed",
            "message": f"{first_field}: {messages[0]}" if first_field != "__all__" else messages[0],
            "errors": errors,
        },
        status=422,
    )


@api.exception_handler(AuthenticationError)
def auth_error(request, exc):
    return api.create_response(
        request,
        {"code": "not_authenticated", "message": "Log in or send a valid token."},
        status=401,
    )


@api.exception_handler(TokenExpired)
def token_expired(request, exc: TokenExpired):
    return api.create_response(
        request,
        {
            "code": PracticeCode.TOKEN_EXPIRED,
            "message": f"This API token expired on {exc.at:%Y-%m-%d %H:%M} UTC. Ask for a new one "
            "(`medassist create_api_token USERNAME`), or rotate tokens before they expire.",
        },
        status=401,
    )


@api.exception_handler(CsrfFailed)
def csrf_failed(request, exc):
    return api.create_response(
        request,
        {
            "code": "csrf_failed",
            "message": "CSRF check failed: a logged-in session must send the X-CSRFToken header "
            "(the csrftoken cookie's value) with every write. Scripts should use a bearer token.",
        },
        status=403,
    )


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    if isinstance(exc.__cause__, MalformedJson):
        return api.create_response(
            request, {"code": "malformed_json", "message": str(exc.__cause__)}, status=400
        )
    if isinstance(exc.__cause__, NotJson):
        return api.create_response(
            request, {"code": "unsupported_media_type", "message": str(exc.__cause__)}, status=415
        )
    return api.create_response(
        request, {"code": "http_error", "message": str(exc)}, status=exc.status_code
    )


@api.exception_handler(RequestDataTooBig)
def too_big(request, exc):
    return api.create_response(
        request,
        {"code": "too_large", "message": "The request body is too large."},
        status=413,
    )


@api.exception_handler(Exception)
def server_error(request, exc: Exception):
    """Anything unexpected: logged with its traceback, rolled back, and a JSON 500 (never the
    HTML error page) that says nothing was saved."""
    from django.db import transaction

    log.exception("API error on %s %s", request.method, request.path)
    if transaction.get_connection().in_atomic_block:
        transaction.set_rollback(True)
    return api.create_response(
        request,
        {
            "code": "server_error",
            "message": "Something went wrong on the server; nothing was saved. Try again, and "
            "tell the clinic's administrator if it happens again.",
        },
        status=500,
    )


def _register_routers() -> None:
    from medassist.availability.api import router as availability_router
    from medassist.billing.api import router as billing_router
    from medassist.booking.api import router as scheduling_router
    from medassist.booking.api_slots import router as slot_booking_router
    from medassist.coding.api import router as coding_router
    from medassist.ecg.api import router as ecg_router
    from medassist.frontdesk.api import router as frontdesk_router
    from medassist.intake.api import router as intake_router
    from medassist.intake.api_questionnaires import router as questionnaires_router
    from medassist.orders.api import router as orders_router
    from medassist.patients.api import router as patients_router
    from medassist.pharmacy.api import router as pharmacy_router
    from medassist.portal.api import router as portal_router
    from medassist.practice.api import router as practice_router
    from medassist.practice.api_account import router as account_router
    from medassist.records.api import router as records_router
    from medassist.records.api_visits import router as visit_start_router
    from medassist.reminders.api import router as reminders_router
    from medassist.waitlist.api import router as waitlist_router

    api.add_router("/practice", practice_router, tags=["practice"])
    api.add_router("/practice", account_router, tags=["sign-in security"])
    api.add_router("/patients", patients_router, tags=["patients"])
    api.add_router("/appointments", scheduling_router, tags=["appointments"])
    api.add_router("/appointments", visit_start_router, tags=["appointments"])
    api.add_router("/visits", frontdesk_router, tags=["check-in and checkout"])
    api.add_router("/intake", intake_router, tags=["rooming and vitals"])
    api.add_router("/intake", questionnaires_router, tags=["questionnaires"])
    api.add_router("/coding", coding_router, tags=["coding"])
    api.add_router("/records", records_router, tags=["chart"])
    api.add_router("/availability", availability_router, tags=["availability"])
    api.add_router("/availability", slot_booking_router, tags=["availability"])
    api.add_router("/reminders", reminders_router, tags=["reminders"])
    api.add_router("/waitlist", waitlist_router, tags=["waitlist and recall"])
    api.add_router("/portal", portal_router, tags=["patient portal"])
    api.add_router("/pharmacy", pharmacy_router, tags=["pharmacy and refills"])
    api.add_router("/ecg", ecg_router, tags=["ECGs"])
    api.add_router("/orders", orders_router, tags=["orders and results"])
    api.add_router("/billing", billing_router, tags=["billing"])


_register_routers()
