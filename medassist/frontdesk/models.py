"""Check-in and checkout records of a visit."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from medassist.core.models import BaseModel


class PaymentMethod(models.TextChoices):
    NONE = "", "Nothing collected"
    CASH = "cash", "Cash"
    CARD = "card", "Card"
    CHECK = "check", "Check"


class CheckIn(BaseModel):
    appointment = models.OneToOneField(
        "scheduling.Appointment", on_delete=models.PROTECT, related_name="check_in"
    )
    demographics_confirmed = models.BooleanField(default=False)
    insurance_confirmed = models.BooleanField(default=False)
    self_pay = models.BooleanField(default=False)
    coverage = models.ForeignKey(
        "patients.Coverage", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    copay_due = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    copay_collected = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    payment_method = models.CharField(
        max_length=10, choices=PaymentMethod.choices, blank=True, default=""
    )
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_in_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Check-in of {self.appointment}"


class Checkout(BaseModel):
    appointment = models.OneToOneField(
        "scheduling.Appointment", on_delete=models.PROTECT, related_name="checkout"
    )
    follow_up = models.CharField(max_length=100, blank=True, help_text="e.g. 'in 2 weeks'")
    note = models.CharField(max_length=1000, blank=True)
    amount_collected = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    payment_method = models.CharField(
        max_length=10, choices=PaymentMethod.choices, blank=True, default=""
    )
    checked_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_out_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Checkout of {self.appointment}"
