"""The waitlist (patients who want an earlier visit), the slots freed for them with the offers
sent, and recalls (patients due back, e.g. for an annual physical) with each contact attempt."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from medassist.core.models import BaseModel


class WaitlistEntry(BaseModel):
    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        OFFERED = "offered", "Offered a time"
        BOOKED = "booked", "Booked"
        REMOVED = "removed", "Removed"

    class TimeOfDay(models.TextChoices):
        ANY = "any", "Any time"
        MORNING = "morning", "Morning (before noon)"
        AFTERNOON = "afternoon", "Afternoon (noon or later)"

    class Priority(models.IntegerChoices):
        URGENT = 1, "Urgent"
        HIGH = 2, "High"
        NORMAL = 3, "Normal"

    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    visit_type = models.ForeignKey("practice.VisitType", on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(
        "practice.Provider", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    location = models.ForeignKey(
        "practice.Location", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    earliest_date = models.DateField()
    latest_date = models.DateField()
    time_of_day = models.CharField(max_length=10, choices=TimeOfDay.choices, default="any")
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    note = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    appointment = models.ForeignKey(
        "scheduling.Appointment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removed_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["priority", "created_at", "id"]
        indexes = [models.Index(fields=["clinic", "status", "priority"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latest_date__gte=models.F("earliest_date")),
                name="waitlist_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.patient} waiting for {self.visit_type}"


class OpenSlot(BaseModel):
    """A future time freed by a cancellation, no-show or move, offered to the waitlist."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        FILLED = "filled", "Filled"
        EXPIRED = "expired", "No taker"

    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    source_appointment = models.ForeignKey(
        "scheduling.Appointment", on_delete=models.PROTECT, related_name="+"
    )
    provider = models.ForeignKey("practice.Provider", on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey("practice.Location", on_delete=models.PROTECT, related_name="+")
    start = models.DateTimeField()
    end = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    booked = models.ForeignKey(
        "scheduling.Appointment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["start"]
        constraints = [
            # Telling us twice about the same freed time (worker scan and a direct call) is a
            # no-op.
            models.UniqueConstraint(
                fields=["source_appointment", "start"], name="open_slot_once_per_freed_time"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} at {self.start:%Y-%m-%d %H:%M} ({self.status})"


class SlotOffer(BaseModel):
    class Status(models.TextChoices):
        OFFERED = "offered", "Offered"
        ACCEPTED = "accepted", "Accepted"
        GONE = "gone", "Taken by someone else"
        EXPIRED = "expired", "Expired"

    slot = models.ForeignKey(OpenSlot, on_delete=models.PROTECT, related_name="offers")
    entry = models.ForeignKey(WaitlistEntry, on_delete=models.PROTECT, related_name="offers")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OFFERED)
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["slot", "entry"], name="one_offer_per_entry_and_slot")
        ]

    def __str__(self) -> str:
        return f"offer of {self.slot} to {self.entry.patient} ({self.status})"


class Recall(BaseModel):
    class Status(models.TextChoices):
        DUE = "due", "Due"
        CONTACTED = "contacted", "Contacted"
        SCHEDULED = "scheduled", "Scheduled"
        CLOSED = "closed", "Closed"

    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=200)
    due_date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DUE)
    appointment = models.ForeignKey(
        "scheduling.Appointment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["clinic", "status", "due_date"])]

    def __str__(self) -> str:
        return f"{self.patient}: {self.reason} due {self.due_date}"


class ContactAttempt(models.Model):
    class Channel(models.TextChoices):
        PHONE = "phone", "Phone call"
        SMS = "sms", "Text message"
        EMAIL = "email", "Email"
        LETTER = "letter", "Letter"
        PORTAL = "portal", "Portal message"

    class Outcome(models.TextChoices):
        REACHED = "reached", "Reached the patient"
        VOICEMAIL = "voicemail", "Left a voicemail"
        NO_ANSWER = "no_answer", "No answer"
        WRONG_NUMBER = "wrong_number", "Wrong number"
        SENT = "sent", "Sent"
        DECLINED = "declined", "Patient declined"

    recall = models.ForeignKey(Recall, on_delete=models.PROTECT, related_name="attempts")
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    outcome = models.CharField(max_length=15, choices=Outcome.choices)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.get_outcome_display()}"
