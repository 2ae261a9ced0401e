"""Patient conversations (with every turn: what was understood, the safety decision, the action
and the reply's template), the staff work they create, office mail waiting to be filed, and
the clinic's own information the assistant may repeat (hours, parking, insurance, what to
bring, preparation)."""

from __future__ import annotations

from django.db import models

from medassist.core.models import BaseModel


class Channel(models.TextChoices):
    PORTAL = "portal", "Portal chat"
    SMS = "sms", "Text message"
    VOICE = "voice", "Phone call"
    TERMINAL = "terminal", "Terminal"


class Conversation(BaseModel):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        HANDOFF = "handoff", "Handed to staff"
        LOCKED = "locked", "Locked (failed verification)"
        CLOSED = "closed", "Closed"

    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    phone = models.CharField(max_length=20, blank=True, help_text="E.164, SMS and voice")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    failed_verifications = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    emergency = models.BooleanField(default=False, help_text="An emergency was detected")
    language = models.CharField(max_length=2, default="en")
    misunderstandings = models.PositiveSmallIntegerField(default=0)
    state = models.JSONField(default=dict, blank=True)  # what the assistant waits for
    last_turn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["clinic", "channel", "phone", "status"])]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} conversation {self.public_id}"


class Turn(models.Model):
    class Speaker(models.TextChoices):
        PATIENT = "patient", "Patient"
        ASSISTANT = "assistant", "Assistant"

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="turns")
    at = models.DateTimeField()
    speaker = models.CharField(max_length=10, choices=Speaker.choices)
    text = models.TextField()
    intent = models.CharField(max_length=30, blank=True)
    confidence = models.FloatField(null=True, blank=True)
    entities = models.JSONField(default=dict, blank=True)
    decision = models.CharField(max_length=12, blank=True)  # answer / route / emergency
    safety = models.JSONField(default=dict, blank=True)  # verdict, category, matched
    action = models.CharField(max_length=40, blank=True)  # what the assistant did
    template = models.CharField(max_length=40, blank=True)  # the reviewed reply template

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.speaker} at {self.at:%Y-%m-%d %H:%M}"


class Task(BaseModel):
    """Work the assistant created for staff: a care-team question, a refill request, an
    emergency alert, a hand-off, a billing or results call-back, a verification lock, or a
    piece of office mail to file."""

    class Kind(models.TextChoices):
        EMERGENCY = "emergency", "Emergency alert"
        CARE_TEAM = "care_team", "Care-team message"
        REFILL = "refill", "Refill request"
        HANDOFF = "handoff", "Patient asked for a person"
        BILLING = "billing", "Balance question"
        RESULTS = "results", "Results question"
        LOCKED = "locked", "Verification locked"
        OFFICE_MAIL = "office_mail", "Office mail"

    class Status(models.TextChoices):
        NEW = "new", "New"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"

    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    conversation = models.ForeignKey(
        Conversation, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks"
    )
    assignee = models.ForeignKey(
        "practice.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=200)
    words = models.TextField(blank=True, help_text="The patient's own words")
    medication_text = models.CharField(max_length=200, blank=True)
    pharmacy_text = models.CharField(max_length=200, blank=True)
    clinician_only = models.BooleanField(default=False)
    urgent = models.BooleanField(default=False)
    # office mail: the uploaded PDF until it is filed to the chart
    file = models.FileField(upload_to="assistant/mail/%Y/%m/", blank=True)
    content_hash = models.CharField(
        max_length=64, blank=True, db_index=True, help_text="SHA-256 of the mail's file"
    )
    source = models.CharField(max_length=20, blank=True, help_text="upload or watched folder")
    filed_document_id = models.UUIDField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["clinic", "status", "kind"])]

    def __str__(self) -> str:
        return self.title


class ClinicInfo(BaseModel):
    """What the clinic wrote for patients to hear: reviewed text the assistant repeats as is."""

    clinic = models.OneToOneField(
        "practice.Clinic", on_delete=models.PROTECT, related_name="assistant_info"
    )
    hours = models.TextField(blank=True)
    parking = models.TextField(blank=True)
    insurance = models.TextField(blank=True, help_text="Plans accepted, in plain words")
    what_to_bring = models.TextField(blank=True)
    preparation = models.TextField(blank=True, help_text="Before a visit: fasting, forms, ...")
    directions = models.TextField(blank=True)
    # the same text in Spanish (the assistant answers a Spanish conversation with it)
    hours_es = models.TextField(blank=True)
    parking_es = models.TextField(blank=True)
    insurance_es = models.TextField(blank=True)
    what_to_bring_es = models.TextField(blank=True)
    preparation_es = models.TextField(blank=True)
    directions_es = models.TextField(blank=True)
    letter_signature = models.CharField(max_length=200, blank=True)


class LetterTemplate(BaseModel):
    """A letter the clinic sends (e.g. "we could not reach you", a recall): the clinic admin's
    reviewed text with placeholders from a fixed set, checked when it is saved."""

    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    class Language(models.TextChoices):
        ENGLISH = "en", "English"
        SPANISH = "es", "Spanish"

    key = models.SlugField(max_length=40)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.ENGLISH)
    title = models.CharField(max_length=200)
    body = models.TextField()
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "key", "language"], name="assistant_letter_key_language_unique"
            )
        ]

    def __str__(self) -> str:
        return self.title
