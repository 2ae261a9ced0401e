"""Patient self-booking: what each clinic lets patients book online."""

from __future__ import annotations

from django.db import models

from medassist.core.models import BaseModel


class PortalSettings(BaseModel):
    """A clinic's rules for online booking. No row, or `enabled` off: no online booking."""

    clinic = models.OneToOneField(
        "practice.Clinic", on_delete=models.PROTECT, related_name="portal_settings"
    )
    enabled = models.BooleanField(default=False)
    visit_types = models.ManyToManyField(
        "practice.VisitType",
        blank=True,
        related_name="+",
        help_text="The visit types patients may book themselves.",
    )
    min_days_ahead = models.PositiveSmallIntegerField(
        default=1, help_text="Earliest day patients may book, in days from today (0 = today)."
    )
    max_days_ahead = models.PositiveSmallIntegerField(
        default=60, help_text="Latest day patients may book, in days from today."
    )
    link_valid_days = models.PositiveSmallIntegerField(
        default=14, help_text="How long a booking link the clinic sends stays valid."
    )

    class Meta:
        verbose_name = "portal settings"
        verbose_name_plural = "portal settings"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_days_ahead__gte=models.F("min_days_ahead")),
                name="portal_days_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"Online booking for {self.clinic}: {'on' if self.enabled else 'off'}"


class SignInCode(BaseModel):
    """One request for a sign-in code on the portal's start page. Every request is a row (for
    the rate limits), matched or not; only a match has a patient, a code hash and a message.
    The contact is kept as a keyed hash, the code as a keyed hash of itself and the row."""

    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    contact_key = models.CharField(max_length=64, db_index=True)
    client_address = models.CharField(max_length=64, blank=True, db_index=True)
    code_hash = models.CharField(max_length=64, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    wrong_tries = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["clinic", "contact_key", "created_at"])]

    def __str__(self) -> str:
        return f"Sign-in code {self.public_id}"
