"""The append-only history of every change to the chart."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from medassist.records.models.base import ENTERED_IN_ERROR


class HistoryImmutable(Exception):
    pass


class ChartHistoryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise HistoryImmutable("Chart history cannot be edited.")

    def delete(self):
        raise HistoryImmutable("Chart history cannot be deleted.")


class ChartHistory(models.Model):
    """One row per change to any chart item: what, which version, who, when, why, and the
    changed fields as {field: {"before": ..., "after": ...}}. Append-only."""

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        ENTERED_IN_ERROR = ENTERED_IN_ERROR, "Entered in error"
        SIGN = "sign", "Signed"
        AMEND = "amend", "Amended"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="chart_history"
    )
    item_type = models.CharField(max_length=20)
    item_id = models.UUIDField()
    item_label = models.CharField(max_length=300, blank=True)
    version = models.PositiveIntegerField()
    action = models.CharField(max_length=20, choices=Action.choices)
    changes = models.JSONField(default=dict, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    actor_name = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField()

    objects = ChartHistoryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "chart history"
        indexes = [
            models.Index(fields=["item_type", "item_id", "version"]),
            models.Index(fields=["patient", "at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["item_type", "item_id", "version"], name="chart_history_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_type} {self.item_id} v{self.version} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise HistoryImmutable("Chart history cannot be edited.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise HistoryImmutable("Chart history cannot be deleted.")
