"""Forms of the billing set-up screens: they parse what was typed; the services validate
(NPI check digit, TIN, prices, codes) and their messages land next to the field."""

from __future__ import annotations

from django import forms

from medassist.billing import reference
from medassist.billing.models import FeeScheduleItem, FilingIndicator, RemittanceLine, Submission


class PayerForm(forms.Form):
    name = forms.CharField(max_length=200, label="Payer name")
    payer_id = forms.CharField(
        max_length=20,
        required=False,
        label="Payer id",
        help_text="The electronic payer id (from the payer or clearinghouse); needed for 837P.",
    )
    active = forms.BooleanField(required=False, initial=True, label="Offered for new coverage")
    filing_indicator = forms.ChoiceField(
        choices=FilingIndicator.choices,
        label="Claim filing indicator",
        help_text="SBR09 of the 837P: the kind of plan.",
    )
    submission = forms.ChoiceField(choices=Submission.choices, label="Claims go by")
    address_line1 = forms.CharField(max_length=55, required=False, label="Claims address")
    city = forms.CharField(max_length=30, required=False)
    state = forms.CharField(max_length=2, required=False, help_text="Two letters, e.g. NY.")
    postal_code = forms.CharField(max_length=10, required=False, label="ZIP code")

    def __init__(self, *args, admin: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not admin:  # a biller sees who the payer is but changes only its billing details
            for name in ("name", "payer_id", "active"):
                self.fields[name].disabled = True
                self.fields[name].help_text = "Only a clinic admin changes this."


class FeeItemForm(forms.Form):
    system = forms.ChoiceField(choices=FeeScheduleItem.System.choices, label="Code set")
    code = forms.CharField(
        max_length=5,
        label="Procedure code",
        help_text="CPT: five characters (typed in by the clinic). HCPCS Level II: a letter and "
        "four digits.",
    )
    description = forms.CharField(
        max_length=200, help_text="The clinic's own words (no AMA descriptors are shipped)."
    )
    price = forms.CharField(max_length=14, help_text="In dollars, e.g. 125.00.")
    modifiers = forms.CharField(
        max_length=11, required=False, label="Default modifiers", help_text="E.g. 25 or 59 RT."
    )
    active = forms.BooleanField(required=False, initial=True, label="Offered on the superbill")

    def __init__(self, *args, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = "The code stays; add a new item for another code."
        else:
            del self.fields["active"]


def _pos_choices() -> list[tuple[str, str]]:
    return [(code, f"{code} {name}") for code, name in reference.places_of_service().items()]


class ProviderForm(forms.Form):
    name = forms.CharField(max_length=60, label="Billing provider name")
    npi = forms.CharField(
        max_length=10, label="NPI", help_text="Ten digits; the last is a check digit."
    )
    taxonomy = forms.CharField(max_length=10, help_text="Ten characters ending in X.")
    tin = forms.CharField(max_length=11, label="TIN (EIN)", help_text="Nine digits.")
    address_line1 = forms.CharField(max_length=55, label="Street address")
    city = forms.CharField(max_length=30)
    state = forms.CharField(max_length=2, help_text="Two letters, e.g. NY.")
    postal_code = forms.CharField(max_length=10, label="ZIP+4", help_text="Nine digits.")
    contact_name = forms.CharField(max_length=60, label="Billing contact")
    contact_phone = forms.CharField(max_length=14, label="Contact phone", help_text="Ten digits.")
    submitter_id = forms.CharField(max_length=15, help_text="Our id at the clearinghouse.")
    receiver_id = forms.CharField(max_length=15, help_text="The clearinghouse's id.")
    receiver_name = forms.CharField(max_length=60, label="Clearinghouse name")
    usage = forms.ChoiceField(choices=[("T", "Test"), ("P", "Production")], label="Send claims as")
    default_place_of_service = forms.ChoiceField(label="Default place of service")
    places_of_service = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Places of service offered on the superbill",
        help_text="None ticked: every code of the CMS set.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = _pos_choices()
        self.fields["default_place_of_service"].choices = choices  # type: ignore[attr-defined]
        self.fields["places_of_service"].choices = choices  # type: ignore[attr-defined]

    def service_values(self) -> dict:
        """What billing_provider_save takes, with the punctuation people type removed."""
        values = dict(self.cleaned_data)
        for name in ("tin", "postal_code", "contact_phone", "npi"):
            values[name] = "".join(c for c in values[name] if c.isdigit())
        values["state"] = values["state"].strip().upper()
        values["taxonomy"] = values["taxonomy"].strip().upper()
        return values


class ResolveForm(forms.Form):
    reason = forms.ChoiceField(
        choices=[
            c for c in RemittanceLine.Resolution.choices if c[0] != RemittanceLine.Resolution.POSTED
        ],
        label="Why it needs no posting",
    )
    note = forms.CharField(
        max_length=300,
        required=False,
        label="Note",
        help_text="E.g. the claim the reversal belongs to; required for Other.",
    )
