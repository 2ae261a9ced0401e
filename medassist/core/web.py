"""Helpers for thin HTML views: role checks, error rendering, htmx-aware responses.

Core knows no app: `staff_view` asks the logged-in user itself whether it may (`can`), and
`StaffRequest` names the project's user model through django-stubs' `AUTH_USER_MODEL`
placeholder, never by importing it."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from medassist.core.errors import ApplicationError, NotFound, PermissionDenied

if TYPE_CHECKING:
    # `_User` exists only in django-stubs: its mypy plugin reads it as settings.AUTH_USER_MODEL.
    from django.contrib.auth.models import _User
    from django_htmx.middleware import HtmxDetails

    class StaffUser(_User):
        """The user of a request `staff_view` let through: logged in, of a clinic.

        `clinic` is the user model's clinic, never None here; core cannot name its type."""

        clinic: Any
        clinic_id: int

    class StaffRequest(HttpRequest):
        """A request `staff_view` let through (annotate staff views' `request` with it)."""

        user: StaffUser
        htmx: HtmxDetails
else:
    StaffRequest = HttpRequest


@runtime_checkable
class PermissionHolder(Protocol):
    """What `staff_view` needs of a logged-in user: its role's answer for a permission."""

    def can(self, permission: str) -> bool: ...


def staff_view(permission: str) -> Callable:
    """Login required; the role must grant `permission` (else 403); NotFound renders 404.

    Any ApplicationError that escapes the view renders as a plain message page with the
    error's status, and the request's transaction is rolled back."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                if getattr(request, "htmx", False):
                    response = HttpResponse(status=401)
                    response["HX-Redirect"] = f"/login/?next={request.path}"
                    return response
                # the path only: a query string may name a patient, and ?next= is a URL too
                return redirect_to_login(request.path)
            user = request.user
            if not (isinstance(user, PermissionHolder) and user.can(permission)):
                return error_page(request, PermissionDenied("Your role does not allow this."))
            try:
                return view(request, *args, **kwargs)
            except ApplicationError as exc:
                return error_page(request, exc)

        wrapper.permission = permission  # type: ignore[attr-defined]
        return wrapper

    return decorator


def error_page(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    from django.db import transaction

    if transaction.get_connection().in_atomic_block:
        transaction.set_rollback(True)
    titles = {404: "Not found", 403: "Not allowed", 409: "Conflict"}
    status = 404 if isinstance(exc, NotFound) else exc.status
    return render(
        request,
        "core/error.html",
        {"title": titles.get(status, "Could not do that"), "message": exc.message},
        status=status,
    )


def form_errors(form, exc: ApplicationError) -> None:
    """Attach a service's ApplicationError to a Django form, per field where possible."""
    if exc.errors:
        for field, messages in exc.errors.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def first_error(form) -> str:
    """The first message of an invalid form, for a one-line refusal."""
    for errors in form.errors.values():
        return str(errors[0])
    return "Invalid input."


def is_partial(request: HttpRequest) -> bool:
    """An htmx request for part of the page (not a boosted full-page navigation)."""
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.boosted


def safe_next(request: HttpRequest) -> str:
    """The `next` parameter when it is an address on this site (never another host), else ''."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def clinic_zone(clinic) -> None:
    """Show this clinic's times on the page being made (a patient's page, no login): the
    templates render every time in the current zone, which the middleware resets after."""
    timezone.activate(clinic.tz)
