"""Notes on an encounter (draft, signed, amended) and documents filed on the chart."""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.db import models

from medassist.records.models.base import ENTERED_IN_ERROR, ChartItem
from medassist.records.models.encounters import Encounter


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
