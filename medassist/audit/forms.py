"""The audit report's filters. Sent by POST, so a patient's name or MRN never sits in a URL
(nor in a server log or the browser's history)."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib.auth import get_user_model

from medassist.audit.models import AuditEvent


class ReportFilter(forms.Form):
    patient = forms.CharField(
        required=False,
        max_length=100,
        label="Patient",
        help_text="Name (“reyes, jo” or “jo reyes”) or MRN.",
    )
    user = forms.ChoiceField(required=False, label="User")
    action = forms.ChoiceField(
        required=False, label="Action", choices=[("", "Any"), *AuditEvent.Action.choices]
    )
    since = forms.DateTimeField(
        required=False,
        label="From",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    until = forms.DateTimeField(
        required=False,
        label="Until",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)  # pager

    def __init__(self, *args, clinic_id: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        staff = (
            get_user_model()
            ._default_manager.filter(clinic_id=clinic_id)
            .order_by("last_name", "first_name", "username")
            .values_list("username", "first_name", "last_name")
        )
        cast(forms.ChoiceField, self.fields["user"]).choices = [("", "Anyone")] + [
            (username, f"{last}, {first} ({username})" if last else username)
            for username, first, last in staff
        ]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until <= since:
            self.add_error("until", "“Until” must be after “From”.")
        return cleaned

    def filters(self) -> dict:
        """The filters as the selector takes them (times in the clinic's zone, which the
        request has activated)."""
        data = self.cleaned_data
        return {
            "patient": data.get("patient") or "",
            "username": data.get("user") or "",
            "action": data.get("action") or "",
            "since": data.get("since"),
            "until": data.get("until"),
        }
