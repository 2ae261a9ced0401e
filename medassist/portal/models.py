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
