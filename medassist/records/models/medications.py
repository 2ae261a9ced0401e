"""Medications (statements of what the patient takes) and immunizations."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from medassist.records.models.base import ENTERED_IN_ERROR, ChartItem, Coded
from medassist.records.models.encounters import Encounter


class MedicationStatement(ChartItem, Coded):
    """A medication the patient takes or took. `display` is the drug name; code is RxNorm."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        STOPPED = "stopped", "Stopped"
        ON_HOLD = "on-hold", "On hold"
        ENTERED_IN_ERROR = ENTERED_IN_ERROR, "Entered in error"

    ITEM_TYPE = "medication"

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="medications"
    )
    encounter = models.ForeignKey(
        Encounter, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    strength = models.CharField(max_length=100, blank=True)
    dose = models.CharField(max_length=100, blank=True)
    route = models.CharField(max_length=60, blank=True)
    frequency = models.CharField(max_length=100, blank=True)
    prescriber = models.ForeignKey(
        "practice.Provider", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    prescriber_text = models.CharField(max_length=200, blank=True)
    start_date = models.DateField(null=True, blank=True)
    stop_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    reason = models.CharField(max_length=300, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["display", "id"]
        indexes = [models.Index(fields=["patient", "status"])]

    def __str__(self) -> str:
        return " ".join(p for p in (self.display, self.strength) if p)

    @property
    def drug_name(self) -> str:
        return self.display

    @property
    def prescriber_name(self) -> str:
        if self.prescriber is not None:
            return self.prescriber.display_name
        return self.prescriber_text


class Immunization(ChartItem, Coded):
    """A vaccine given (or not given). code_system is CVX; `display` is the vaccine name."""

    class Status(models.TextChoices):
        COMPLETED = "completed", "Completed"
        NOT_DONE = "not-done", "Not done"
        ENTERED_IN_ERROR = ENTERED_IN_ERROR, "Entered in error"

    ITEM_TYPE = "immunization"

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="immunizations"
    )
    encounter = models.ForeignKey(
        Encounter, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    occurrence_date = models.DateField()
    lot_number = models.CharField(max_length=40, blank=True)
    expiration_date = models.DateField(null=True, blank=True)
    manufacturer = models.CharField(max_length=100, blank=True)
    site = models.CharField(max_length=60, blank=True)
    route = models.CharField(max_length=60, blank=True)
    dose_quantity = models.CharField(max_length=40, blank=True, help_text="e.g. 0.5 mL")
    performer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    performer_text = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.COMPLETED)
    status_reason = models.CharField(max_length=300, blank=True)
    primary_source = models.BooleanField(
        default=True, help_text="False when reported by the patient or another provider."
    )
    # For a dose given here: whether a supervising physician was recorded as on the premises
    # (asked where the state's scope rule requires one); None for reported doses / not asked.
    supervisor_present = models.BooleanField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-occurrence_date", "-id"]
        indexes = [models.Index(fields=["patient", "occurrence_date"])]

    def __str__(self) -> str:
        return f"{self.display} {self.occurrence_date}"

    @property
    def cvx_code(self) -> str:
        return self.code
