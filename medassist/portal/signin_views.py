"""The portal's start page: a patient asks for a sign-in code, enters it, and gets a short
patient session (a signed cookie, separate from staff sessions) that opens their page."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_http_methods, require_POST

from medassist.core.errors import ApplicationError, NotFound
from medassist.core.middleware import client_address
from medassist.core.web import clinic_zone
from medassist.portal.signin import (
    SESSION_COOKIE,
    SESSION_MINUTES,
    patient_from_session,
    session_value,
    signin_code_check,
    signin_code_request,
)
from medassist.portal.views import _page, patient_page
from medassist.practice.models import Clinic


class AskForm(forms.Form):
    first_name = forms.CharField(max_length=100)
    last_name = forms.CharField(max_length=100)
    date_of_birth = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "Write the date as YYYY-MM-DD."},
    )
    contact = forms.CharField(max_length=200, label="Mobile number or e-mail")


class CodeForm(forms.Form):
    contact = forms.CharField(max_length=200, widget=forms.HiddenInput)
    code = forms.CharField(max_length=12, label="6-digit code")


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest, clinic: str) -> HttpResponse:
    """Step 1: name, date of birth and contact; the same answer whether or not one matched."""
    place = get_object_or_404(Clinic, public_id=clinic)
    clinic_zone(place)
    context: dict = {"clinic": place, "form": AskForm(), "code_form": None}
    status = 200
    if request.method == "POST":
        form = AskForm(request.POST)
        context["form"] = form
        if form.is_valid():
            try:
                context["sent"] = signin_code_request(
                    clinic=place, client_address=client_address(request), **form.cleaned_data
                )
            except NotFound as exc:
                context["error"], status = exc.message, 404
            except ApplicationError as exc:
                context["error"], status = exc.message, exc.status
            else:
                context["code_form"] = CodeForm(initial={"contact": form.cleaned_data["contact"]})
        else:
            status = 422
    return _page(request, "portal/sign_in.html", context, status=status)


@require_POST
def sign_in_code(request: HttpRequest, clinic: str) -> HttpResponse:
    """Step 2: the code opens a patient session and the patient's page."""
    place = get_object_or_404(Clinic, public_id=clinic)
    clinic_zone(place)
    form = CodeForm(request.POST)
    context: dict = {"clinic": place, "form": AskForm(), "code_form": form}
    if form.is_valid():
        try:
            patient = signin_code_check(clinic=place, **form.cleaned_data)
        except ApplicationError as exc:
            context["error"] = exc.message
        else:
            response = redirect("portal:me")
            response.set_cookie(
                SESSION_COOKIE,
                session_value(patient),
                max_age=SESSION_MINUTES * 60,
                httponly=True,
                samesite="Strict",
                secure=settings.SESSION_COOKIE_SECURE,
                path="/",  # the patient's pages live under several apps (refills, forms, chat)
            )
            return response
    return _page(request, "portal/sign_in.html", context, status=422)


@require_http_methods(["GET", "POST"])
def me(request: HttpRequest) -> HttpResponse:
    """The signed-in patient's page (the one their booking link opens)."""
    try:
        patient = patient_from_session(request.COOKIES.get(SESSION_COOKIE))
    except NotFound as exc:
        return _page(request, "portal/book.html", {"invalid": exc.message}, status=404)
    return patient_page(request, patient)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    response = _page(request, "portal/book.html", {"invalid": "You are signed out."})
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# Declared for the URL-protection test: patients, not staff, use these pages.
sign_in.permission = "patient: none (asks for a code)"  # type: ignore[attr-defined]
sign_in_code.permission = "patient: the code sent to them"  # type: ignore[attr-defined]
me.permission = "patient session cookie"  # type: ignore[attr-defined]
sign_out.permission = "patient session cookie"  # type: ignore[attr-defined]
