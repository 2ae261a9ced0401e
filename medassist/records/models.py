"""The medical record (chart): encounters, problems, allergies, medications, immunizations,
histories, procedures, observations, notes, documents — and the history of every change.

Integrity rules (enforced by medassist.records.services):
- nothing clinical is hard-deleted: items are marked entered-in-error with a reason;
- every change writes a ChartHistory row (who, when, what changed, before/after);
- a signed note is never edited in place: it is amended by a new Note row with a reason.

Coded things carry (code_system, code, display) so a FHIR mapper and importers can use them;
`source_identifier` holds an external system's id (importers use it to avoid duplicates).
"""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.db import models

from medassist.core.models import BaseModel


class CodeSystem(models.TextChoices):
    ICD10CM = "icd-10-cm", "ICD-10-CM"
    SNOMED = "snomed", "SNOMED CT"
    RXNORM = "rxnorm", "RxNorm"
    LOINC = "loinc", "LOINC"
    CVX = "cvx", "CVX"
    CPT = "cpt", "CPT"
    TEXT = "text", "Text only"


# FHIR system URIs for each code system (for the FHIR mapper).
SYSTEM_URIS: dict[str, str] = {
    CodeSystem.ICD10CM: "http://hl7.org/fhir/sid/icd-10-cm",
    CodeSystem.SNOMED: "http://snomed.info/sct",
    CodeSystem.RXNORM: "http://www.nlm.nih.gov/research/umls/rxnorm",
    CodeSystem.LOINC: "http://loinc.org",
    CodeSystem.CVX: "http://hl7.org/fhir/sid/cvx",
    CodeSystem.CPT: "http://www.ama-assn.org/go/cpt",
}

ENTERED_IN_ERROR = "entered-in-error"


class Coded(models.Model):
    """A coded concept: (code_system, code, display). `code` is blank for text-only entries."""

    code_system = models.CharField(max_length=12, choices=CodeSystem.choices, default="text")
    code = models.CharField(max_length=40, blank=True, db_index=True)
    display = models.CharField(max_length=300)

    class Meta:
        abstract = True


class ChartItem(BaseModel):
    """Common to every chart item: the patient, an external id, a version, an error reason."""

    source_identifier = models.CharField(max_length=200, blank=True, db_index=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    error_reason = models.CharField(max_length=500, blank=True)

    # name of the field holding the status that can be "entered-in-error"
    STATUS_FIELD = "status"
    ITEM_TYPE = ""

    class Meta:
        abstract = True

    @property
    def is_entered_in_error(self) -> bool:
        return getattr(self, self.STATUS_FIELD) == ENTERED_IN_ERROR


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
    reason_text = models.CharField(max_length=1000, blank=True)
    reason_code_system = models.CharField(
        max_length=12, choices=CodeSystem.choices, default=CodeSystem.TEXT
    )
    reason_code = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-start", "-id"]
        indexes = [models.Index(fields=["patient", "start"])]

    def __str__(self) -> str:
        return f"{self.type_display or self.get_class_code_display()} {self.start:%Y-%m-%d}"


class Problem(ChartItem, Coded):
    """A condition on the problem list (FHIR Condition)."""

    class ClinicalStatus(models.TextChoices):
        ACTIVE = "active", "Active"
        RECURRENCE = "recurrence", "Recurrence"
        RELAPSE = "relapse", "Relapse"
        INACTIVE = "inactive", "Inactive"
        REMISSION = "remission", "Remission"
        RESOLVED = "resolved", "Resolved"

    class Verification(models.TextChoices):
        UNCONFIRMED = "unconfirmed", "Unconfirmed"
        PROVISIONAL = "provisional", "Provisional"
        DIFFERENTIAL = "differential", "Differential"
        CONFIRMED = "confirmed", "Confirmed"
        REFUTED = "refuted", "Refuted"
        ENTERED_IN_ERROR = ENTERED_IN_ERROR, "Entered in error"

    class Category(models.TextChoices):
        PROBLEM_LIST = "problem-list-item", "Problem list item"
        ENCOUNTER_DIAGNOSIS = "encounter-diagnosis", "Encounter diagnosis"

    ITEM_TYPE = "problem"
    STATUS_FIELD = "verification_status"
    ACTIVE_STATUSES = ("active", "recurrence", "relapse")

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="problems"
    )
    encounter = models.ForeignKey(
        Encounter, on_delete=models.PROTECT, null=True, blank=True, related_name="problems"
    )
    category = models.CharField(
        max_length=24, choices=Category.choices, default=Category.PROBLEM_LIST
    )
    clinical_status = models.CharField(
        max_length=12, choices=ClinicalStatus.choices, default=ClinicalStatus.ACTIVE
    )
    verification_status = models.CharField(
        max_length=20, choices=Verification.choices, default=Verification.CONFIRMED
    )
    onset_date = models.DateField(null=True, blank=True)
    abatement_date = models.DateField(null=True, blank=True)
    recorded_date = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-onset_date", "-id"]
        indexes = [models.Index(fields=["patient", "clinical_status"])]

    def __str__(self) -> str:
        return f"{self.code} {self.display}".strip()


class Allergy(ChartItem, Coded):
    """An allergy or intolerance (FHIR AllergyIntolerance). `display` is the substance."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        INACTIVE = "inactive", "Inactive"
        RESOLVED = "resolved", "Resolved"
        ENTERED_IN_ERROR = ENTERED_IN_ERROR, "Entered in error"

    class Severity(models.TextChoices):
        MILD = "mild", "Mild"
        MODERATE = "moderate", "Moderate"
        SEVERE = "severe", "Severe"

    class Criticality(models.TextChoices):
        LOW = "low", "Low"
        HIGH = "high", "High"
        UNABLE = "unable-to-assess", "Unable to assess"

    class Category(models.TextChoices):
        FOOD = "food", "Food"
        MEDICATION = "medication", "Medication"
        ENVIRONMENT = "environment", "Environment"
        BIOLOGIC = "biologic", "Biologic"

    class Type(models.TextChoices):
        ALLERGY = "allergy", "Allergy"
        INTOLERANCE = "intolerance", "Intolerance"

    ITEM_TYPE = "allergy"

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="allergies"
    )
    allergy_type = models.CharField(max_length=12, choices=Type.choices, default=Type.ALLERGY)
    category = models.CharField(max_length=12, choices=Category.choices, blank=True)
    reaction = models.CharField(max_length=300, blank=True)
    severity = models.CharField(max_length=10, choices=Severity.choices, blank=True)
    criticality = models.CharField(max_length=20, choices=Criticality.choices, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    onset_date = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["display", "id"]
        verbose_name_plural = "allergies"
        indexes = [models.Index(fields=["patient", "status"])]

    def __str__(self) -> str:
        return self.display

    @property
    def substance(self) -> str:
        return self.display


class NoKnownAllergies(ChartItem):
    """The recorded fact "no known allergies": who said so and when. At most one is current;
    it cannot be recorded while an active allergy exists, and recording an allergy ends it."""

    class Status(models.TextChoices):
        CURRENT = "current", "Current"
        ENDED = "ended", "Ended"
        ENTERED_IN_ERROR = ENTERED_IN_ERROR, "Entered in error"

    ITEM_TYPE = "nka"

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="nka")
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CURRENT)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_reason = models.CharField(max_length=300, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = "no known allergies"
        verbose_name_plural = "no known allergies"

    def __str__(self) -> str:
        return f"No known allergies ({self.status})"


class MedicationStatement(ChartItem, Coded):
    """A medication the patient takes or took. `display` is the drug name; code is RxNorm."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        STOPPED = "stopped", "Stopped"
        ON_HOLD = "on-hold", "On hold"
        ENTERED_IN_ERROR = ENTERED_IN_ERROR, "Entered in error"

    ITEM_TYPE = "medication"

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="medications"
    )
    encounter = models.ForeignKey(
        Encounter, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    strength = models.CharField(max_length=100, blank=True)
    dose = models.CharField(max_length=100, blank=True)
    route = models.CharField(max_length=60, blank=True)
    frequency = models.CharField(max_length=100, blank=True)
    prescriber = models.ForeignKey(
        "practice.Provider", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    prescriber_text = models.CharField(max_length=200, blank=True)
    start_date = models.DateField(null=True, blank=True)
    stop_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    reason = models.CharField(max_length=300, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["display", "id"]
        indexes = [models.Index(fields=["patient", "status"])]

    def __str__(self) -> str:
        return " ".join(p for p in (self.display, self.strength) if p)

    @property
    def drug_name(self) -> str:
        return self.display

    @property
    def prescriber_name(self) -> str:
        if self.prescriber is not None:
            return self.prescriber.display_name
        return self.prescriber_text


class Immunization(ChartItem, Coded):
    """A vaccine given (or not given). code_system is CVX; `display` is the vaccine name."""

    class Status(models.TextChoices):
        COMPLETED = "completed", "Completed"
        NOT_DONE = "not-done", "Not done"
        ENTERED_IN_ERROR = ENTERED_IN_ERROR, "Entered in error"

    ITEM_TYPE = "immunization"

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="immunizations"
    )
    encounter = models.ForeignKey(
        Encounter, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    occurrence_date = models.DateField()
    lot_number = models.CharField(max_length=40, blank=True)
    expiration_date = models.DateField(null=True, blank=True)
    manufacturer = models.CharField(max_length=100, blank=True)
    site = models.CharField(max_length=60, blank=True)
    route = models.CharField(max_length=60, blank=True)
    dose_quantity = models.CharField(max_length=40, blank=True, help_text="e.g. 0.5 mL")
    performer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    performer_text = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.COMPLETED)
    status_reason = models.CharField(max_length=300, blank=True)
    primary_source = models.BooleanField(
        default=True, help_text="False when reported by the patient or another provider."
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-occurrence_date", "-id"]
        indexes = [models.Index(fields=["patient", "occurrence_date"])]

    def __str__(self) -> str:
        return f"{self.display} {self.occurrence_date}"

    @property
    def cvx_code(self) -> str:
        return self.code


class HistoryEntry(ChartItem, Coded):
    """Past medical, surgical or family history. `display` is the condition or procedure.

    - medical: condition (+ optional code), onset date or text ("childhood")
    - surgical: procedure (+ optional code), performed date or text
    - family: relation + condition (+ optional code), onset age, deceased
    """

    class Kind(models.TextChoices):
        MEDICAL = "medical", "Past medical"
        SURGICAL = "surgical", "Surgical"
        FAMILY = "family", "Family"

    class Status(models.TextChoices):
        CURRENT = "current", "Current"
        ENTERED_IN_ERROR = ENTERED_IN_ERROR, "Entered in error"

    class Relation(models.TextChoices):
        MOTHER = "MTH", "Mother"
        FATHER = "FTH", "Father"
        SISTER = "SIS", "Sister"
        BROTHER = "BRO", "Brother"
        DAUGHTER = "DAU", "Daughter"
        SON = "SON", "Son"
        MATERNAL_GRANDMOTHER = "MGRMTH", "Maternal grandmother"
        MATERNAL_GRANDFATHER = "MGRFTH", "Maternal grandfather"
        PATERNAL_GRANDMOTHER = "PGRMTH", "Paternal grandmother"
        PATERNAL_GRANDFATHER = "PGRFTH", "Paternal grandfather"
        AUNT = "AUNT", "Aunt"
        UNCLE = "UNCLE", "Uncle"
        COUSIN = "COUSN", "Cousin"
        OTHER = "FAMMEMB", "Other family member"

    ITEM_TYPE = "history"

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="history_entries"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    date = models.DateField(null=True, blank=True, help_text="Onset or performed date.")
    date_text = models.CharField(
        max_length=60, blank=True, help_text="When the exact date is unknown, e.g. '1990s'."
    )
    relation = models.CharField(max_length=10, choices=Relation.choices, blank=True)
    onset_age = models.PositiveSmallIntegerField(null=True, blank=True)
    deceased = models.BooleanField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CURRENT)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["kind", "-date", "id"]
        verbose_name_plural = "history entries"
        indexes = [models.Index(fields=["patient", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.display}"


class SmokingStatus(models.TextChoices):
    """SNOMED CT codes of the smoking-status value set (LOINC 72166-2 answers)."""

    EVERY_DAY = "449868002", "Current every day smoker"
    SOME_DAY = "428041000124106", "Current some day smoker"
    FORMER = "8517006", "Former smoker"
    NEVER = "266919005", "Never smoker"
    CURRENT_UNKNOWN = "77176002", "Smoker, current status unknown"
    UNKNOWN = "266927001", "Unknown if ever smoked"
    HEAVY = "428071000124103", "Current heavy tobacco smoker"
    LIGHT = "428061000124105", "Current light tobacco smoker"


class SocialHistory(ChartItem):
    """The patient's social history: one record per patient, updated with full history."""

    class Status(models.TextChoices):
        CURRENT = "current", "Current"
        ENTERED_IN_ERROR = ENTERED_IN_ERROR, "Entered in error"

    ITEM_TYPE = "social"

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="social_histories"
    )
    smoking_status = models.CharField(
        "Smoking status (SNOMED CT)", max_length=20, choices=SmokingStatus.choices, blank=True
    )
    pack_years = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    tobacco_other = models.CharField(
        "Other tobacco / nicotine", max_length=200, blank=True, help_text="Vaping, chewing..."
    )
    alcohol_use = models.CharField(max_length=200, blank=True)
    drug_use = models.CharField(max_length=200, blank=True)
    occupation = models.CharField(max_length=200, blank=True)
    living_situation = models.CharField(max_length=300, blank=True)
    sexual_history = models.CharField(max_length=300, blank=True)
    exercise = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CURRENT)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name_plural = "social histories"

    def __str__(self) -> str:
        return f"Social history of {self.patient_id}"


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

    class Meta:
        ordering = ["-performed_start", "-id"]
        indexes = [models.Index(fields=["patient", "performed_start"])]

    def __str__(self) -> str:
        return self.display


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


class Note(ChartItem):
    """An encounter note. Draft → signed. A signed note is never edited: it is amended by a new
    Note row (amends=<signed note>, amendment_reason) which is signed when written; the amended
    note's status becomes "amended" and its text stays as it was."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SIGNED = "signed", "Signed"
        AMENDED = "amended", "Amended"
        ENTERED_IN_ERROR = ENTERED_IN_ERROR, "Entered in error"

    class Type(models.TextChoices):
        PROGRESS = "progress", "Progress note"
        HISTORY_PHYSICAL = "history-physical", "History and physical"
        CONSULT = "consult", "Consultation"
        PROCEDURE = "procedure", "Procedure note"
        TELEPHONE = "telephone", "Telephone encounter"
        NURSING = "nursing", "Nursing note"
        OTHER = "other", "Other"

    # LOINC document codes for the FHIR mapper.
    TYPE_LOINC = {
        "progress": ("11506-3", "Progress note"),
        "history-physical": ("34117-2", "History and physical note"),
        "consult": ("11488-4", "Consult note"),
        "procedure": ("28570-0", "Procedure note"),
        "telephone": ("34748-4", "Telephone encounter Note"),
        "nursing": ("34746-8", "Nurse Note"),
    }

    ITEM_TYPE = "note"

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="notes")
    encounter = models.ForeignKey(Encounter, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note_type = models.CharField(max_length=20, choices=Type.choices, default=Type.PROGRESS)
    title = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    amends = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="amendments"
    )
    amendment_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["patient", "created_at"]),
            models.Index(fields=["encounter", "created_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        """Last line of defence: the text of a signed note never changes, whoever saves it."""
        if not self._state.adding and self.pk:
            old = Note.objects.filter(pk=self.pk).values("status", "title", "body").first()
            if (
                old
                and old["status"] != Note.Status.DRAFT
                and (old["title"], old["body"]) != (self.title, self.body)
            ):
                raise NoteImmutable("A signed note cannot be edited; amend it with a reason.")
        super().save(*args, **kwargs)


class NoteImmutable(Exception):
    pass


def document_upload_to(instance: Document, filename: str) -> str:
    """A random stored name; the extension follows the sniffed type, never the upload's name."""
    ext = {
        "application/pdf": ".pdf",
        "image/png": ".png",
        "image/jpeg": ".jpg",
        "image/tiff": ".tif",
    }.get(instance.content_type, os.path.splitext(filename)[1][:8])
    return f"records/documents/{uuid.uuid4().hex}{ext}"


class Document(ChartItem):
    class Kind(models.TextChoices):
        SCANNED_FORM = "scanned-form", "Scanned form"
        OUTSIDE_RECORD = "outside-record", "Outside record"
        IMAGE = "image", "Image"
        CONSENT = "consent", "Consent"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        CURRENT = "current", "Current"
        ENTERED_IN_ERROR = ENTERED_IN_ERROR, "Entered in error"

    ITEM_TYPE = "document"

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="documents"
    )
    encounter = models.ForeignKey(
        Encounter, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to=document_upload_to, max_length=200)
    original_filename = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=60)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    received_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CURRENT)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["patient", "created_at"])]

    def __str__(self) -> str:
        return self.title


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
