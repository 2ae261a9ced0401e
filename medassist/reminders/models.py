"""Appointment reminders: the clinic's reminder rules, every outbound message (the worker's
queue), what patients answered, and the worker's cursors."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from medassist.core.models import BaseModel


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"


class ReminderRule(BaseModel):
    """Send a reminder `offset_hours` before a visit. Whole days keep the clinic-local wall
    clock (24 h before a 09:00 visit is 09:00 the day before, even across a DST change)."""

    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=100)
    offset_hours = models.PositiveIntegerField(help_text="Hours before the visit, e.g. 72 or 24.")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    visit_types = models.ManyToManyField(
        "practice.VisitType", blank=True, related_name="+", help_text="None chosen: every type."
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-offset_hours", "channel"]

    def __str__(self) -> str:
        return f"{self.name} ({self.offset_hours} h, {self.get_channel_display()})"


class Message(BaseModel):
    """One outbound email or text. Queued rows are the worker's queue."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", "Reminder"
        OFFER = "offer", "Waitlist offer"
        OFFER_GONE = "offer_gone", "Offer taken"
        BOOKED = "booked", "Booking confirmation"
        REPLY = "reply", "Reply to patient"
        SIGN_IN_CODE = "sign_in_code", "Portal sign-in code"
        REFILL = "refill", "Refill answer"
        PREP = "prep", "Preparation instructions"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        DELIVERED = "delivered", "Delivered"
        CANCELLED = "cancelled", "Cancelled"

    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    appointment = models.ForeignKey(
        "scheduling.Appointment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reminder_messages",
    )
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    rule = models.ForeignKey(
        ReminderRule, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.REMINDER)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    to = models.CharField(max_length=254)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    # The visit's start when this reminder was planned: a moved visit gets new reminders.
    appointment_start = models.DateTimeField(null=True, blank=True)
    scheduled_for = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=3)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    provider_message_id = models.CharField(max_length=100, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["scheduled_for", "id"]
        indexes = [
            models.Index(fields=["status", "scheduled_for"]),
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["clinic", "scheduled_for"]),
            models.Index(fields=["appointment", "rule"]),
            models.Index(fields=["channel", "to", "sent_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to} ({self.status})"


class PatientReply(BaseModel):
    """What a patient answered, by text keyword or on the signed reminder page."""

    class Action(models.TextChoices):
        CONFIRM = "confirm", "Confirmed"
        RESCHEDULE = "reschedule", "Wants to reschedule"
        CANCEL = "cancel", "Cancelled"
        OTHER = "other", "Other reply"

    class Via(models.TextChoices):
        SMS = "sms", "Text reply"
        LINK = "link", "Reminder link"

    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    appointment = models.ForeignKey(
        "scheduling.Appointment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    message = models.ForeignKey(
        Message, on_delete=models.PROTECT, null=True, blank=True, related_name="replies"
    )
    via = models.CharField(max_length=10, choices=Via.choices)
    action = models.CharField(max_length=12, choices=Action.choices)
    from_number = models.CharField(max_length=32, blank=True)
    body = models.CharField(max_length=500, blank=True)
    received_at = models.DateTimeField()
    # A task for the front desk (reschedule requests, free-text replies, failed cancels).
    needs_staff = models.BooleanField(default=False)
    staff_note = models.CharField(max_length=200, blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["clinic", "needs_staff", "handled_at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} by {self.get_via_display()}"


class WorkerCursor(models.Model):
    """How far a worker scan has read an append-only table (e.g. status changes)."""

    name = models.CharField(max_length=60, unique=True)
    last_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} at {self.last_id}"
