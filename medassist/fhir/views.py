"""HTTP for the FHIR server: authentication (session or API bearer token), CSRF for session
writes, JSON in and out, and every error as an OperationOutcome. The work is in server.py."""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt

from medassist.core import context
from medassist.core.errors import ApplicationError
from medassist.core.middleware import client_address
from medassist.fhir import server
from medassist.fhir.capability import capability_statement
from medassist.fhir.errors import FhirError, operation_outcome
from medassist.fhir.resources import Ctx
from medassist.fhir.writers import Resolver
from medassist.practice.tokens import token_user

FHIR_JSON = "application/fhir+json; charset=utf-8"
JSON_TYPES = ("application/fhir+json", "application/json", "application/json+fhir")
FORM_TYPE = "application/x-www-form-urlencoded"
SAFE = ("GET", "HEAD", "OPTIONS")
logger = logging.getLogger(__name__)


def fhir_response(result: server.Result) -> HttpResponse:
    response = HttpResponse(
        json.dumps(result.body, ensure_ascii=False), status=result.status, content_type=FHIR_JSON
    )
    for name, value in result.headers.items():
        response[name] = value
    return response


def _authenticate(request: HttpRequest):
    """The staff member behind the request: a bearer token (the API's tokens) or the session."""
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        user = token_user(header[7:].strip())
        if user is None:
            raise FhirError(401, "The bearer token is not valid.", code="login")
        request.user = user  # as the API's TokenAuth does: the refusal audit names the user
        return user
    if request.user.is_authenticated:
        if request.method not in SAFE:
            refused = CsrfViewMiddleware(lambda r: HttpResponse()).process_view(
                request, lambda r: HttpResponse(), (), {}
            )
            if refused is not None:
                raise FhirError(
                    403,
                    "CSRF check failed: a logged-in session must send the X-CSRFToken header "
                    "with every write. Scripts should use a bearer token.",
                    code="security",
                )
        return request.user
    raise FhirError(401, "Log in or send Authorization: Bearer <API token>.", code="login")


def fhir_endpoint(methods: tuple[str, ...], *, public: bool = False) -> Callable:
    """Wraps an interaction: method check, auth, audit channel, errors as OperationOutcome, and
    a rolled-back transaction for every refused request."""

    def decorator(handler: Callable) -> Callable:
        @csrf_exempt
        @functools.wraps(handler)
        def view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            facts = context.RequestFacts(
                client_address=client_address(request),
                channel="fhir",
                request_id=context.current().request_id or context.RequestFacts().request_id,
            )
            token = context.set_current(facts)
            try:
                if kwargs.get("rtype") is not None:
                    server.sources_for(kwargs["rtype"])
                if request.method not in methods:
                    raise FhirError(
                        405,
                        f"{request.method} is not allowed here (allowed: {', '.join(methods)}).",
                        code="not-supported",
                    )
                user = None if public else _authenticate(request)
                base = request.build_absolute_uri("/fhir/r4").rstrip("/")
                ctx = Ctx(
                    user=user, site_url=request.build_absolute_uri("/").rstrip("/"), base_url=base
                )
                result = handler(request, ctx, *args, **kwargs)
            except FhirError as exc:
                result = server.Result(exc.status, exc.outcome())
                if exc.status == 401:
                    result.headers["WWW-Authenticate"] = 'Bearer realm="medassist"'
                if exc.status == 405:
                    result.headers["Allow"] = ", ".join(methods)
            except ApplicationError as exc:
                err = FhirError.from_application(exc)
                result = server.Result(err.status, err.outcome())
            except Exception:  # a bug: still an OperationOutcome, and the details in the log
                logger.exception("FHIR request failed: %s %s", request.method, request.path)
                result = server.Result(
                    500,
                    operation_outcome(
                        "The server failed to process this request.", code="exception"
                    ),
                )
            finally:
                context.reset(token)
            if result.status >= 400 and transaction.get_connection().in_atomic_block:
                transaction.set_rollback(True)
            return fhir_response(result)

        # declared for the URL-protection test: who may do what is decided per resource type
        # and interaction by medassist.fhir.server, with the same permissions as the screens
        view.permission = "public" if public else "fhir: per resource"  # type: ignore[attr-defined]
        return view

    return decorator


def _body(request: HttpRequest):
    content_type = (request.content_type or "").lower()
    if content_type and content_type not in JSON_TYPES:
        raise FhirError(415, "Send the resource as application/fhir+json.", code="not-supported")
    try:
        raw = request.body
    except RequestDataTooBig as exc:
        raise FhirError(413, "The request body is too large.", code="too-costly") from exc
    return server.decode(raw)


def _resolver(ctx: Ctx) -> Resolver:
    return Resolver(ctx.user, base_url=ctx.base_url)


@fhir_endpoint(("GET",), public=True)
def metadata(request: HttpRequest, ctx: Ctx) -> server.Result:
    return server.Result(200, capability_statement(ctx.base_url))


@fhir_endpoint(("POST",))
def root(request: HttpRequest, ctx: Ctx) -> server.Result:
    return server.process_bundle(ctx, _body(request))


@fhir_endpoint(("GET", "POST"))
def type_endpoint(request: HttpRequest, ctx: Ctx, rtype: str) -> server.Result:
    if request.method == "POST":
        return server.create(ctx, rtype, _body(request), _resolver(ctx))
    return server.search(ctx, rtype, _pairs(request.GET))


@fhir_endpoint(("POST",))
def type_search(request: HttpRequest, ctx: Ctx, rtype: str) -> server.Result:
    """POST [type]/_search: the parameters in a form-encoded body, so a patient's name or birth
    date stays out of URLs and access logs. Parameters in the URL count too (FHIR R4)."""
    if (request.content_type or "").lower() != FORM_TYPE:
        raise FhirError(415, f"Send the search parameters as {FORM_TYPE}.", code="not-supported")
    try:
        body = _pairs(request.POST)
    except (RequestDataTooBig, TooManyFieldsSent) as exc:
        raise FhirError(413, "The search is too large.", code="too-costly") from exc
    return server.search(ctx, rtype, body + _pairs(request.GET), posted=True)


def _pairs(params) -> list[tuple[str, str]]:
    return [(k, v) for k, values in params.lists() for v in values]


@fhir_endpoint(("GET", "PUT"))
def instance(request: HttpRequest, ctx: Ctx, rtype: str, rid: str) -> server.Result:
    if request.method == "PUT":
        return server.update(
            ctx, rtype, rid, _body(request), _resolver(ctx), request.headers.get("If-Match", "")
        )
    return server.read(ctx, rtype, rid)


@fhir_endpoint(("GET",))
def everything(request: HttpRequest, ctx: Ctx, rid: str) -> server.Result:
    result = server.everything(ctx, rid)
    if request.GET.get("_download"):
        mrn = getattr(result.obj, "mrn", rid)
        result.headers["Content-Disposition"] = f'attachment; filename="{mrn}-fhir.json"'
    return result
