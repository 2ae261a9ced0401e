"""Patients: demographics, contacts, emergency contact, insurance coverage."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models

from medassist.core.models import BaseModel


class Patient(BaseModel):
    class Sex(models.TextChoices):
        FEMALE = "F", "Female"
        MALE = "M", "Male"
        UNKNOWN = "U", "Unknown"
        OTHER = "X", "X / other"

    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    mrn = models.CharField("MRN", max_length=20, editable=False)
    first_name = models.CharField(max_length=100)
    middle_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    sex = models.CharField("Sex assigned at birth", max_length=1, choices=Sex.choices)
    # Normalized keys for duplicate detection and fast search.
    first_name_key = models.CharField(max_length=100, editable=False, db_index=True)
    last_name_key = models.CharField(max_length=100, editable=False, db_index=True)

    phone_mobile = models.CharField(max_length=20, blank=True, help_text="E.164")
    phone_home = models.CharField(max_length=20, blank=True, help_text="E.164")
    email = models.EmailField(blank=True)
    address_line1 = models.CharField(max_length=200, blank=True)
    address_line2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    preferred_language = models.CharField(max_length=40, default="English")

    emergency_contact_name = models.CharField(max_length=200, blank=True)
    emergency_contact_relationship = models.CharField(max_length=60, blank=True)
    emergency_contact_phone = models.CharField(max_length=20, blank=True, help_text="E.164")

    demographics_confirmed_at = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [models.UniqueConstraint(fields=["clinic", "mrn"], name="patient_mrn")]
        indexes = [
            models.Index(fields=["clinic", "last_name_key", "first_name_key", "date_of_birth"]),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.mrn})"

    @property
    def display_name(self) -> str:
        return f"{self.last_name}, {self.first_name}"

    def age_on(self, day: date) -> int:
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))

    @property
    def language_code(self) -> str:
        """"es" for a patient whose preferred language is Spanish, else "en": the languages
        the clinic's reviewed patient texts are written in."""
        words = (self.preferred_language or "").strip().lower()
        spanish = words in ("es", "spa") or words.startswith(("spanish", "español", "espanol"))
        return "es" if spanish else "en"

    def age_text_on(self, day: date) -> str:
        """The age as a clinician writes it: days under 4 weeks, months under 2 years, then
        years ("9 d", "14 mo", "41 y")."""
        dob = self.date_of_birth
        if day < dob:
            return "0 d"
        months = (day.year - dob.year) * 12 + day.month - dob.month - (day.day < dob.day)
        if months < 24:
            days = (day - dob).days
            return f"{days} d" if days < 28 else f"{max(months, 1)} mo"
        return f"{self.age_on(day)} y"


class Coverage(BaseModel):
    class Relationship(models.TextChoices):
        SELF = "self", "Self"
        SPOUSE = "spouse", "Spouse"
        CHILD = "child", "Child"
        OTHER = "other", "Other"

    class Priority(models.IntegerChoices):
        PRIMARY = 1, "Primary"
        SECONDARY = 2, "Secondary"
        TERTIARY = 3, "Tertiary"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="coverages")
    payer = models.ForeignKey("practice.Payer", on_delete=models.PROTECT, related_name="+")
    member_id = models.CharField(max_length=40)
    group_number = models.CharField(max_length=40, blank=True)
    subscriber_name = models.CharField(max_length=200, blank=True)
    subscriber_date_of_birth = models.DateField(null=True, blank=True)
    relationship = models.CharField(
        max_length=10, choices=Relationship.choices, default=Relationship.SELF
    )
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.PRIMARY)
    copay = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    active = models.BooleanField(default=True)
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["priority", "-created_at"]

    def __str__(self) -> str:
        return f"{self.payer} {self.member_id}"


class EmergencyAccess(BaseModel):
    """Break-the-glass: a staff member's time-boxed emergency access to one patient's chart,
    with the reason they gave. Nothing in a chart is restricted today; a later restriction
    (a restricted chart, a patient of another location) lets through whoever holds one in
    force (`patients.selectors.emergency_access_in_force`). Clinic admins review them all."""

    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="emergency_accesses"
    )
    reason = models.TextField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["user", "patient", "ends_at"])]

    def __str__(self) -> str:
        return f"{self.user} → {self.patient} until {self.ends_at:%Y-%m-%d %H:%M}"
