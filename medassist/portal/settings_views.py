"""The clinic admin's online-booking settings, and the address patients sign in at."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from medassist.core.errors import ApplicationError
from medassist.core.web import StaffRequest, form_errors, staff_view
from medassist.portal.selectors import settings_for
from medassist.portal.services import portal_settings_update
from medassist.practice.models import VisitType


class PortalSettingsForm(forms.Form):
    enabled = forms.BooleanField(label="Patients may book, cancel and reschedule online",
                                 required=False)  # fmt: skip
    visit_types = forms.ModelMultipleChoiceField(
        queryset=VisitType.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Visit types patients may book themselves",
    )
    min_days_ahead = forms.IntegerField(
        label="Earliest day, in days from today", min_value=0, max_value=365,
        help_text="0 lets patients book for today.",
    )  # fmt: skip
    max_days_ahead = forms.IntegerField(
        label="Latest day, in days from today", min_value=0, max_value=730
    )
    link_valid_days = forms.IntegerField(
        label="A booking link the clinic sends stays valid for (days)", min_value=1, max_value=90
    )

    def __init__(self, *args, clinic, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visit_types"].queryset = VisitType.objects.filter(
            clinic=clinic, active=True
        ).order_by("name")


def sign_in_address(request, clinic) -> str:
    return request.build_absolute_uri(reverse("portal:sign_in", args=[clinic.public_id]))


@staff_view("practice.manage")
@require_http_methods(["GET", "POST"])
def portal_settings(request: StaffRequest) -> HttpResponse:
    clinic = request.user.clinic
    current = settings_for(clinic)
    initial = {
        "enabled": current.enabled,
        "visit_types": list(current.visit_types.all()) if current.pk else [],
        "min_days_ahead": current.min_days_ahead,
        "max_days_ahead": current.max_days_ahead,
        "link_valid_days": current.link_valid_days,
    }
    form = PortalSettingsForm(request.POST or None, initial=initial, clinic=clinic)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                portal_settings_update(actor=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, "Online booking settings saved.")
                return redirect("portal:settings")
        status = 422
    return render(
        request,
        "portal/settings.html",
        {"form": form, "sign_in_address": sign_in_address(request, clinic)},
        status=status,
    )
