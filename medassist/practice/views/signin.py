"""Signing in: the password (throttled, `forms.SignInForm`), then, for accounts with two-step
sign-in, the authenticator code (or a recovery code), or the enrolment an account that must
have it is sent to. Only after the last step is the session logged in.

These views run outside the request's transaction (`non_atomic_requests`): each counted attempt
is committed at once, so no failure is lost with a rolled-back request and no row lock is held
while a password is hashed."""

from __future__ import annotations

import time
from io import BytesIO

import segno
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from medassist.core.errors import ApplicationError
from medassist.core.middleware import client_address
from medassist.core.web import error_page
from medassist.practice import throttle
from medassist.practice.errors import Code
from medassist.practice.forms import (
    CodeForm,
    SignInForm,
    audit_failure,
    audit_lock_if_new,
    locked_message,
)
from medassist.practice.middleware import stamp_sign_in
from medassist.practice.models import TotpDevice, User
from medassist.practice.roles import two_step_required
from medassist.practice.services.two_step import (
    audit_sign_in,
    provisioning_uri,
    second_step_verify,
    totp_enrolment_begin,
    totp_enrolment_confirm,
    two_step_enrolled,
)

PENDING = "medassist_sign_in_pending"
# The password step is good for this long while the second step is done.
PENDING_SECONDS = 300


def _begin_pending(request: HttpRequest, user: User, next_url: str) -> None:
    request.session[PENDING] = {
        "user": user.pk,
        "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[0]),
        "at": time.time(),
        "next": next_url,
    }


def pending_user(request: HttpRequest) -> User | None:
    """The account whose password was just given, still waiting for its second step."""
    data = request.session.get(PENDING)
    if not data or time.time() - float(data["at"]) > PENDING_SECONDS:
        return None
    return User.objects.select_related("clinic").filter(pk=data["user"], is_active=True).first()


def _finish(request: HttpRequest, user: User, *, method: str, next_url: str) -> HttpResponse:
    data = request.session.pop(PENDING, None) or {}
    login(request, user, backend=data.get("backend") or settings.AUTHENTICATION_BACKENDS[0])
    stamp_sign_in(request)
    audit_sign_in(user, method=method)
    return redirect(next_url or settings.LOGIN_REDIRECT_URL)


def _pending_next(request: HttpRequest) -> str:
    return (request.session.get(PENDING) or {}).get("next", "")


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True
    authentication_form = SignInForm

    def form_valid(self, form):
        user = form.get_user()
        next_url = self.get_success_url()
        if two_step_enrolled(user):
            _begin_pending(self.request, user, next_url)
            return redirect("practice:sign-in-code")
        if two_step_required(user):
            _begin_pending(self.request, user, next_url)
            return redirect("practice:sign-in-enrol")
        self.request.session.pop(PENDING, None)
        return _finish(self.request, user, method="", next_url=next_url)

    def form_invalid(self, form):
        locked = form.has_error(NON_FIELD_ERRORS, code=Code.SIGN_IN_LOCKED)
        return self.render_to_response(
            self.get_context_data(form=form), status=429 if locked else 200
        )


class AdminLoginView(LoginView):
    """The Django admin's login page is this one: the same throttle and the same second step.
    A signed-in account that may not use the admin site is told so (never sent round again)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_staff:
            return render(request, "practice/no_admin.html", status=403)
        return super().dispatch(request, *args, **kwargs)


@method_decorator([transaction.non_atomic_requests, csrf_protect, never_cache], name="dispatch")
class SecondStepView(View):
    """The authenticator code (or a recovery code) after the password."""

    template_name = "practice/sign_in_code.html"

    def get(self, request, *args, **kwargs):
        if pending_user(request) is None:
            return redirect("login")
        return render(request, self.template_name, {"form": CodeForm()})

    def post(self, request, *args, **kwargs):
        user = pending_user(request)
        if user is None:
            return redirect("login")
        form = CodeForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})
        key, limit = throttle.second_step_key(user.pk), settings.MEDASSIST_LOGIN_ACCOUNT_LIMIT
        refusal = throttle.take_turn(key, limit)
        if refusal is not None:
            audit_failure(user.username, step="code", refused=True)
            form.add_error(None, locked_message(refusal))
            return render(request, self.template_name, {"form": form}, status=429)
        method = second_step_verify(user=user, code=form.cleaned_data["code"])
        if method is None:
            audit_failure(user.username, step="code")
            audit_lock_if_new(key, limit, username=user.username, address=client_address(request))
            form.add_error("code", "That code is not right (or was used already). Try again.")
            return render(request, self.template_name, {"form": form})
        throttle.clear(key)
        return _finish(request, user, method=method, next_url=_pending_next(request))


def _enrolling_user(request: HttpRequest) -> User | None:
    """Who is setting up an authenticator here: the signed-in user, or one sent to it after
    their password because their role or clinic requires it."""
    if request.user.is_authenticated:
        return request.user  # type: ignore[return-value]
    return pending_user(request)


@method_decorator([transaction.non_atomic_requests, csrf_protect, never_cache], name="dispatch")
class EnrolView(View):
    """Set up the authenticator: scan the QR code (or type the key), enter one code; then the
    ten recovery codes, shown this once."""

    template_name = "practice/two_step_enrol.html"

    def _page(self, request, user: User, form: CodeForm, status: int = 200) -> HttpResponse:
        try:
            device = totp_enrolment_begin(actor=user)
        except ApplicationError as exc:
            return error_page(request, exc)
        context = {
            "form": form,
            "secret": " ".join(device.secret[i : i + 4] for i in range(0, len(device.secret), 4)),
            "required": two_step_required(user),
            "signing_in": not request.user.is_authenticated,
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        user = _enrolling_user(request)
        if user is None:
            return redirect("login")
        return self._page(request, user, CodeForm())

    def post(self, request, *args, **kwargs):
        user = _enrolling_user(request)
        if user is None:
            return redirect("login")
        form = CodeForm(request.POST)
        if not form.is_valid():
            return self._page(request, user, form)
        try:
            codes = totp_enrolment_confirm(actor=user, code=form.cleaned_data["code"])
        except ApplicationError as exc:
            form.add_error("code", exc.message)
            return self._page(request, user, form)
        next_url = ""
        if not request.user.is_authenticated:
            next_url = _pending_next(request) or settings.LOGIN_REDIRECT_URL
            _finish(request, user, method="authenticator (enrolled)", next_url=next_url)
        return render(
            request,
            "practice/recovery_codes.html",
            {"codes": codes, "continue_url": next_url or reverse("practice:account")},
        )


@never_cache
def enrol_qr(request: HttpRequest) -> HttpResponse:
    """The QR code of the authenticator being set up, as an SVG image from this site."""
    user = _enrolling_user(request)
    device = (
        TotpDevice.objects.select_related("user__clinic")
        .filter(user=user, confirmed_at__isnull=True)
        .first()
        if user is not None
        else None
    )
    if device is None:
        return HttpResponse(status=404)
    buffer = BytesIO()
    segno.make(provisioning_uri(device), error="m").save(buffer, kind="svg", scale=5, border=2)
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
