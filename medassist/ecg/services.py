"""ECG writes: record (upload, read, measure, store), review (the physician signs the
tracing), entered in error. Each checks the role, validates, saves, audits, in one
transaction; a refused upload stores nothing — no row, no file."""

from __future__ import annotations

import contextlib
import hashlib
import os

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.errors import Conflict, ValidationFailed
from medassist.ecg.errors import EcgError
from medassist.ecg.measure import FLAG_LABELS, measure_record
from medassist.ecg.models import EcgRecording, recording_upload_to
from medassist.ecg.readers import read_bytes
from medassist.practice.models import User
from medassist.practice.roles import require, staff_clinic


def _read_upload(uploaded) -> bytes:
    limit = settings.MEDASSIST_MAX_DOCUMENT_BYTES
    if uploaded is None:
        raise ValidationFailed("Choose the ECG file to upload.", field="file")
    declared = getattr(uploaded, "size", None)
    if declared is not None and declared > limit:
        raise ValidationFailed("The file is larger than the upload limit.", field="file")
    if hasattr(uploaded, "seek"):
        uploaded.seek(0)
    data = uploaded.read(limit + 1)
    if len(data) > limit:
        raise ValidationFailed("The file is larger than the upload limit.", field="file")
    if not data:
        raise ValidationFailed("The file is empty.", field="file")
    return data


def summarize(result) -> dict:
    """The stored measurements: the record's values and each lead's, without beat lists."""
    body = result.as_dict()
    for lead in body["leads"]:
        lead["beat_count"] = len(lead.pop("beats"))
    return body


@transaction.atomic
def ecg_record(
    *,
    actor: User,
    patient,
    uploaded_file,
    sampling_rate: float | None = None,
    encounter=None,
    note: str = "",
) -> EcgRecording:
    """Read and measure an uploaded recording and file it on the patient's chart."""
    require(actor, "ecg.record")
    clinic = staff_clinic(actor)
    if patient.clinic_id != clinic.pk:
        raise ValidationFailed("That patient is not in your clinic.", field="patient")
    if encounter is not None and encounter.patient_id != patient.pk:
        raise ValidationFailed("That encounter belongs to another patient.", field="encounter")
    note = (note or "").strip()
    if len(note) > 2000:
        raise ValidationFailed("The note is longer than 2,000 characters.", field="note")
    data = _read_upload(uploaded_file)
    name = os.path.basename(getattr(uploaded_file, "name", "") or "")[:255]
    try:
        rec = read_bytes(name or "upload", data, fs=sampling_rate)
        result = measure_record(rec.leads, rec.fs)
    except EcgError as exc:
        raise ValidationFailed(exc.message, field="file", code=exc.code) from exc
    obj = EcgRecording(
        patient=patient,
        encounter=encounter,
        recorded_at=timezone.now(),
        recorded_by=actor,
        original_filename=name,
        format=rec.format,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        sampling_rate=rec.fs,
        duration_s=round(rec.duration_s, 2),
        lead_names=list(rec.leads),
        acceptable=result.acceptable,
        quality={lead.name: lead.flags for lead in result.leads},
        measurements=summarize(result),
        note=note,
        created_by=actor,
        updated_by=actor,
    )
    storage = EcgRecording._meta.get_field("file").storage
    obj.file.name = recording_upload_to(obj, name)
    obj.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=obj,
        patient=patient,
        detail={"format": rec.format, "leads": len(rec.leads), "acceptable": result.acceptable},
    )
    try:
        stored = storage.save(obj.file.name, ContentFile(data))
    except Exception:
        with contextlib.suppress(OSError):
            storage.delete(obj.file.name)
        raise
    if stored != obj.file.name:
        EcgRecording.objects.filter(pk=obj.pk).update(file=stored)
        obj.file.name = stored
    return obj


@transaction.atomic
def ecg_review(*, actor: User, recording: EcgRecording) -> EcgRecording:
    """The physician signs the tracing as reviewed (the measurements do not change)."""
    require(actor, "ecg.review")
    rec = EcgRecording.objects.select_for_update().get(pk=recording.pk)
    if rec.patient.clinic_id != staff_clinic(actor).pk:
        raise ValidationFailed("That recording is not in your clinic.")
    if rec.status != EcgRecording.Status.RECORDED:
        raise Conflict(f"This recording is already {rec.get_status_display().lower()}.")
    rec.status = EcgRecording.Status.REVIEWED
    rec.reviewed_at = timezone.now()
    rec.reviewed_by = actor
    rec.updated_by = actor
    rec.save(update_fields=["status", "reviewed_at", "reviewed_by", "updated_by", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.TRANSITION,
        obj=rec,
        patient=rec.patient,
        detail={"status": rec.status},
    )
    return rec


@transaction.atomic
def ecg_enter_in_error(*, actor: User, recording: EcgRecording, reason: str) -> EcgRecording:
    """The file and values stay; the recording is withdrawn from view, with the reason."""
    require(actor, "ecg.record")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Say why this recording is in error.", field="reason")
    if len(reason) > 500:
        raise ValidationFailed("The reason is longer than 500 characters.", field="reason")
    rec = EcgRecording.objects.select_for_update().get(pk=recording.pk)
    if rec.patient.clinic_id != staff_clinic(actor).pk:
        raise ValidationFailed("That recording is not in your clinic.")
    if rec.status == EcgRecording.Status.ENTERED_IN_ERROR:
        raise Conflict("This recording is already entered in error.")
    rec.status = EcgRecording.Status.ENTERED_IN_ERROR
    rec.error_reason = reason
    rec.updated_by = actor
    rec.save(update_fields=["status", "error_reason", "updated_by", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.TRANSITION,
        obj=rec,
        patient=rec.patient,
        detail={"status": rec.status, "reason": reason},
    )
    return rec


def flag_labels(flags: list[str]) -> list[str]:
    return [FLAG_LABELS.get(f, f) for f in flags]
