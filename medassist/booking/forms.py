"""Forms of the schedule screens. They parse and check shape; the services decide the rest."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from django import forms

from medassist.core.forms import PublicIdChoiceField, sane_date
from medassist.practice.selectors import location_list, provider_list, visit_type_list


class DayForm(forms.Form):
    """The day view's filters, all kept in the URL: ?date=&provider=&location=."""

    date = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "Write the date as YYYY-MM-DD."},
    )
    provider = PublicIdChoiceField(
        queryset=None,
        required=False,
        empty_label="All providers",
        label_from=lambda p: p.display_name,
        error_messages={"invalid_choice": "There is no such provider in this clinic."},
    )
    location = PublicIdChoiceField(
        queryset=None,
        required=False,
        empty_label="All locations",
        error_messages={"invalid_choice": "There is no such location in this clinic."},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = provider_list(user=user, active_only=False)
        self.fields["location"].queryset = location_list(user=user)

    def clean_date(self):
        return sane_date(self.cleaned_data.get("date"))

    def value(self, name: str):
        """The cleaned value of a filter, or None when it was absent or invalid."""
        self.is_valid()
        return self.cleaned_data.get(name)


class BookForm(forms.Form):
    patient = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "Choose a patient: search by name, date of birth, MRN or phone.",
            "invalid": "Choose a patient from the search results.",
        },
    )
    provider = PublicIdChoiceField(
        queryset=None,
        label_from=lambda p: p.display_name,
        empty_label="Choose a provider",
        error_messages={
            "required": "Choose a provider.",
            "invalid_choice": "That provider is not taking appointments here.",
        },
    )
    visit_type = PublicIdChoiceField(
        queryset=None,
        empty_label="Choose a visit type",
        error_messages={
            "required": "Choose a visit type.",
            "invalid_choice": "That visit type is not offered here.",
        },
    )
    location = PublicIdChoiceField(
        queryset=None,
        empty_label=None,
        error_messages={
            "required": "Choose a location.",
            "invalid_choice": "There is no such location in this clinic.",
        },
    )
    date = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%m/%d/%Y"],
        error_messages={
            "required": "Choose the date of the visit.",
            "invalid": "Write the date as YYYY-MM-DD.",
        },
    )
    time = forms.TimeField(
        widget=forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M"),
        input_formats=["%H:%M", "%H:%M:%S", "%I:%M %p", "%I:%M%p"],
        error_messages={
            "required": "Choose the start time.",
            "invalid": "Write the time as HH:MM (24-hour), e.g. 09:30.",
        },
    )
    note = forms.CharField(
        label="Booking note",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "Booking note is limited to 500 characters."},
    )

    outside_hours = forms.BooleanField(
        required=False, label="Book outside working hours (your role allows it)"
    )
    override_reason = forms.CharField(
        label="Why outside hours",
        required=False,
        max_length=500,
        widget=forms.TextInput(),
        error_messages={"max_length": "The reason is limited to 500 characters."},
    )

    repeat_weeks = forms.TypedChoiceField(
        label="Repeat",
        required=False,
        coerce=int,
        empty_value=0,  # type: ignore[arg-type]  # Django takes any value; the stubs say str
        choices=[
            (0, "Does not repeat"),
            (1, "Every week"),
            (2, "Every 2 weeks"),
            (3, "Every 3 weeks"),
            (4, "Every 4 weeks"),
        ],
    )
    repeat_count = forms.IntegerField(
        label="Number of visits",
        required=False,
        min_value=2,
        max_value=104,
        error_messages={
            "min_value": "A series has at least 2 visits.",
            "max_value": "A series has at most 104 visits.",
            "invalid": "Write the number of visits, e.g. 6.",
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = provider_list(user=user)
        self.fields["visit_type"].queryset = visit_type_list(user=user)
        self.fields["location"].queryset = location_list(user=user)

    def clean(self):
        data = super().clean()
        if data.get("repeat_weeks") and not data.get("repeat_count"):
            self.add_error("repeat_count", "How many visits in the series?")
        return data

    def clean_date(self):
        return sane_date(self.cleaned_data.get("date"))

    def start_in(self, tz) -> datetime:
        """The chosen clinic-local date and time as an aware datetime (DST-correct)."""
        local = datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"], tzinfo=tz)
        return local


def local_time_exists(moment: datetime) -> bool:
    """False for a wall-clock time a DST change skips (e.g. 02:30 on the spring-forward day)."""
    round_trip = moment.astimezone(UTC).astimezone(moment.tzinfo)
    return round_trip.replace(tzinfo=None) == moment.replace(tzinfo=None)


def parse_start_param(raw: str, tz) -> tuple[date, time] | None:
    """The booking link's ?start= (ISO, clinic-local or with an offset) as local date and time."""
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw.strip().replace(" ", "+"))
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(tz)
    return moment.date(), moment.time().replace(second=0, microsecond=0)


class CancelForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": "Give a reason for cancelling.",
            "max_length": "The reason is limited to 500 characters.",
        },
    )


class CalendarForm(forms.Form):
    """The calendar's state, all in the URL: ?view=day|week&date=&provider=&room=&move=."""

    view = forms.ChoiceField(
        required=False, choices=[("day", "Day"), ("week", "Week")], initial="day"
    )
    date = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "Write the date as YYYY-MM-DD."},
    )
    provider = PublicIdChoiceField(
        queryset=None,
        required=False,
        empty_label="All providers",
        label_from=lambda p: p.display_name,
        error_messages={"invalid_choice": "There is no such provider in this clinic."},
    )
    room = PublicIdChoiceField(
        queryset=None,
        required=False,
        empty_label="By provider",
        label_from=lambda r: f"{r.name} ({r.location.name})",
        error_messages={"invalid_choice": "There is no such room in this clinic."},
    )

    def __init__(self, *args, user, **kwargs):
        from medassist.practice.selectors import room_list

        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = provider_list(user=user, active_only=False)
        self.fields["room"].queryset = room_list(user=user)

    def clean_date(self):
        return sane_date(self.cleaned_data.get("date"))

    def value(self, name: str):
        self.is_valid()
        return self.cleaned_data.get(name)


class MoveForm(forms.Form):
    """Move a booked visit: a new date and time, optionally another provider."""

    date = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%m/%d/%Y"],
        error_messages={
            "required": "Choose the new date.",
            "invalid": "Write the date as YYYY-MM-DD.",
        },
    )
    time = forms.TimeField(
        widget=forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M"),
        input_formats=["%H:%M", "%H:%M:%S", "%I:%M %p", "%I:%M%p"],
        error_messages={
            "required": "Choose the new start time.",
            "invalid": "Write the time as HH:MM (24-hour), e.g. 09:30.",
        },
    )
    provider = PublicIdChoiceField(
        queryset=None,
        required=False,
        label_from=lambda p: p.display_name,
        empty_label="Same provider",
        error_messages={"invalid_choice": "That provider is not taking appointments here."},
    )
    reason = forms.CharField(
        required=False,
        max_length=500,
        widget=forms.TextInput(),
        error_messages={"max_length": "The reason is limited to 500 characters."},
    )
    outside_hours = forms.BooleanField(required=False)
    scope = forms.ChoiceField(
        required=False,
        choices=[
            ("this", "This visit only"),
            ("following", "This and following visits"),
            ("all", "All visits of the series"),
        ],
        initial="this",
    )
    double_book = forms.BooleanField(required=False, label="Double-book if the time is taken")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = provider_list(user=user)

    def clean_date(self):
        return sane_date(self.cleaned_data.get("date"))

    def start_in(self, tz) -> datetime:
        return datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"], tzinfo=tz)
