"""Forms for the chart screens. They only parse input; the services validate and save."""

from __future__ import annotations

from typing import Any

from django import forms

from medassist.records.codes import cvx_choices
from medassist.records.models import (
    Allergy,
    Document,
    Encounter,
    HistoryEntry,
    Immunization,
    MedicationStatement,
    Note,
    Problem,
    SmokingStatus,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _blank(choices, label="—"):
    return [("", label), *choices]


class ProblemForm(forms.Form):
    code = forms.CharField(
        label="ICD-10-CM code",
        max_length=10,
        help_text="A billable code, e.g. I10 or E11.9. Type a word to search.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": "Choose an ICD-10-CM code: type a code or words, then pick."},
    )
    display = forms.CharField(
        label="Description", max_length=300, required=False, help_text="Blank: the official one."
    )
    clinical_status = forms.ChoiceField(
        choices=Problem.ClinicalStatus.choices, initial="active", label="Status"
    )
    verification_status = forms.ChoiceField(
        label="Verification",
        choices=[c for c in Problem.Verification.choices if c[0] != "entered-in-error"],
        initial="confirmed",
    )
    onset_date = forms.DateField(required=False, widget=DATE, label="Onset")
    abatement_date = forms.DateField(required=False, widget=DATE, label="Resolved on")
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AllergyForm(forms.Form):
    substance = forms.CharField(max_length=300)
    category = forms.ChoiceField(choices=_blank(Allergy.Category.choices), required=False)
    reaction = forms.CharField(max_length=300, required=False, help_text="e.g. hives, wheeze")
    severity = forms.ChoiceField(choices=_blank(Allergy.Severity.choices), required=False)
    criticality = forms.ChoiceField(choices=_blank(Allergy.Criticality.choices), required=False)
    status = forms.ChoiceField(
        choices=[c for c in Allergy.Status.choices if c[0] != "entered-in-error"], initial="active"
    )
    onset_date = forms.DateField(required=False, widget=DATE, label="Onset")
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MedicationForm(forms.Form):
    drug_name = forms.CharField(max_length=300, label="Drug name")
    code = forms.CharField(
        max_length=12, required=False, label="RxNorm code", help_text="Optional, digits only"
    )
    strength = forms.CharField(max_length=100, required=False, help_text="e.g. 10 mg")
    dose = forms.CharField(max_length=100, required=False, help_text="e.g. 1 tablet")
    route = forms.CharField(max_length=60, required=False, help_text="e.g. oral")
    frequency = forms.CharField(max_length=100, required=False, help_text="e.g. once daily")
    prescriber: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="—"
    )
    prescriber_text = forms.CharField(max_length=200, required=False, label="Outside prescriber")
    start_date = forms.DateField(required=False, widget=DATE, label="Start")
    stop_date = forms.DateField(required=False, widget=DATE, label="Stop")
    status = forms.ChoiceField(
        choices=[c for c in MedicationStatement.Status.choices if c[0] != "entered-in-error"],
        initial="active",
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, providers=None, **kwargs):
        super().__init__(*args, **kwargs)
        field: Any = self.fields["prescriber"]
        field.queryset = providers
        field.to_field_name = "public_id"


class ImmunizationForm(forms.Form):
    cvx_code = forms.ChoiceField(label="Vaccine (CVX)")
    occurrence_date = forms.DateField(widget=DATE, label="Date given")
    lot_number = forms.CharField(max_length=40, required=False, label="Lot")
    expiration_date = forms.DateField(required=False, widget=DATE, label="Lot expires")
    manufacturer = forms.CharField(max_length=100, required=False)
    site = forms.CharField(max_length=60, required=False, help_text="e.g. left deltoid")
    route = forms.CharField(max_length=60, required=False, help_text="e.g. IM")
    dose_quantity = forms.CharField(max_length=40, required=False, label="Dose", initial="0.5 mL")
    performer_text = forms.CharField(max_length=200, required=False, label="Given by")
    status = forms.ChoiceField(
        choices=[c for c in Immunization.Status.choices if c[0] != "entered-in-error"],
        initial="completed",
    )
    status_reason = forms.CharField(
        max_length=300, required=False, label="Reason not given", help_text="If not done"
    )
    # Reported (history from the patient or another provider) unless the person recording
    # says it was given here; given here needs the vaccine-administration scope task.
    primary_source = forms.TypedChoiceField(
        choices=[
            ("False", "Reported: given elsewhere, told by the patient or another provider"),
            ("True", "Given here (needs the training to give vaccines)"),
        ],
        coerce=lambda value: value == "True",
        empty_value=False,  # type: ignore[arg-type]  # Django takes any value; stubs say str
        required=False,
        initial="False",
        widget=forms.RadioSelect,
        label="Source",
    )
    supervisor_present = forms.BooleanField(
        required=False,
        label="A supervising physician is on the premises",
        help_text="Given here, where the state requires it",
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, current_code: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        choices = cvx_choices()
        if current_code and current_code not in {c for c, _ in choices}:
            choices = cvx_choices(include_inactive=True)
        field: Any = self.fields["cvx_code"]
        field.choices = _blank(choices, "Choose a vaccine")


class HistoryEntryForm(forms.Form):
    kind = forms.ChoiceField(choices=HistoryEntry.Kind.choices, label="History")
    display = forms.CharField(max_length=300, label="Condition or procedure")
    date = forms.DateField(required=False, widget=DATE, help_text="Onset or performed")
    date_text = forms.CharField(
        max_length=60, required=False, label="When (if no exact date)", help_text="e.g. 1990s"
    )
    relation = forms.ChoiceField(
        choices=_blank(HistoryEntry.Relation.choices), required=False, help_text="Family only"
    )
    onset_age = forms.IntegerField(
        required=False, min_value=0, max_value=130, label="Age at onset", help_text="Family only"
    )
    deceased = forms.NullBooleanField(
        required=False,
        widget=forms.Select(choices=[("", "—"), ("true", "Deceased"), ("false", "Living")]),
        help_text="Family only",
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SocialHistoryForm(forms.Form):
    smoking_status = forms.ChoiceField(
        choices=_blank(SmokingStatus.choices, "Not recorded"), required=False
    )
    pack_years = forms.DecimalField(
        required=False, min_value=0, max_value=300, decimal_places=1, label="Pack-years"
    )
    tobacco_other = forms.CharField(max_length=200, required=False, label="Other tobacco/vaping")
    alcohol_use = forms.CharField(max_length=200, required=False, label="Alcohol")
    drug_use = forms.CharField(max_length=200, required=False, label="Drugs")
    occupation = forms.CharField(max_length=200, required=False)
    living_situation = forms.CharField(max_length=300, required=False)
    exercise = forms.CharField(max_length=200, required=False)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class EncounterForm(forms.Form):
    start = forms.DateTimeField(widget=DATETIME, label="Date and time")
    class_code = forms.ChoiceField(choices=Encounter.Class.choices, initial="AMB", label="Class")
    type_display = forms.CharField(max_length=200, required=False, label="Visit type")
    reason_text = forms.CharField(max_length=2000, required=False, label="Reason")


class NoteForm(forms.Form):
    note_type = forms.ChoiceField(choices=Note.Type.choices, initial="progress", label="Type")
    title = forms.CharField(max_length=200, initial="Progress note")
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 12}), label="Note")


class AmendForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 12}), label="Corrected note")
    reason = forms.CharField(max_length=500, label="Reason for the amendment")


class EnteredInErrorForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        label="Why was this entered in error?",
        help_text="Required. The item stays in the record, marked entered in error.",
    )


class DocumentForm(forms.Form):
    file = forms.FileField(help_text="PDF, PNG, JPEG or TIFF")
    kind = forms.ChoiceField(choices=Document.Kind.choices, initial="scanned-form")
    title = forms.CharField(max_length=200, required=False, help_text="Blank: the file name")
    received_date = forms.DateField(required=False, widget=DATE, label="Received on")
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
