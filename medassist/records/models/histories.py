"""Past medical, surgical and family history; the social history."""

from __future__ import annotations

from django.db import models

from medassist.records.models.base import ENTERED_IN_ERROR, ChartItem, Coded


class HistoryEntry(ChartItem, Coded):
    """Past medical, surgical or family history. `display` is the condition or procedure.

    - medical: condition (+ optional code), onset date or text ("childhood")
    - surgical: procedure (+ optional code), performed date or text
    - family: relation + condition (+ optional code), onset age, deceased
    """

    class Kind(models.TextChoices):
        MEDICAL = "medical", "Past medical"
        SURGICAL = "surgical", "Surgical"
        FAMILY = "family", "Family"

    class Status(models.TextChoices):
        CURRENT = "current", "Current"
        ENTERED_IN_ERROR = ENTERED_IN_ERROR, "Entered in error"

    class Relation(models.TextChoices):
        MOTHER = "MTH", "Mother"
        FATHER = "FTH", "Father"
        SISTER = "SIS", "Sister"
        BROTHER = "BRO", "Brother"
        DAUGHTER = "DAU", "Daughter"
        SON = "SON", "Son"
        MATERNAL_GRANDMOTHER = "MGRMTH", "Maternal grandmother"
        MATERNAL_GRANDFATHER = "MGRFTH", "Maternal grandfather"
        PATERNAL_GRANDMOTHER = "PGRMTH", "Paternal grandmother"
        PATERNAL_GRANDFATHER = "PGRFTH", "Paternal grandfather"
        AUNT = "AUNT", "Aunt"
        UNCLE = "UNCLE", "Uncle"
        COUSIN = "COUSN", "Cousin"
        OTHER = "FAMMEMB", "Other family member"

    ITEM_TYPE = "history"

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="history_entries"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    date = models.DateField(null=True, blank=True, help_text="Onset or performed date.")
    date_text = models.CharField(
        max_length=60, blank=True, help_text="When the exact date is unknown, e.g. '1990s'."
    )
    relation = models.CharField(max_length=10, choices=Relation.choices, blank=True)
    onset_age = models.PositiveSmallIntegerField(null=True, blank=True)
    deceased = models.BooleanField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CURRENT)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["kind", "-date", "id"]
        verbose_name_plural = "history entries"
        indexes = [models.Index(fields=["patient", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.display}"


class SmokingStatus(models.TextChoices):
    """SNOMED CT codes of the smoking-status value set (LOINC 72166-2 answers)."""

    EVERY_DAY = "449868002", "Current every day smoker"
    SOME_DAY = "428041000124106", "Current some day smoker"
    FORMER = "8517006", "Former smoker"
    NEVER = "266919005", "Never smoker"
    CURRENT_UNKNOWN = "77176002", "Smoker, current status unknown"
    UNKNOWN = "266927001", "Unknown if ever smoked"
    HEAVY = "428071000124103", "Current heavy tobacco smoker"
    LIGHT = "428061000124105", "Current light tobacco smoker"


class SocialHistory(ChartItem):
    """The patient's social history: one record per patient, updated with full history."""

    class Status(models.TextChoices):
        CURRENT = "current", "Current"
        ENTERED_IN_ERROR = ENTERED_IN_ERROR, "Entered in error"

    ITEM_TYPE = "social"

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="social_histories"
    )
    smoking_status = models.CharField(
        "Smoking status (SNOMED CT)", max_length=20, choices=SmokingStatus.choices, blank=True
    )
    pack_years = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    tobacco_other = models.CharField(
        "Other tobacco / nicotine", max_length=200, blank=True, help_text="Vaping, chewing..."
    )
    alcohol_use = models.CharField(max_length=200, blank=True)
    drug_use = models.CharField(max_length=200, blank=True)
    occupation = models.CharField(max_length=200, blank=True)
    living_situation = models.CharField(max_length=300, blank=True)
    sexual_history = models.CharField(max_length=300, blank=True)
    exercise = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CURRENT)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name_plural = "social histories"

    def __str__(self) -> str:
        return f"Social history of {self.patient_id}"
