"""Practice set-up: clinics, locations, rooms, staff users with roles, providers, visit types."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from medassist.core.models import BaseModel
from medassist.practice import roles
from medassist.practice.roles import Role
from medassist.practice.validators import validate_npi, validate_timezone


class Clinic(BaseModel):
    name = models.CharField(max_length=200)
    timezone = models.CharField(
        max_length=64, default="America/New_York", validators=[validate_timezone]
    )
    state = models.CharField(max_length=2, help_text="Two-letter US state, for state rules.")
    phone = models.CharField(max_length=32, blank=True)
    mrn_prefix = models.CharField(max_length=6, default="MA")
    next_mrn = models.PositiveIntegerField(default=1, editable=False)
    mfa_for_all_staff = models.BooleanField(
        "two-step sign-in for every role",
        default=False,
        editable=False,
        help_text="Clinic admins and billers always need it; this asks it of everyone.",
    )

    def __str__(self) -> str:
        return self.name

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class Location(BaseModel):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="locations")
    name = models.CharField(max_length=200)
    address_line1 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "name"], name="location_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Room(BaseModel):
    class Kind(models.TextChoices):
        EXAM = "exam", "Exam room"
        PROCEDURE = "procedure", "Procedure room"
        LAB = "lab", "Lab / draw station"
        TRIAGE = "triage", "Triage"

    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="rooms")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.EXAM)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["location__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["location", "name"], name="room_name_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.location.name})"


class User(AbstractUser):
    """A staff member. Every user belongs to exactly one clinic and has one role."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, related_name="staff", null=True, blank=True
    )
    role = models.CharField(max_length=32, choices=Role.choices, blank=True)
    location = models.ForeignKey(
        "practice.Location",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff",
        help_text="Where the staff member usually works (their home location).",
    )

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    def can(self, permission: str) -> bool:
        """Whether this user's role grants `permission` (the table in `roles.py`)."""
        return roles.can(self, permission)


class Provider(BaseModel):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="providers")
    user = models.OneToOneField(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="provider"
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    credentials = models.CharField(max_length=40, blank=True, help_text="e.g. MD, DO, NP, PA-C")
    npi = models.CharField(max_length=10, validators=[validate_npi], verbose_name="NPI")
    specialty = models.CharField(max_length=100, blank=True)
    locations = models.ManyToManyField(Location, blank=True, related_name="providers")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [models.UniqueConstraint(fields=["clinic", "npi"], name="provider_npi")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        suffix = f", {self.credentials}" if self.credentials else ""
        return f"{self.first_name} {self.last_name}{suffix}"


class VisitType(BaseModel):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="visit_types")
    name = models.CharField(max_length=100)
    code = models.SlugField(max_length=40)
    duration_minutes = models.PositiveIntegerField(
        validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["clinic", "code"], name="visit_type_code")]

    def __str__(self) -> str:
        return f"{self.name} ({self.duration_minutes} min)"


class Payer(BaseModel):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="payers")
    name = models.CharField(max_length=200)
    payer_id = models.CharField(max_length=20, blank=True, help_text="Electronic payer id.")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored. It works until it expires
    (MEDASSIST_API_TOKEN_DAYS after issue, 90 by default) or is revoked."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str, *, days: int | None = None) -> tuple[ApiToken, str]:
        """A new token and its key (shown once). Audited by the callers' services."""
        key = "ma_" + secrets.token_urlsafe(32)
        lifetime = timedelta(days=days if days is not None else settings.MEDASSIST_API_TOKEN_DAYS)
        token = cls.objects.create(
            user=user,
            name=name,
            key_hash=cls.hash_key(key),
            prefix=key[:8],
            expires_at=timezone.now() + lifetime,
        )
        return token, key


class SignInThrottle(models.Model):
    """Failed sign-ins counted per key: one row for an account (its normalised username), one
    per client address, one per account's second step. `practice.throttle` updates the
    counter with single UPDATE statements, so concurrent attempts never pass the limit."""

    key = models.CharField(max_length=80, unique=True)
    failures = models.PositiveIntegerField(default=0)
    reset_at = models.DateTimeField()
    locked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.failures}"


class TotpDevice(models.Model):
    """A staff member's authenticator app (TOTP, RFC 6238). Unconfirmed until the first code
    from it is entered; `last_step` refuses a code used once from being used again."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device")
    secret = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_step = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"authenticator of {self.user}"


class RecoveryCode(models.Model):
    """One of ten one-time codes for a lost authenticator. Only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"recovery code of {self.user}"


class ScopeTask(models.TextChoices):
    """Clinical tasks a state may restrict for medical assistants (`practice.scope`)."""

    INJECTION = "injection", "Give an injection"
    VENIPUNCTURE = "venipuncture", "Draw blood (venipuncture)"
    DISPENSING = "dispensing", "Dispense a medication"
    POC_TEST = "poc_test", "Run a point-of-care test"
    VACCINE_ADMINISTRATION = "vaccine_administration", "Give a vaccine"


class StaffCredential(BaseModel):
    """A medical assistant's certification (or an explicit "none"), with its expiry."""

    class Kind(models.TextChoices):
        CMA = "CMA", "CMA (AAMA)"
        RMA = "RMA", "RMA (AMT)"
        NCMA = "NCMA", "NCMA (NCCT)"
        CCMA = "CCMA", "CCMA (NHA)"
        NONE = "none", "No certification"

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="staff_credentials")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    number = models.CharField(max_length=40, blank=True)
    issued_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["user_id", "kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.user}"


class TrainingRecord(BaseModel):
    """Training for one task: hours, procedures performed under supervision, the trainer's
    written certificate, when it was completed and (for some) when it lapses."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="training_records")
    task = models.CharField(max_length=32, choices=ScopeTask.choices)
    hours = models.DecimalField(
        max_digits=6, decimal_places=2, validators=[MinValueValidator(0)], default=0
    )
    supervised_procedures = models.PositiveIntegerField(default=0)
    certificate = models.CharField(
        max_length=200, blank=True, help_text="The trainer's written certification (reference)."
    )
    trainer = models.CharField(max_length=200, blank=True)
    completed_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["user_id", "task", "completed_on"]

    def __str__(self) -> str:
        return f"{self.get_task_display()} training of {self.user}"
