"""The problem list and the allergy list, with "no known allergies"."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from medassist.records.models.base import ENTERED_IN_ERROR, ChartItem, Coded
from medassist.records.models.encounters import Encounter


class Problem(ChartItem, Coded):
    """A condition on the problem list (FHIR Condition)."""

    class ClinicalStatus(models.TextChoices):
        ACTIVE = "active", "Active"
        RECURRENCE = "recurrence", "Recurrence"
        RELAPSE = "relapse", "Relapse"
        INACTIVE = "inactive", "Inactive"
        REMISSION = "remission", "Remission"
        RESOLVED = "resolved", "Resolved"

    class Verification(models.TextChoices):
        UNCONFIRMED = "unconfirmed", "Unconfirmed"
        PROVISIONAL = "provisional", "Provisional"
        DIFFERENTIAL = "differential", "Differential"
        CONFIRMED = "confirmed", "Confirmed"
        REFUTED = "refuted", "Refuted"
        ENTERED_IN_ERROR = ENTERED_IN_ERROR, "Entered in error"

    class Category(models.TextChoices):
        PROBLEM_LIST = "problem-list-item", "Problem list item"
        ENCOUNTER_DIAGNOSIS = "encounter-diagnosis", "Encounter diagnosis"

    ITEM_TYPE = "problem"
    STATUS_FIELD = "verification_status"
    ACTIVE_STATUSES = ("active", "recurrence", "relapse")

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="problems"
    )
    encounter = models.ForeignKey(
        Encounter, on_delete=models.PROTECT, null=True, blank=True, related_name="problems"
    )
    category = models.CharField(
        max_length=24, choices=Category.choices, default=Category.PROBLEM_LIST
    )
    clinical_status = models.CharField(
        max_length=12, choices=ClinicalStatus.choices, default=ClinicalStatus.ACTIVE
    )
    verification_status = models.CharField(
        max_length=20, choices=Verification.choices, default=Verification.CONFIRMED
    )
    onset_date = models.DateField(null=True, blank=True)
    abatement_date = models.DateField(null=True, blank=True)
    recorded_date = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-onset_date", "-id"]
        indexes = [models.Index(fields=["patient", "clinical_status"])]

    def __str__(self) -> str:
        return f"{self.code} {self.display}".strip()


class Allergy(ChartItem, Coded):
    """An allergy or intolerance (FHIR AllergyIntolerance). `display` is the substance."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        INACTIVE = "inactive", "Inactive"
        RESOLVED = "resolved", "Resolved"
        ENTERED_IN_ERROR = ENTERED_IN_ERROR, "Entered in error"

    class Severity(models.TextChoices):
        MILD = "mild", "Mild"
        MODERATE = "moderate", "Moderate"
        SEVERE = "severe", "Severe"

    class Criticality(models.TextChoices):
        LOW = "low", "Low"
        HIGH = "high", "High"
        UNABLE = "unable-to-assess", "Unable to assess"

    class Category(models.TextChoices):
        FOOD = "food", "Food"
        MEDICATION = "medication", "Medication"
        ENVIRONMENT = "environment", "Environment"
        BIOLOGIC = "biologic", "Biologic"

    class Type(models.TextChoices):
        ALLERGY = "allergy", "Allergy"
        INTOLERANCE = "intolerance", "Intolerance"

    ITEM_TYPE = "allergy"

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="allergies"
    )
    allergy_type = models.CharField(max_length=12, choices=Type.choices, default=Type.ALLERGY)
    category = models.CharField(max_length=12, choices=Category.choices, blank=True)
    reaction = models.CharField(max_length=300, blank=True)
    severity = models.CharField(max_length=10, choices=Severity.choices, blank=True)
    criticality = models.CharField(max_length=20, choices=Criticality.choices, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    onset_date = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["display", "id"]
        verbose_name_plural = "allergies"
        indexes = [models.Index(fields=["patient", "status"])]

    def __str__(self) -> str:
        return self.display

    @property
    def substance(self) -> str:
        return self.display


class NoKnownAllergies(ChartItem):
    """The recorded fact "no known allergies": who said so and when. At most one is current;
    it cannot be recorded while an active allergy exists, and recording an allergy ends it."""

    class Status(models.TextChoices):
        CURRENT = "current", "Current"
        ENDED = "ended", "Ended"
        ENTERED_IN_ERROR = ENTERED_IN_ERROR, "Entered in error"

    ITEM_TYPE = "nka"

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="nka")
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CURRENT)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_reason = models.CharField(max_length=300, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = "no known allergies"
        verbose_name_plural = "no known allergies"

    def __str__(self) -> str:
        return f"No known allergies ({self.status})"
