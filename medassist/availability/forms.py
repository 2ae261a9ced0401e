"""Forms of the availability screens. They parse and check shape; services decide the rest."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django import forms
from django.db.models import Q

from medassist.availability.models import (
    AvailabilityException,
    ResourceKind,
    VisitTypeRule,
    Weekday,
)
from medassist.availability.selectors import TIMES_OF_DAY
from medassist.core.forms import PublicIdChoiceField, sane_date
from medassist.practice.models import Provider
from medassist.practice.selectors import (
    location_list,
    provider_list,
    room_list,
    visit_type_list,
)
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


# ---------------------------------------------------------------------------- resources, rules

NAME_ERRORS = {
    "required": "Give it a name.",
    "max_length": "Names are limited to 100 characters.",
}


class PublicIdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Check boxes of clinic-scoped objects addressed by their public UUID."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, queryset=None, *, label_from=None, what: str, **kwargs):
        kwargs.setdefault("to_field_name", "public_id")
        kwargs.setdefault("required", False)
        message = f"There is no such {what} in this clinic."
        kwargs.setdefault(
            "error_messages",
            {"invalid_choice": message, "invalid_pk_value": message, "invalid_list": message},
        )
        super().__init__(queryset, **kwargs)
        self._label_from = label_from

    def label_from_instance(self, obj) -> str:
        return self._label_from(obj) if self._label_from else str(obj)

    def clean(self, value):
        # A malformed UUID is simply "not one of the choices", never a server error.
        for item in value if isinstance(value, list | tuple) else ():
            try:
                uuid.UUID(str(item))
            except ValueError as exc:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice"
                ) from exc
        return super().clean(value)


def _kinds(user):
    return ResourceKind.objects.filter(clinic_id=user.clinic_id).order_by("name")


def _room_label(room) -> str:
    return f"{room.name} ({room.location.name})"


class ResourceKindForm(forms.Form):
    name = forms.CharField(label="Kind", max_length=100, error_messages=NAME_ERRORS)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_kind_%s")  # shares a page with ResourceForm
        super().__init__(*args, **kwargs)


class ResourceForm(forms.Form):
    kind = PublicIdChoiceField(
        queryset=None,
        empty_label="Choose a kind",
        error_messages={
            "required": "Choose a kind.",
            "invalid_choice": "There is no such kind in this clinic.",
        },
    )
    location = PublicIdChoiceField(
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": "There is no such location in this clinic."},
    )
    room = PublicIdChoiceField(
        queryset=None,
        required=False,
        empty_label="No room (equipment)",
        label_from=_room_label,
        error_messages={"invalid_choice": "There is no such room in this clinic."},
    )
    name = forms.CharField(max_length=100, error_messages=NAME_ERRORS)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = _kinds(user)
        self.fields["location"].queryset = location_list(user=user)
        self.fields["room"].queryset = room_list(user=user).order_by("location__name", "name")


class ResourceEditForm(forms.Form):
    """Rename a resource, or change the room it is (rooms of its own location)."""

    name = forms.CharField(max_length=100, error_messages=NAME_ERRORS)
    room = PublicIdChoiceField(
        queryset=None,
        required=False,
        empty_label="No room (equipment)",
        label_from=_room_label,
        error_messages={"invalid_choice": "There is no such room in this clinic."},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = room_list(user=user)


def provider_label(provider) -> str:
    return (
        provider.display_name if provider.active else f"{provider.display_name} (no longer active)"
    )


def age_field(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=130,
        error_messages={
            "invalid": "Give the age as a whole number of years.",
            "min_value": "Give an age from 0 to 130 years.",
            "max_value": "Give an age from 0 to 130 years.",
        },
    )


class ProviderAgeForm(forms.Form):
    """The ages a provider sees; prefixed with the provider's public id, one form per row."""

    min_age = age_field("Sees patients from age (years)")
    max_age = age_field("Sees patients under age (years)")


class VisitTypeRuleForm(forms.Form):
    """A visit type's rule; prefixed with the visit type's code, one form per row."""

    providers = PublicIdMultipleChoiceField(
        label="Offered by (none ticked: every provider)",
        label_from=lambda p: provider_label(p),
        what="provider",
    )
    patients = forms.ChoiceField(
        label="Patients",
        choices=VisitTypeRule.Patients.choices,
        error_messages={
            "required": "Choose which patients.",
            "invalid_choice": "Choose new patients, established patients, or both.",
        },
    )
    required_kinds = PublicIdMultipleChoiceField(
        label="Needs one of each (rooms, equipment)", what="resource kind"
    )
    min_age = age_field("Ages from (years)")
    max_age = age_field("Ages under (years)")

    def __init__(self, *args, user, keep_providers=(), **kwargs):
        """`keep_providers`: ids of providers already on the rule; they stay choices (marked
        "no longer active") so saving the form never drops them silently."""
        super().__init__(*args, **kwargs)
        self.fields["providers"].queryset = Provider.objects.filter(
            Q(pk__in=provider_list(user=user).values("pk")) | Q(pk__in=list(keep_providers)),
            clinic_id=user.clinic_id,
        ).order_by("last_name", "first_name")
        self.fields["required_kinds"].queryset = _kinds(user)

    @classmethod
    def for_row(cls, row, *, user, data=None, choices=None):
        """The form of one visit type's row. `choices` (field -> [(public id, label)]), read
        once for the page, saves each row's check boxes a query; checking still uses the
        clinic-scoped querysets."""
        initial = {
            "providers": [str(p.public_id) for p in row.providers],
            "patients": row.rule.patients if row.rule else VisitTypeRule.Patients.ANY,
            "required_kinds": [str(k.public_id) for k in row.kinds],
            "min_age": row.rule.min_age if row.rule else None,
            "max_age": row.rule.max_age if row.rule else None,
        }
        form = cls(data, user=user, prefix=row.visit_type.code, initial=initial)
        for name, options in (choices or {}).items():
            form.fields[name].choices = options
        gone = [p for p in row.providers if not p.active]
        if gone and choices:
            form.fields["providers"].choices = [
                *choices["providers"],
                *((str(p.public_id), provider_label(p)) for p in gone),
            ]
        return form

    @staticmethod
    def choices(user) -> dict:
        form = VisitTypeRuleForm(user=user)
        out = {}
        for name in ("providers", "required_kinds"):
            field = form.fields[name]
            assert isinstance(field, PublicIdMultipleChoiceField) and field.queryset is not None
            out[name] = [(str(o.public_id), field.label_from_instance(o)) for o in field.queryset]
        return out
