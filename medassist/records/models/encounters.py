"""What happens at a visit: the encounter, procedures performed, results (observations)."""

from __future__ import annotations

from django.db import models

from medassist.records.models.base import ENTERED_IN_ERROR, ChartItem, Coded, CodeSystem


class Encounter(ChartItem):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in-progress", "In progress"
        FINISHED = "finished", "Finished"
        CANCELLED = "cancelled", "Cancelled"
        ENTERED_IN_ERROR = ENTERED_IN_ERROR, "Entered in error"

    class Class(models.TextChoices):
        AMB = "AMB", "Ambulatory"
        VR = "VR", "Virtual"
        HH = "HH", "Home health"
        EMER = "EMER", "Emergency"
        IMP = "IMP", "Inpatient"
        FLD = "FLD", "Field"

    ITEM_TYPE = "encounter"

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="encounters"
    )
    appointment = models.OneToOneField(
        "scheduling.Appointment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="encounter",
    )
    provider = models.ForeignKey(
        "practice.Provider", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    start = models.DateTimeField()
    end = models.DateTimeField(null=True, blank=True)
    class_code = models.CharField(max_length=8, choices=Class.choices, default=Class.AMB)
    type_code_system = models.CharField(
        max_length=12, choices=CodeSystem.choices, default=CodeSystem.TEXT
    )
    type_code = models.CharField(max_length=40, blank=True)
    type_display = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    reason_text = models.CharField(max_length=2000, blank=True)
    reason_code_system = models.CharField(
        max_length=12, choices=CodeSystem.choices, default=CodeSystem.TEXT
    )
    reason_code = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-start", "-id"]
        indexes = [models.Index(fields=["patient", "start"])]

    def __str__(self) -> str:
        return f"{self.type_display or self.get_class_code_display()} {self.start:%Y-%m-%d}"


class MaKind(models.TextChoices):
    EXAM_ASSIST = "exam-assist", "Exam assist"
    SUTURE_REMOVAL = "suture-removal", "Suture removal"
    STAPLE_REMOVAL = "staple-removal", "Staple removal"
    WOUND_CARE = "wound-care", "Wound care"
    DRESSING_CHANGE = "dressing-change", "Dressing change"


class Procedure(ChartItem, Coded):
    class Status(models.TextChoices):
        PREPARATION = "preparation", "Preparation"
        IN_PROGRESS = "in-progress", "In progress"
        NOT_DONE = "not-done", "Not done"
        ON_HOLD = "on-hold", "On hold"
        STOPPED = "stopped", "Stopped"
        COMPLETED = "completed", "Completed"
        ENTERED_IN_ERROR = ENTERED_IN_ERROR, "Entered in error"
        UNKNOWN = "unknown", "Unknown"

    ITEM_TYPE = "procedure"

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="procedures"
    )
    encounter = models.ForeignKey(
        Encounter, on_delete=models.PROTECT, null=True, blank=True, related_name="procedures"
    )
    performed_start = models.DateTimeField(null=True, blank=True)
    performed_end = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.COMPLETED)
    body_site = models.CharField(max_length=100, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    note = models.TextField(blank=True)
    # A procedure the MA assists or performs (blank for others): its checklist as done,
    # consent, wound measurements, supplies, photos and the clinician's co-signature.
    ma_kind = models.CharField(max_length=20, choices=MaKind.choices, blank=True)
    checklist = models.JSONField(default=list, blank=True)  # [{"item": str, "done": bool}]
    consent_obtained = models.BooleanField(null=True, blank=True)
    wound_length_cm = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    wound_width_cm = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    wound_depth_cm = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    supplies = models.JSONField(default=list, blank=True)  # [{"name": str, "quantity": int}]
    photos = models.ManyToManyField("records.Document", blank=True, related_name="procedures")
    performed_by = models.ForeignKey(
        "practice.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cosigned_by = models.ForeignKey(
        "practice.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cosigned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-performed_start", "-id"]
        indexes = [models.Index(fields=["patient", "performed_start"])]

    def __str__(self) -> str:
        return self.display


class ProcedureChecklist(models.Model):
    """A clinic's checklist for one kind of MA procedure (the built-in one applies when a
    clinic has none), and whether that kind needs the patient's consent."""

    clinic = models.ForeignKey("practice.Clinic", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=MaKind.choices)
    items = models.JSONField(default=list)
    consent_required = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "kind"], name="one_checklist_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} checklist"


class Observation(ChartItem, Coded):
    """A lab or other result (FHIR Observation). Vital signs taken in clinic live in
    intake.Vitals; imported vital-sign observations may live here with category vital-signs."""

    class Status(models.TextChoices):
        REGISTERED = "registered", "Registered"
        PRELIMINARY = "preliminary", "Preliminary"
        FINAL = "final", "Final"
        AMENDED = "amended", "Amended"
        CORRECTED = "corrected", "Corrected"
        CANCELLED = "cancelled", "Cancelled"
        ENTERED_IN_ERROR = ENTERED_IN_ERROR, "Entered in error"

    class Category(models.TextChoices):
        LABORATORY = "laboratory", "Laboratory"
        VITAL_SIGNS = "vital-signs", "Vital signs"
        SOCIAL_HISTORY = "social-history", "Social history"
        SURVEY = "survey", "Survey"
        EXAM = "exam", "Exam"
        IMAGING = "imaging", "Imaging"
        PROCEDURE = "procedure", "Procedure"
        THERAPY = "therapy", "Therapy"
        ACTIVITY = "activity", "Activity"

    ITEM_TYPE = "observation"

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="observations"
    )
    encounter = models.ForeignKey(
        Encounter, on_delete=models.PROTECT, null=True, blank=True, related_name="observations"
    )
    category = models.CharField(
        max_length=16, choices=Category.choices, default=Category.LABORATORY
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.FINAL)
    effective_at = models.DateTimeField()
    issued_at = models.DateTimeField(null=True, blank=True)
    value_quantity = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    value_unit = models.CharField("Unit (UCUM)", max_length=40, blank=True)
    value_string = models.CharField(max_length=1000, blank=True)
    value_code_system = models.CharField(
        max_length=12, choices=CodeSystem.choices, blank=True, default=""
    )
    value_code = models.CharField(max_length=40, blank=True)
    interpretation = models.CharField(max_length=60, blank=True, help_text="e.g. H, L, N, A")
    reference_range = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-effective_at", "-id"]
        indexes = [
            models.Index(fields=["patient", "effective_at"]),
            models.Index(fields=["patient", "code"]),
        ]

    def __str__(self) -> str:
        return f"{self.display} {self.value_display}"

    @property
    def value_display(self) -> str:
        if self.value_quantity is not None:
            number = self.value_quantity.normalize()
            text = f"{number:f}"
            return f"{text} {self.value_unit}".strip()
        return self.value_string
