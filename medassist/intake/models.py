"""Rooming and vital signs."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from medassist.core.models import BaseModel


class Vitals(BaseModel):
    """One set of vital signs, stored in metric units. Never deleted: marked entered-in-error."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="vitals")
    appointment = models.ForeignKey(
        "scheduling.Appointment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vitals",
    )
    taken_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    bp_systolic = models.PositiveSmallIntegerField(null=True, blank=True)
    bp_diastolic = models.PositiveSmallIntegerField(null=True, blank=True)
    pulse = models.PositiveSmallIntegerField(null=True, blank=True)
    respiratory_rate = models.PositiveSmallIntegerField(null=True, blank=True)
    temperature_c = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    spo2 = models.PositiveSmallIntegerField("SpO2", null=True, blank=True)
    height_cm = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    weight_kg = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    bmi = models.DecimalField("BMI", max_digits=4, decimal_places=1, null=True, blank=True)
    head_circumference_cm = models.DecimalField(
        "Head circumference", max_digits=4, decimal_places=1, null=True, blank=True
    )
    pain = models.PositiveSmallIntegerField(null=True, blank=True)
    flags = models.JSONField(default=list, blank=True)
    entered_in_error = models.BooleanField(default=False)
    error_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-taken_at"]
        indexes = [models.Index(fields=["patient", "taken_at"])]

    def __str__(self) -> str:
        return f"Vitals for {self.patient} at {self.taken_at:%Y-%m-%d %H:%M}"

    @property
    def temperature_f(self):
        if self.temperature_c is None:
            return None
        return round(float(self.temperature_c) * 9 / 5 + 32, 1)

    @property
    def has_critical(self) -> bool:
        return any(f.get("critical") for f in self.flags)


class Rooming(BaseModel):
    """The MA's rooming of a visit: which room, and the reason for visit in the patient's words."""

    appointment = models.OneToOneField(
        "scheduling.Appointment", on_delete=models.PROTECT, related_name="rooming"
    )
    room = models.ForeignKey("practice.Room", on_delete=models.PROTECT, related_name="+")
    reason_for_visit = models.TextField(help_text="In the patient's own words.")
    roomed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    roomed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Rooming of {self.appointment}"


class Questionnaire(BaseModel):
    """A questionnaire of one clinic, stored as FHIR Questionnaire items (see intake/engine.py).
    Standard instruments (`instrument` set) are locked: their items and scoring are published."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        RETIRED = "retired", "Retired"

    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    name = models.SlugField(max_length=64, help_text="Computer-friendly name, unique per clinic.")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    instrument = models.CharField(max_length=20, blank=True, help_text="Standard instrument key.")
    code = models.CharField(max_length=20, blank=True, help_text="LOINC panel code.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    version = models.PositiveIntegerField(default=1)
    items = models.JSONField(default=list)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "name"], name="questionnaire_name")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def locked(self) -> bool:
        return bool(self.instrument)


class QuestionnaireResponse(BaseModel):
    """One patient's answers to one questionnaire (saved page by page, resumed until completed).
    `score` holds the instrument's total, band and flags: for staff only."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in-progress", "In progress"
        COMPLETED = "completed", "Completed"
        ENTERED_IN_ERROR = "entered-in-error", "Entered in error"

    class Channel(models.TextChoices):
        LINK = "link", "Signed link"
        PORTAL = "portal", "Portal"
        KIOSK = "kiosk", "Clinic tablet"
        STAFF = "staff", "Staff"
        API = "api", "API"

    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="responses"
    )
    questionnaire_version = models.PositiveIntegerField()
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="questionnaire_responses"
    )
    appointment = models.ForeignKey(
        "scheduling.Appointment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questionnaire_responses",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    answers = models.JSONField(default=dict, blank=True)
    pages_done = models.JSONField(default=list, blank=True)
    score = models.JSONField(null=True, blank=True)
    emergency = models.BooleanField(default=False)
    completed_at = models.DateTimeField(null=True, blank=True)
    error_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["patient", "status"])]

    def __str__(self) -> str:
        return f"{self.questionnaire} for {self.patient}"


class ResponseSave(models.Model):
    """One page save, by the form's one-time token: a page sent twice (a retry after a network
    hiccup) is written once."""

    response = models.ForeignKey(
        QuestionnaireResponse, on_delete=models.CASCADE, related_name="saves"
    )
    token = models.UUIDField()
    page = models.CharField(max_length=64)
    saved_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "token"], name="response_save_once")
        ]

    def __str__(self) -> str:
        return f"Save of page {self.page}"


class IntakeAlert(BaseModel):
    """Work for staff raised by an answer: an emergency answer, PHQ-9 item 9, a positive screen.
    Listed in the staff inbox through intake.selectors.inbox_items."""

    class Kind(models.TextChoices):
        EMERGENCY = "emergency", "Emergency answer"
        SELF_HARM = "self_harm", "PHQ-9 item 9 positive"
        POSITIVE_SCREEN = "positive_screen", "Positive screen"

    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    response = models.ForeignKey(
        QuestionnaireResponse, on_delete=models.PROTECT, related_name="alerts"
    )
    link_id = models.CharField(max_length=64, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=300)
    urgent = models.BooleanField(default=False)
    clinician_only = models.BooleanField(default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-urgent", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "kind", "link_id"], name="intake_alert_once"
            )
        ]

    def __str__(self) -> str:
        return self.title


class ConsentForm(BaseModel):
    """A consent or acknowledgment the clinic asks patients to sign (text written by the clinic;
    a new version when the text changes)."""

    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    body = models.TextField()
    version = models.PositiveIntegerField(default=1)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class ConsentSignature(BaseModel):
    """A patient's signature of one version of a consent form (typed full name, on the tablet)."""

    form = models.ForeignKey(ConsentForm, on_delete=models.PROTECT, related_name="signatures")
    form_version = models.PositiveIntegerField()
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    appointment = models.ForeignKey(
        "scheduling.Appointment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_name = models.CharField(max_length=200)
    signed_at = models.DateTimeField()
    channel = models.CharField(max_length=10, default="kiosk")

    def __str__(self) -> str:
        return f"{self.form} signed by {self.signed_name}"


def card_upload_to(instance: KioskCheckIn, filename: str) -> str:
    stem, _, ext = filename.rpartition(".")
    return f"kiosk/{instance.appointment.clinic_id}/{instance.public_id.hex}-{stem[:10]}.{ext[:5]}"


class KioskCheckIn(BaseModel):
    """A patient's self check-in on the clinic tablet: what they confirmed, the insurance card
    photos they took, and whether the visit was checked in (front desk finishes the rest)."""

    appointment = models.ForeignKey(
        "scheduling.Appointment", on_delete=models.PROTECT, related_name="kiosk_check_ins"
    )
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    demographics_ok = models.BooleanField(null=True)
    demographics_note = models.CharField(max_length=500, blank=True)
    insurance_ok = models.BooleanField(null=True)
    self_pay = models.BooleanField(default=False)
    insurance_note = models.CharField(max_length=500, blank=True)
    card_front = models.FileField(upload_to=card_upload_to, max_length=200, blank=True)
    card_back = models.FileField(upload_to=card_upload_to, max_length=200, blank=True)
    checked_in = models.BooleanField(default=False)
    needs_desk = models.BooleanField(default=False)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Kiosk check-in of {self.appointment}"


class RoomCleaning(models.Model):
    """A room cleaned after a patient left it (append-only). A room whose last patient left after
    its last cleaning needs cleaning on the room board."""

    room = models.ForeignKey("practice.Room", on_delete=models.PROTECT, related_name="cleanings")
    cleaned_at = models.DateTimeField()
    cleaned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["room", "cleaned_at"])]

    def __str__(self) -> str:
        return f"{self.room} cleaned at {self.cleaned_at:%H:%M}"


class RoomingChecklist(BaseModel):
    """The steps of rooming the clinic wants for a visit type (or for every visit type when
    visit_type is empty). Standard steps are checked by the work itself; others by hand."""

    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    visit_type = models.OneToOneField(
        "practice.VisitType", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    steps = models.JSONField(default=list, help_text='[{"key": "...", "label": "..."}]')

    def __str__(self) -> str:
        return f"Rooming checklist ({self.visit_type or 'every visit'})"


class ChecklistTick(models.Model):
    """One hand-checked rooming step of a visit."""

    appointment = models.ForeignKey(
        "scheduling.Appointment", on_delete=models.PROTECT, related_name="checklist_ticks"
    )
    key = models.CharField(max_length=40)
    done_at = models.DateTimeField()
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["appointment", "key"], name="checklist_tick_once")
        ]

    def __str__(self) -> str:
        return f"{self.key} done"


class MedReconciliation(BaseModel):
    """At rooming: is the patient taking each medication on the list, as listed? The chart's
    medication is named by its public id (records sits above intake) and its display text."""

    class Taking(models.TextChoices):
        TAKING = "taking", "Taking as listed"
        NOT_TAKING = "not_taking", "Not taking"
        CHANGED = "changed", "Taking, but differently"

    class Source(models.TextChoices):
        PATIENT = "patient", "Patient"
        CAREGIVER = "caregiver", "Caregiver"
        BOTTLES = "bottles", "Pill bottles"
        PHARMACY = "pharmacy", "Pharmacy list"
        OUTSIDE = "outside", "Outside records"

    appointment = models.ForeignKey(
        "scheduling.Appointment", on_delete=models.PROTECT, related_name="med_reconciliations"
    )
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    medication_id = models.UUIDField(null=True, blank=True, help_text="records medication")
    medication = models.CharField(max_length=300)
    taking = models.CharField(max_length=12, choices=Taking.choices)
    change = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=12, choices=Source.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.medication}: {self.get_taking_display()}"


class AllergyConfirmation(BaseModel):
    """At rooming: the allergy list was read back to the patient and confirmed (or changed)."""

    appointment = models.ForeignKey(
        "scheduling.Appointment", on_delete=models.PROTECT, related_name="allergy_confirmations"
    )
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    confirmed = models.BooleanField()
    note = models.CharField(max_length=500, blank=True)
    listed = models.JSONField(default=list, help_text="The allergies read back (display texts).")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return "Allergies confirmed" if self.confirmed else "Allergies changed"


class PrepInstruction(BaseModel):
    """How to prepare, written by the clinic: for a visit type (sent with its reminders and
    shown on the patient's forms page) or for a test by its code (e.g. LOINC 2093-3, a lipid
    panel: fasting), read by whoever sends the test's instructions."""

    clinic = models.ForeignKey("practice.Clinic", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Plain words for the patient; sent as written.")
    visit_type = models.ForeignKey(
        "practice.VisitType", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    test_code = models.CharField(
        max_length=40, blank=True, help_text="LOINC or CPT code of a test this applies to."
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title
