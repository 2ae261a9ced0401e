"""A staff member's own account: two-step sign-in (set up, new recovery codes, turn off where
optional) and their password; and the page a reset link opens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from medassist.core.errors import ApplicationError
from medassist.core.web import StaffRequest, error_page, form_errors, staff_view
from medassist.practice.forms import PasswordChangeForm, SetPasswordForm
from medassist.practice.roles import two_step_required
from medassist.practice.services.passwords import (
    password_change,
    password_reset_complete,
    reset_link_user,
)
from medassist.practice.services.two_step import (
    recovery_codes_left,
    recovery_codes_renew,
    two_step_enrolled,
    two_step_turn_off,
)


@staff_view("account.own")
def account(request: StaffRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "practice/account.html",
        {
            "enrolled": two_step_enrolled(user),
            "required": two_step_required(user),
            "codes_left": recovery_codes_left(user),
        },
    )


@staff_view("account.own")
@require_POST
def renew_recovery_codes(request: StaffRequest) -> HttpResponse:
    try:
        codes = recovery_codes_renew(actor=request.user)
    except ApplicationError as exc:
        return error_page(request, exc)
    return render(
        request, "practice/recovery_codes.html", {"codes": codes, "continue_url": "/account/"}
    )


@staff_view("account.own")
@require_POST
def turn_off_two_step(request: StaffRequest) -> HttpResponse:
    try:
        two_step_turn_off(actor=request.user)
    except ApplicationError as exc:
        return error_page(request, exc)
    messages.success(request, "Two-step sign-in is off for your account.")
    return redirect("practice:account")


@staff_view("account.own")
def change_password(request: StaffRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            password_change(
                actor=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
            )
        except ApplicationError as exc:
            form_errors(form, _on_form(exc, "new_password1"))
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, "Your password is changed.")
            return redirect("practice:account")
    status = 422 if request.method == "POST" else 200
    return render(request, "practice/password_change.html", {"form": form}, status=status)


def _on_form(exc: ApplicationError, field: str) -> ApplicationError:
    """The password validators' messages belong under the new password's field."""
    if "password" in exc.errors:
        exc.errors = {field: exc.errors["password"]}
    return exc


def reset_password(request: HttpRequest, user_id: str, token: str) -> HttpResponse:
    """Set a new password through a one-time link from a clinic admin (no sign-in needed)."""
    try:
        user = reset_link_user(user_id=user_id, token=token)
    except ApplicationError as exc:
        return error_page(request, exc)
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            password_reset_complete(
                user_id=user_id, token=token, password=form.cleaned_data["new_password1"]
            )
        except ApplicationError as exc:
            form_errors(form, _on_form(exc, "new_password1"))
        else:
            messages.success(request, "Your new password is set. Sign in with it.")
            return redirect("login")
    status = 422 if request.method == "POST" else 200
    return render(
        request, "practice/password_reset.html", {"form": form, "person": user}, status=status
    )
