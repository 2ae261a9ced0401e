"""Forms of the waitlist and recall screens: shape only; the services decide the rest."""

from __future__ import annotations

from django import forms

from medassist.core.forms import PublicIdChoiceField, sane_date
from medassist.practice.selectors import location_list, provider_list, visit_type_list
from medassist.waitlist.models import ContactAttempt, WaitlistEntry

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": "Write the date as YYYY-MM-DD."}


def _date(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DATE_WIDGET,
        input_formats=["%Y-%m-%d", "%m/%d/%Y"],
        error_messages={**DATE_ERRORS, "required": f"Choose the {label.lower()}."},
    )


class PatientPick(forms.Form):
    patient = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "Choose a patient: search by name, date of birth, MRN or phone.",
            "invalid": "Choose a patient from the search results.",
        },
    )


class EntryForm(PatientPick):
    visit_type = PublicIdChoiceField(
        queryset=None,
        empty_label="Choose a visit type",
        error_messages={
            "required": "Choose a visit type.",
            "invalid_choice": "That visit type is not offered here.",
        },
    )
    provider = PublicIdChoiceField(
        queryset=None,
        required=False,
        label_from=lambda p: p.display_name,
        empty_label="Any provider",
        error_messages={"invalid_choice": "There is no such provider in this clinic."},
    )
    location = PublicIdChoiceField(
        queryset=None,
        required=False,
        empty_label="Any location",
        error_messages={"invalid_choice": "There is no such location in this clinic."},
    )
    earliest_date = _date("Earliest date")
    latest_date = _date("Latest date")
    time_of_day = forms.ChoiceField(choices=WaitlistEntry.TimeOfDay.choices, initial="any")
    priority = forms.TypedChoiceField(
        choices=WaitlistEntry.Priority.choices, coerce=int, initial=WaitlistEntry.Priority.NORMAL
    )
    note = forms.CharField(max_length=300, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visit_type"].queryset = visit_type_list(user=user).filter(active=True)
        self.fields["provider"].queryset = provider_list(user=user)
        self.fields["location"].queryset = location_list(user=user)

    def clean_earliest_date(self):
        return sane_date(self.cleaned_data["earliest_date"])

    def clean_latest_date(self):
        return sane_date(self.cleaned_data["latest_date"])


class RecallForm(PatientPick):
    reason = forms.CharField(
        max_length=200, error_messages={"required": "Give the reason, e.g. annual physical."}
    )
    due_date = _date("Due date")

    def clean_due_date(self):
        return sane_date(self.cleaned_data["due_date"])


class ContactForm(forms.Form):
    channel = forms.ChoiceField(choices=ContactAttempt.Channel.choices)
    outcome = forms.ChoiceField(choices=ContactAttempt.Outcome.choices)
    note = forms.CharField(max_length=500, required=False)


class RemoveForm(forms.Form):
    reason = forms.CharField(max_length=200, required=False)
