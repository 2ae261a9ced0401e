"""Forms of the availability screens. They parse and check shape; services decide the rest."""

from __future__ import annotations

from datetime import timedelta

from django import forms

from medassist.availability.models import AvailabilityException, Weekday
from medassist.availability.selectors import TIMES_OF_DAY
from medassist.practice.selectors import location_list, provider_list, visit_type_list
from medassist.scheduling.forms import PublicIdChoiceField, sane_date
from medassist.scheduling.selectors import clinic_today

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M")
DATE_ERRORS = {"invalid": "Write the date as YYYY-MM-DD."}
TIME_ERRORS = {"invalid": "Write the time as HH:MM (24-hour), e.g. 08:30."}
SEARCH_DAYS = 14


def date_field(label: str = "", *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label or None,
        required=required,
        widget=DATE_WIDGET,
        input_formats=["%Y-%m-%d"],
        error_messages=DATE_ERRORS,
    )


def time_field(label: str = "", *, required: bool = True) -> forms.TimeField:
    return forms.TimeField(
        label=label or None,
        required=required,
        widget=TIME_WIDGET,
        input_formats=["%H:%M"],
        error_messages=TIME_ERRORS,
    )


class FindForm(forms.Form):
    """The search: ?visit_type=&provider=&location=&date_from=&date_to=&time_of_day=&patient=."""

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
        empty_label="Any provider",
        label_from=lambda p: p.display_name,
        error_messages={"invalid_choice": "There is no such provider in this clinic."},
    )
    location = PublicIdChoiceField(
        queryset=None,
        required=False,
        empty_label="Any location",
        error_messages={"invalid_choice": "There is no such location in this clinic."},
    )
    date_from = date_field("From")
    date_to = date_field("To")
    time_of_day = forms.ChoiceField(
        label="Time of day",
        required=False,
        choices=[("", "Any time")] + [(k, k.title()) for k in TIMES_OF_DAY],
        error_messages={"invalid_choice": "Choose morning, afternoon or evening."},
    )
    patient = forms.UUIDField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": "Choose a patient from the search results."},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visit_type"].queryset = visit_type_list(user=user)
        self.fields["provider"].queryset = provider_list(user=user)
        self.fields["location"].queryset = location_list(user=user)

    @staticmethod
    def defaults(clinic) -> dict:
        today = clinic_today(clinic)
        return {"date_from": today, "date_to": today + timedelta(days=SEARCH_DAYS)}

    def clean_date_from(self):
        return sane_date(self.cleaned_data.get("date_from"))

    def clean_date_to(self):
        return sane_date(self.cleaned_data.get("date_to"))


class SlotBookForm(forms.Form):
    """One chosen slot, posted from the results list."""

    visit_type = PublicIdChoiceField(queryset=None)
    provider = PublicIdChoiceField(queryset=None)
    location = PublicIdChoiceField(queryset=None)
    start = forms.DateTimeField(input_formats=["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%z"])
    patient = forms.UUIDField(
        error_messages={
            "required": "Choose a patient before booking.",
            "invalid": "Choose a patient from the search results.",
        }
    )
    note = forms.CharField(required=False, max_length=500)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visit_type"].queryset = visit_type_list(user=user)
        self.fields["provider"].queryset = provider_list(user=user)
        self.fields["location"].queryset = location_list(user=user)


class SessionForm(forms.Form):
    location = PublicIdChoiceField(
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": "There is no such location in this clinic."},
    )
    weekday = forms.TypedChoiceField(
        choices=Weekday.choices, coerce=int, error_messages={"invalid_choice": "Choose a weekday."}
    )
    start_time = time_field("Starts")
    end_time = time_field("Ends")
    effective_from = date_field("From date", required=False)
    effective_to = date_field("Until date", required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = location_list(user=user)

    def clean_effective_from(self):
        return sane_date(self.cleaned_data.get("effective_from"))

    def clean_effective_to(self):
        return sane_date(self.cleaned_data.get("effective_to"))


class ExceptionForm(forms.Form):
    kind = forms.ChoiceField(choices=AvailabilityException.Kind.choices)
    start_date = date_field("From")
    end_date = date_field("To", required=False)
    start_time = time_field("Starts", required=False)
    end_time = time_field("Ends", required=False)
    location = PublicIdChoiceField(
        queryset=None,
        required=False,
        empty_label="Any location",
        error_messages={"invalid_choice": "There is no such location in this clinic."},
    )
    reason = forms.CharField(required=False, max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = location_list(user=user)

    def clean_start_date(self):
        return sane_date(self.cleaned_data.get("start_date"))

    def clean_end_date(self):
        return sane_date(self.cleaned_data.get("end_date"))


class HolidayForm(forms.Form):
    date = date_field()
    name = forms.CharField(label="Reason", max_length=200)
    location = PublicIdChoiceField(
        queryset=None,
        required=False,
        empty_label="Whole clinic",
        error_messages={"invalid_choice": "There is no such location in this clinic."},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = location_list(user=user)

    def clean_date(self):
        return sane_date(self.cleaned_data.get("date"))
