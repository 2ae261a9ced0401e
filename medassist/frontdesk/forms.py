"""Forms for check-in and checkout. They parse; frontdesk.services validates amounts and saves."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms

from medassist.frontdesk.models import PaymentMethod

SELF_PAY = "self_pay"
AMOUNT_ATTRS = {"inputmode": "decimal", "placeholder": "0.00", "autocomplete": "off"}


def _amount_text(value: str) -> str:
    """Refuse text that is not a finite number (e.g. 'NaN'); the service checks the rest."""
    text = (value or "").strip()
    if text:
        try:
            number = Decimal(text.replace("$", "").replace(",", ""))
        except (InvalidOperation, ValueError):
            number = None
        if number is None or not number.is_finite():
            raise forms.ValidationError(f"{text!r} is not an amount; write it like 25.00.")
    return text


class CheckInForm(forms.Form):
    demographics_confirmed = forms.BooleanField(
        label="Demographics confirmed with the patient",
        error_messages={
            "required": "Confirm the patient's name, date of birth, address and phone "
            "with the patient before check-in."
        },
    )
    coverage = forms.ChoiceField(
        label="Insurance for this visit",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the insurance for this visit, or Self-pay."},
    )
    copay_collected = forms.CharField(
        label="Amount collected now",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs=AMOUNT_ATTRS),
        help_text="Leave blank if nothing was collected.",
    )
    payment_method = forms.ChoiceField(
        label="Payment method", choices=PaymentMethod.choices, required=False
    )

    def __init__(self, *args, coverages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.coverages = {str(c.public_id): c for c in coverages}
        choices = []
        for c in coverages:
            copay = f"copay due ${c.copay}" if c.copay is not None else "no copay on file"
            label = f"{c.get_priority_display()}: {c.payer.name} · member {c.member_id} · {copay}"
            choices.append((str(c.public_id), label))
        choices.append((SELF_PAY, "Self-pay (no insurance for this visit)"))
        self.fields["coverage"].choices = choices
        if not self.is_bound:
            self.initial.setdefault("coverage", choices[0][0])

    def clean_copay_collected(self) -> str:
        return _amount_text(self.cleaned_data["copay_collected"])

    @property
    def chosen_coverage(self):
        return self.coverages.get(self.cleaned_data["coverage"])

    @property
    def self_pay(self) -> bool:
        return self.cleaned_data["coverage"] == SELF_PAY


class CheckoutForm(forms.Form):
    follow_up = forms.CharField(
        label="Follow-up",
        max_length=100,
        required=False,
        help_text="e.g. “2 weeks”, “3 months”, “as needed”.",
    )
    note = forms.CharField(
        label="Note",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    amount_collected = forms.CharField(
        label="Amount collected",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs=AMOUNT_ATTRS),
        help_text="Leave blank if nothing was collected.",
    )
    payment_method = forms.ChoiceField(
        label="Payment method", choices=PaymentMethod.choices, required=False
    )

    def clean_amount_collected(self) -> str:
        return _amount_text(self.cleaned_data["amount_collected"])
