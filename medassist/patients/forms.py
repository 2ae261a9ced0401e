"""Forms for the patient screens. They only parse input; the services validate and save."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone

from medassist.core.errors import ValidationFailed
from medassist.core.normalize import phone_display, phone_e164, us_state
from medassist.patients.models import Coverage, Patient
from medassist.patients.services import PATIENT_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_FORMATS = ["%Y-%m-%d", "%m/%d/%Y", "%m-%d-%Y"]
PHONE_ATTRS = {"type": "tel", "autocomplete": "tel", "inputmode": "tel"}


def _phone(label: str) -> forms.CharField:
    # Phones are validated and normalized by the service (one set of rules for UI and API).
    return forms.CharField(
        label=label,
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs=PHONE_ATTRS),
        help_text="e.g. (518) 555-0142",
    )


class PatientForm(forms.Form):
    """Demographics, contact, address and emergency contact."""

    first_name = forms.CharField(max_length=100, widget=forms.TextInput({"autocomplete": "off"}))
    middle_name = forms.CharField(max_length=100, required=False)
    last_name = forms.CharField(max_length=100, widget=forms.TextInput({"autocomplete": "off"}))
    preferred_name = forms.CharField(max_length=100, required=False)
    date_of_birth = forms.DateField(
        widget=DATE,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": "Enter the date of birth as YYYY-MM-DD (or MM/DD/YYYY)."},
    )
    sex = forms.ChoiceField(
        label="Sex assigned at birth", choices=[("", "Choose…"), *Patient.Sex.choices]
    )
    phone_mobile = _phone("Mobile phone")
    phone_home = _phone("Home phone")
    email = forms.EmailField(required=False, widget=forms.EmailInput({"autocomplete": "off"}))
    preferred_language = forms.CharField(max_length=40, initial="English")
    address_line1 = forms.CharField(label="Address", max_length=200, required=False)
    address_line2 = forms.CharField(label="Address line 2", max_length=200, required=False)
    city = forms.CharField(max_length=100, required=False)
    # No maxlength on the box: a browser would silently cut "New York" to "Ne" and send it.
    state = forms.CharField(max_length=100, required=False, help_text="Two letters, e.g. NY")
    postal_code = forms.RegexField(
        label="ZIP code",
        regex=r"^\d{5}(-\d{4})?$",
        required=False,
        error_messages={"invalid": "Enter a 5-digit ZIP code (or ZIP+4, 12345-6789)."},
    )
    emergency_contact_name = forms.CharField(label="Name", max_length=200, required=False)
    emergency_contact_relationship = forms.CharField(
        label="Relationship", max_length=60, required=False
    )
    emergency_contact_phone = _phone("Phone")

    def clean_state(self) -> str:
        value = " ".join(self.cleaned_data.get("state", "").split())
        if len(value) > 2:
            raise forms.ValidationError(
                f"Ensure this value has at most 2 characters (it has {len(value)}): use the "
                "two-letter state code, e.g. NY."
            )
        try:
            return us_state(value)
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.message) from exc

    def clean(self):
        """Every phone is checked here too, so all problems show in one round (the service
        checks and normalizes them again, for the API)."""
        cleaned = super().clean()
        for name in ("phone_mobile", "phone_home", "emergency_contact_phone"):
            try:
                phone_e164(cleaned.get(name, ""), field=name)
            except ValidationFailed as exc:
                self.add_error(name, exc.message)
        return cleaned

    def clean_date_of_birth(self) -> date:
        dob = self.cleaned_data["date_of_birth"]
        if dob > timezone.localdate():
            # The service checks this too (in the clinic's day); this gives the message early.
            raise forms.ValidationError("Date of birth cannot be in the future.")
        return dob

    def patient_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in PATIENT_FIELDS}

    @classmethod
    def initial_for(cls, patient: Patient) -> dict:
        initial = {name: getattr(patient, name) for name in PATIENT_FIELDS}
        for name in ("phone_mobile", "phone_home", "emergency_contact_phone"):
            initial[name] = phone_display(initial[name])
        return initial

    # Groups of fields as the screens show them.
    demographics = (
        "first_name",
        "middle_name",
        "last_name",
        "preferred_name",
        "date_of_birth",
        "sex",
        "preferred_language",
    )
    contact = ("phone_mobile", "phone_home", "email")
    address = ("address_line1", "address_line2", "city", "state", "postal_code")
    emergency = (
        "emergency_contact_name",
        "emergency_contact_relationship",
        "emergency_contact_phone",
    )

    def group(self, names):
        return [self[name] for name in names]

    @property
    def demographics_fields(self):
        return self.group(self.demographics)

    @property
    def contact_fields(self):
        return self.group(self.contact)

    @property
    def address_fields(self):
        return self.group(self.address)

    @property
    def emergency_fields(self):
        return self.group(self.emergency)


COVERAGE_FIELDS = (
    "payer",
    "member_id",
    "group_number",
    "subscriber_name",
    "subscriber_date_of_birth",
    "relationship",
    "copay",
)


class CoverageFields(forms.Form):
    """An insurance policy. Used alone (add coverage) and inside registration (optional)."""

    payer = forms.ChoiceField(choices=())
    member_id = forms.CharField(label="Member id", max_length=40)
    group_number = forms.CharField(label="Group number", max_length=40, required=False)
    subscriber_name = forms.CharField(
        max_length=200, required=False, help_text="Leave blank when the patient is the subscriber."
    )
    subscriber_date_of_birth = forms.DateField(
        label="Subscriber date of birth",
        required=False,
        widget=DATE,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": "Enter the date as YYYY-MM-DD (or MM/DD/YYYY)."},
    )
    relationship = forms.ChoiceField(
        label="Patient's relationship to subscriber",
        choices=Coverage.Relationship.choices,
        initial=Coverage.Relationship.SELF,
    )
    copay = forms.DecimalField(
        required=False,
        min_value=0,
        max_value=10000,
        max_digits=8,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "0.00"}),
        error_messages={
            "invalid": "Copay must be an amount like 25.00.",
            "min_value": "Copay cannot be negative.",
            "max_value": "Copay must be at most 10,000.",
            "max_decimal_places": "Copay has at most two decimal places (cents).",
        },
    )

    def __init__(self, *args, payers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payer"].choices = [("", "Choose the insurer…")] + [
            (str(p.public_id), p.name) for p in payers
        ]

    def coverage_values(self) -> dict:
        data = self.cleaned_data
        return {
            "payer": data["payer"],
            "member_id": data["member_id"],
            "group_number": data["group_number"],
            "subscriber_name": data["subscriber_name"],
            "subscriber_date_of_birth": data["subscriber_date_of_birth"],
            "relationship": data["relationship"] or Coverage.Relationship.SELF,
            "copay": data["copay"],
        }

    @property
    def coverage_fields(self):
        return [self[name] for name in COVERAGE_FIELDS]


class CoverageForm(CoverageFields):
    priority = forms.TypedChoiceField(
        choices=Coverage.Priority.choices, coerce=int, initial=Coverage.Priority.PRIMARY
    )

    def coverage_values(self) -> dict:
        return {**super().coverage_values(), "priority": self.cleaned_data["priority"]}

    @property
    def coverage_fields(self):
        return [*super().coverage_fields, self["priority"]]


class RegistrationForm(PatientForm, CoverageFields):
    """Everything the desk collects for a new patient, in one form. Insurance is optional:
    leave the insurer and member id blank for a self-pay patient."""

    allow_duplicate = forms.BooleanField(
        label="This is a different person (I checked the charts listed above)", required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payer"].required = False
        self.fields["member_id"].required = False
        self.fields["relationship"].required = False
        self.fields["payer"].choices = [("", "No insurance / self-pay")] + list(
            self.fields["payer"].choices
        )[1:]

    def has_coverage(self) -> bool:
        data = self.cleaned_data
        return any(
            data.get(name) not in (None, "")
            for name in ("payer", "member_id", "group_number", "subscriber_name", "copay")
        )

    def clean(self):
        data = super().clean()
        if self.has_coverage():
            if not data.get("payer") and "payer" not in self.errors:
                self.add_error("payer", "Choose the insurer, or clear the insurance fields.")
            if not data.get("member_id") and "member_id" not in self.errors:
                self.add_error("member_id", "Member id is required for insurance.")
        return data


class EmergencyAccessForm(forms.Form):
    reason = forms.CharField(
        label="Why do you need emergency access?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A clinic admin reviews every emergency access.",
    )
