"""Audit events: who, in which role, did what to which patient's data, when, from where.

Events are append-only: the application can neither edit nor delete them, and the database
refuses it too (triggers, migration 0004). Each clinic's events form a hash chain, sealed
after the fact by the worker (`AuditSeal`, medassist.audit.chain) and signed now and then
(`AuditCheckpoint`), so `medassist audit-verify` finds an edited, deleted or reordered row."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class AuditImmutable(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditImmutable("Audit rows cannot be edited.")

    def delete(self):
        raise AuditImmutable("Audit rows cannot be deleted.")


class AppendOnly(models.Model):
    """Rows are written once: saving an existing row or deleting one raises."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditImmutable("Audit rows cannot be edited.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditImmutable("Audit rows cannot be deleted.")


class AuditEvent(AppendOnly):
    class Action(models.TextChoices):
        READ = "read", "Read"
        LIST = "list", "Listed"
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        TRANSITION = "transition", "Status change"
        EXPORT = "export", "Exported"
        LOGIN = "login", "Logged in"
        LOGIN_FAILED = "login_failed", "Failed login"
        LOGOUT = "logout", "Logged out"
        REFUSED = "refused", "Refused access"
        PURGE = "purge", "Purged a clinic's data"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_username = models.CharField(max_length=150, blank=True)
    actor_role = models.CharField(max_length=32, blank=True)
    clinic = models.ForeignKey(
        "practice.Clinic", null=True, on_delete=models.PROTECT, related_name="+"
    )
    patient = models.ForeignKey(
        "patients.Patient", null=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    client_address = models.CharField(max_length=64, blank=True)
    channel = models.CharField(max_length=16, blank=True)
    request_id = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["patient", "at"]),
            models.Index(fields=["actor", "at"]),
            models.Index(fields=["clinic", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action} {self.object_type}"


class AuditSeal(AppendOnly):
    """One link of a clinic's chain (clinic None: the chain of events of no clinic, e.g. a
    failed login of an unknown username). `position` counts from 1 in the chain's order;
    `digest` is the SHA-256 of the event's canonical content, `hash` the SHA-256 of the
    previous seal's hash and this digest. `event_id` is a plain number, not a foreign key:
    a seal must outlive the row it vouches for, so that a deleted row is noticed."""

    clinic = models.ForeignKey(
        "practice.Clinic", null=True, on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveBigIntegerField()
    event_id = models.BigIntegerField(unique=True)
    event_public_id = models.UUIDField()
    previous_event_id = models.BigIntegerField(null=True, unique=True)
    digest = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    sealed_at = models.DateTimeField()

    class Meta:
        ordering = ["clinic_id", "position"]
        indexes = [models.Index(fields=["clinic", "position"])]

    def __str__(self) -> str:
        return f"seal {self.position} of clinic {self.clinic_id}: event {self.event_id}"


class AuditCheckpoint(AppendOnly):
    """A signed statement "clinic X's chain had `position` seals ending in `hash` at `at`"
    (HMAC-SHA256 with MEDASSIST_AUDIT_KEY, else SECRET_KEY). Rewriting the whole chain,
    hashes included, cannot reproduce the signatures without the key."""

    clinic = models.ForeignKey(
        "practice.Clinic", null=True, on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveBigIntegerField()
    event_id = models.BigIntegerField()
    hash = models.CharField(max_length=64)
    at = models.DateTimeField()
    signature = models.CharField(max_length=64)

    class Meta:
        ordering = ["clinic_id", "position", "id"]
        indexes = [models.Index(fields=["clinic", "position"])]

    def __str__(self) -> str:
        return f"checkpoint of clinic {self.clinic_id} at seal {self.position}"
