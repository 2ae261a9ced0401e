"""The base model every domain model inherits: public UUID and who/when stamps."""

import uuid

from django.conf import settings
from django.db import models


class BaseModel(models.Model):
    """Public ids are UUIDs; the integer primary key never leaves the server."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    class Meta:
        abstract = True

    def stamp(self, actor) -> None:
        """Record who made this change (call before save in a service)."""
        if actor is not None and getattr(actor, "pk", None):
            if self._state.adding and self.created_by_id is None:
                self.created_by = actor
            self.updated_by = actor
