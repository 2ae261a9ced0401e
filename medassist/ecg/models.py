"""An ECG recording on the chart: the stored file, what was measured, who recorded and who
reviewed it. Measurements only — the app never stores or shows an interpretation."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from medassist.core.models import BaseModel

EXTENSIONS = {"wfdb": ".zip", "csv": ".csv", "aecg": ".xml", "dicom": ".dcm"}


def recording_upload_to(instance: EcgRecording, filename: str) -> str:
    """A random stored name; the extension follows the format that was read."""
    return f"ecg/recordings/{uuid.uuid4().hex}{EXTENSIONS.get(instance.format, '.bin')}"


class EcgRecording(BaseModel):
    class Status(models.TextChoices):
        RECORDED = "recorded", "Recorded"  # waits for the physician
        REVIEWED = "reviewed", "Reviewed"  # the physician signed the tracing
        ENTERED_IN_ERROR = "entered-in-error", "Entered in error"

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="ecg_recordings"
    )
    encounter = models.ForeignKey(
        "records.Encounter",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ecg_recordings",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECORDED)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(upload_to=recording_upload_to, max_length=200)
    original_filename = models.CharField(max_length=255, blank=True)
    format = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    sampling_rate = models.FloatField()
    duration_s = models.FloatField()
    lead_names = models.JSONField(default=list)
    # Whether the recording is technically acceptable (no blocking quality flag on any lead).
    acceptable = models.BooleanField()
    # {lead: [flag, ...]} — the quality flags of each lead (see measure.FLAG_LABELS)
    quality = models.JSONField(default=dict)
    # The record's values and each lead's (measure.RecordResult without the beat lists).
    measurements = models.JSONField(default=dict)
    note = models.TextField(blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    error_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["patient", "recorded_at"])]

    def __str__(self) -> str:
        return f"ECG {self.recorded_at:%Y-%m-%d %H:%M}"

    def value(self, key: str):
        return (self.measurements or {}).get(key)
