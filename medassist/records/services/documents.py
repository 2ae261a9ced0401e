"""Documents and images: uploaded with type sniffing (the bytes decide, not the name) and a
size limit; nothing is stored — no row, no file — when the upload is refused."""

from __future__ import annotations

import contextlib
import hashlib
import os

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from medassist.core.errors import ValidationFailed
from medassist.practice.models import User
from medassist.practice.roles import require
from medassist.records.models import Document, document_upload_to
from medassist.records.services._common import (
    chart_item_enter_in_error,
    check_not_future,
    check_patient_in_clinic,
    clean_text,
    clinic_today,
    save_new,
    update_item,
)

ALLOWED_TYPES = {
    "application/pdf": "PDF",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/tiff": "TIFF",
}


def _human(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.0f} MB"
    return f"{n / 1024:.0f} KB"


def read_upload(uploaded) -> tuple[bytes, str]:
    """Read and check an uploaded file. Returns (bytes, sniffed content type) or raises
    ValidationFailed. Checks the size before reading everything."""
    limit = settings.MEDASSIST_MAX_DOCUMENT_BYTES
    if uploaded is None:
        raise ValidationFailed("Choose a file to upload.", field="file")
    declared = getattr(uploaded, "size", None)
    if declared is not None and declared > limit:
        raise ValidationFailed(
            f"The file is too large ({_human(declared)}); the limit is {_human(limit)}.",
            field="file",
        )
    if hasattr(uploaded, "seek"):
        uploaded.seek(0)
    data = uploaded.read(limit + 1)
    if len(data) > limit:
        raise ValidationFailed(
            f"The file is too large; the limit is {_human(limit)}.", field="file"
        )
    if not data:
        raise ValidationFailed("The file is empty.", field="file")
    kind = filetype.guess(data[:8192])
    mime = kind.mime if kind else None
    if mime not in ALLOWED_TYPES:
        what = f"a {kind.extension.upper()} file" if kind else "not a recognised document"
        raise ValidationFailed(
            f"This file is {what}. Upload a PDF, PNG, JPEG or TIFF.", field="file"
        )
    return data, mime


def _delete_quietly(storage, name: str) -> None:
    with contextlib.suppress(OSError):
        storage.delete(name)


@transaction.atomic
def document_upload(
    *,
    actor: User,
    patient,
    uploaded_file,
    title: str = "",
    kind: str = Document.Kind.OTHER,
    received_date=None,
    note: str = "",
    encounter=None,
    source_identifier: str = "",
) -> Document:
    """Store a scanned form, outside record or image for a patient."""
    require(actor, "document.upload")
    check_patient_in_clinic(actor, patient)
    if encounter is not None and encounter.patient_id != patient.pk:
        raise ValidationFailed("That encounter belongs to another patient.", field="encounter")
    if kind not in Document.Kind.values:
        raise ValidationFailed("Choose what kind of document this is.", field="kind")
    original_name = os.path.basename(getattr(uploaded_file, "name", "") or "")[:255]
    title = clean_text(
        title or os.path.splitext(original_name)[0],
        field="title",
        label="Title",
        max_length=200,
        required=True,
    )
    check_not_future(
        received_date, field="received_date", label="Received date", today=clinic_today(actor)
    )
    data, mime = read_upload(uploaded_file)
    doc = Document(
        patient=patient,
        encounter=encounter,
        kind=kind,
        title=title,
        original_filename=original_name,
        content_type=mime,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        received_date=received_date or clinic_today(actor),
        note=clean_text(note, field="note", label="Note", max_length=5000),
        source_identifier=source_identifier,
    )
    storage = Document._meta.get_field("file").storage
    doc.file.name = document_upload_to(doc, original_name)
    save_new(actor=actor, obj=doc)
    # The file is written last, so any refusal above leaves nothing on disk; if writing it
    # fails, the exception rolls the row back and the partial file is removed. (Django has no
    # on-rollback hook: a caller that rolls back after this returns leaves the file behind.)
    try:
        stored = storage.save(doc.file.name, ContentFile(data))
    except Exception:
        _delete_quietly(storage, doc.file.name)
        raise
    if stored != doc.file.name:  # storage chose another name: keep the row in step
        Document.objects.filter(pk=doc.pk).update(file=stored)
        doc.file.name = stored
    return doc


DOCUMENT_FIELDS = {"title", "kind", "received_date", "note"}


@transaction.atomic
def document_update(*, actor: User, document: Document, reason: str = "", **changes) -> Document:
    require(actor, "document.upload")

    def check(d: Document) -> None:
        d.title = clean_text(d.title, field="title", label="Title", max_length=200, required=True)
        check_not_future(
            d.received_date, field="received_date", label="Received date", today=clinic_today(actor)
        )

    return update_item(
        actor=actor,
        obj=document,
        changes=changes,
        allowed=DOCUMENT_FIELDS,
        validate=check,
        reason=reason,
        permission="document.upload",
    )


def document_enter_in_error(*, actor: User, document: Document, reason: str) -> Document:
    """The file stays (nothing clinical is deleted); the document is withdrawn from view."""
    return chart_item_enter_in_error(
        actor=actor, item=document, reason=reason, permission="document.upload"
    )
