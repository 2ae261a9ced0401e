"""Forms of the pharmacy screens. They parse input; the services validate and write."""

from __future__ import annotations

from django import forms

from medassist.pharmacy.models import MedicationOrder, PharmacyNotice, RefillRequest

DATE = forms.DateInput(attrs={"type": "date"})


class RefillEntryForm(forms.Form):
    mrn = forms.CharField(label="Patient MRN", max_length=20)
    medication_text = forms.CharField(label="Medication", max_length=300)
    pharmacy_text = forms.CharField(label="Pharmacy", max_length=300, required=False)
    source = forms.ChoiceField(
        label="Came by",
        choices=[c for c in RefillRequest.Source.choices if c[0] != RefillRequest.Source.PORTAL],
    )
    note = forms.CharField(
        label="Note", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PortalRefillForm(forms.Form):
    medication_text = forms.CharField(label="Medication to refill", max_length=300)
    pharmacy_text = forms.CharField(label="Your pharmacy", max_length=300, required=False)
    note = forms.CharField(
        label="Anything the clinic should know",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ApproveForm(forms.Form):
    quantity = forms.IntegerField(label="Quantity", min_value=1, max_value=1000)
    refills = forms.IntegerField(label="Refills", min_value=0, max_value=11)


class DenyForm(forms.Form):
    reason = forms.CharField(label="Reason (the patient and pharmacy are told)", max_length=500)


class ReceiveForm(forms.Form):
    item = forms.ChoiceField(label="Item")
    lot_number = forms.CharField(label="Lot", max_length=40)
    expires_on = forms.DateField(label="Expires on", widget=DATE)
    quantity = forms.IntegerField(label="Quantity", min_value=1, max_value=100000)
    reference = forms.CharField(label="Invoice / reference", max_length=100, required=False)
    witness = forms.ChoiceField(label="Witness (controlled substances)", required=False)


class LotActionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("waste", "Waste"), ("return", "Return"), ("count", "Count")]
    )
    lot = forms.UUIDField()
    quantity = forms.IntegerField(label="Quantity / counted", min_value=0, max_value=100000)
    reason = forms.CharField(label="Reason / note", max_length=300, required=False)
    witness = forms.ChoiceField(label="Witness", required=False)


class OrderForm(forms.Form):
    mrn = forms.CharField(label="Patient MRN", max_length=20)
    kind = forms.ChoiceField(label="Kind", choices=MedicationOrder.Kind.choices)
    drug_name = forms.CharField(label="Drug", max_length=200)
    rxnorm = forms.CharField(label="RxNorm", max_length=20, required=False)
    ndc = forms.CharField(label="NDC", max_length=13, required=False)
    cvx = forms.CharField(label="CVX (vaccines)", max_length=4, required=False)
    dose_amount = forms.DecimalField(label="Dose", max_digits=10, decimal_places=3)
    dose_unit = forms.CharField(label="Dose unit", max_length=20)
    route = forms.CharField(label="Route", max_length=40)
    frequency = forms.CharField(label="Frequency", max_length=100, required=False)
    quantity = forms.IntegerField(label="Quantity", min_value=1, initial=1)
    refills = forms.IntegerField(label="Refills", min_value=0, initial=0)
    instructions = forms.CharField(
        label="Instructions to the patient",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class GiveForm(forms.Form):
    scan = forms.CharField(label="Scan or type the NDC", max_length=200)
    lot_number = forms.CharField(label="Lot (if the scan has none)", max_length=40, required=False)
    quantity = forms.IntegerField(label="Quantity (dispensing)", min_value=1, required=False)
    dose_amount = forms.DecimalField(
        label="Dose given", max_digits=10, decimal_places=3, required=False
    )
    dose_unit = forms.CharField(label="Dose unit", max_length=20, required=False)
    route = forms.CharField(label="Route", max_length=40, required=False)
    site = forms.CharField(label="Site", max_length=60, required=False)
    vis_date = forms.DateField(label="VIS edition date (vaccines)", required=False, widget=DATE)
    supervisor_present = forms.BooleanField(
        label="A supervising physician is on the premises", required=False
    )


class PharmacyToldForm(forms.Form):
    channel = forms.ChoiceField(
        label="How the pharmacy was told",
        choices=PharmacyNotice.Channel.choices,
        widget=forms.RadioSelect,
    )
    sent_at = forms.DateTimeField(
        label="When (clinic time)",
        required=False,
        help_text="Leave empty for now.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    note = forms.CharField(
        label="Who at the pharmacy, fax number or reference",
        max_length=300,
        required=False,
    )
