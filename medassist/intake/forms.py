"""Forms of the rooming and vitals screens. Numbers are kept as typed: the vitals service
decides what is possible and says so per field, and the form shows what the person wrote."""

from __future__ import annotations

from django import forms

from medassist.core.errors import ApplicationError

# The vitals service names some errors by the stored (metric) field; the form by what was typed.
SERVICE_FIELD_TO_FORM = {
    "temperature_c": "temperature",
    "height_cm": "height",
    "weight_kg": "weight",
    "head_circumference_cm": "head_circumference",
}

VITAL_KEYS = (
    "bp_systolic",
    "bp_diastolic",
    "pulse",
    "respiratory_rate",
    "temperature",
    "temperature_unit",
    "spo2",
    "height",
    "height_unit",
    "weight",
    "weight_unit",
    "pain",
    "head_circumference",
)


def _number(label: str, *, decimal: bool = False, **attrs) -> forms.CharField:
    widget_attrs = {"inputmode": "decimal" if decimal else "numeric", "autocomplete": "off"}
    widget_attrs.update(attrs)
    return forms.CharField(
        label=label,
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs=widget_attrs),
        error_messages={"max_length": "That is too long for a reading."},
    )


class VitalsForm(forms.Form):
    bp_systolic = _number("BP systolic (mmHg)", size=4)
    bp_diastolic = _number("BP diastolic (mmHg)", size=4)
    pulse = _number("Pulse (/min)", size=4)
    respiratory_rate = _number("Respiration (/min)", size=4)
    temperature = _number("Temperature", decimal=True, size=5)
    temperature_unit = forms.ChoiceField(
        label="Temperature unit",
        choices=[("F", "°F"), ("C", "°C")],
        initial="F",
        required=False,
        error_messages={"invalid_choice": "Temperature unit must be C or F."},
    )
    spo2 = _number("SpO2 (%)", size=4)
    height = _number("Height", decimal=True, size=5)
    height_unit = forms.ChoiceField(
        label="Height unit",
        choices=[("in", "in"), ("cm", "cm")],
        initial="in",
        required=False,
        error_messages={"invalid_choice": "Height unit must be cm or in."},
    )
    weight = _number("Weight", decimal=True, size=5)
    weight_unit = forms.ChoiceField(
        label="Weight unit",
        choices=[("lb", "lb"), ("kg", "kg")],
        initial="lb",
        required=False,
        error_messages={"invalid_choice": "Weight unit must be kg or lb."},
    )
    pain = _number("Pain (0–10)", size=3)
    head_circumference = _number("Head circumference (cm)", decimal=True, size=5)

    def vitals(self) -> dict:
        """The readings as keyword arguments of intake.vitals.normalize (units included; a
        missing unit means the form's default: °F, inches, pounds)."""
        values = {key: self.cleaned_data.get(key) for key in VITAL_KEYS}
        for key in ("temperature_unit", "height_unit", "weight_unit"):
            values[key] = values[key] or self.fields[key].initial
        return values

    def has_any_reading(self) -> bool:
        return any(
            (self.cleaned_data.get(k) or "").strip() for k in VITAL_KEYS if not k.endswith("_unit")
        )

    def attach(self, exc: ApplicationError) -> None:
        """Show a service's refusal next to the fields it names (metric names mapped back)."""
        errors = exc.errors or {exc.field or "__all__": [exc.message]}
        for field, messages in errors.items():
            name = SERVICE_FIELD_TO_FORM.get(field, field)
            target = name if name in self.fields else None
            for message in messages:
                self.add_error(target, message)


class RoomingForm(VitalsForm):
    room = forms.UUIDField(
        label="Room",
        widget=forms.Select,
        error_messages={"required": "Choose a room.", "invalid": "Choose a room from the list."},
    )
    reason_for_visit = forms.CharField(
        label="Reason for visit, in the patient's own words",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Write the reason for the visit in the patient's own words.",
            "max_length": "Reason for visit is limited to 2,000 characters.",
        },
    )

    field_order = ["room", "reason_for_visit"]

    def __init__(self, *args, rooms=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "Choose a free room")]
        choices += [(str(r.public_id), r.name) for r in rooms]
        self.fields["room"].widget.choices = choices
