"""Rooming and vital signs."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from medassist.core.models import BaseModel


class Vitals(BaseModel):
    """One set of vital signs, stored in metric units. Never deleted: marked entered-in-error."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="vitals")
    appointment = models.ForeignKey(
        "scheduling.Appointment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vitals",
    )
    taken_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    bp_systolic = models.PositiveSmallIntegerField(null=True, blank=True)
    bp_diastolic = models.PositiveSmallIntegerField(null=True, blank=True)
    pulse = models.PositiveSmallIntegerField(null=True, blank=True)
    respiratory_rate = models.PositiveSmallIntegerField(null=True, blank=True)
    temperature_c = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    spo2 = models.PositiveSmallIntegerField("SpO2", null=True, blank=True)
    height_cm = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    weight_kg = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    bmi = models.DecimalField("BMI", max_digits=4, decimal_places=1, null=True, blank=True)
    pain = models.PositiveSmallIntegerField(null=True, blank=True)
    flags = models.JSONField(default=list, blank=True)
    entered_in_error = models.BooleanField(default=False)
    error_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-taken_at"]
        indexes = [models.Index(fields=["patient", "taken_at"])]

    def __str__(self) -> str:
        return f"Vitals for {self.patient} at {self.taken_at:%Y-%m-%d %H:%M}"

    @property
    def temperature_f(self):
        if self.temperature_c is None:
            return None
        return round(float(self.temperature_c) * 9 / 5 + 32, 1)

    @property
    def has_critical(self) -> bool:
        return any(f.get("critical") for f in self.flags)


class Rooming(BaseModel):
    """The MA's rooming of a visit: which room, and the reason for visit in the patient's words."""

    appointment = models.OneToOneField(
        "scheduling.Appointment", on_delete=models.PROTECT, related_name="rooming"
    )
    room = models.ForeignKey("practice.Room", on_delete=models.PROTECT, related_name="+")
    reason_for_visit = models.TextField(help_text="In the patient's own words.")
    roomed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    roomed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Rooming of {self.appointment}"
