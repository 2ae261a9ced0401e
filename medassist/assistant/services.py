"""Writes of the assistant app: staff work items (tasks) and their status, the clinic's
information text, office mail (upload, match to a patient, file to the chart through the
records app's document service). Conversations and turns are written by `engine`."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from medassist.assistant.errors import Code, MailNotPdf
from medassist.assistant.models import ClinicInfo, Conversation, Task
from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.errors import ValidationFailed
from medassist.patients.models import Patient
from medassist.practice.models import Clinic, User
from medassist.practice.roles import require, staff_clinic
from medassist.records.services.documents import document_upload, read_upload

CLINICIAN_KINDS = frozenset({Task.Kind.CARE_TEAM})
URGENT_KINDS = frozenset({Task.Kind.EMERGENCY, Task.Kind.LOCKED})
INFO_FIELDS = ("hours", "parking", "insurance", "what_to_bring", "preparation", "directions")


@transaction.atomic
def task_create(
    *,
    actor: User | None,
    clinic: Clinic,
    kind: str,
    title: str,
    words: str = "",
    patient: Patient | None = None,
    conversation: Conversation | None = None,
    medication_text: str = "",
    pharmacy_text: str = "",
) -> Task:
    """Work for staff, created by the assistant on a patient's behalf (actor: the portal
    account, or None for the SMS/voice webhooks)."""
    if kind not in Task.Kind.values:
        raise ValidationFailed("Unknown kind of task.", field="kind")
    if patient is not None and patient.clinic_id != clinic.pk:
        raise ValidationFailed("Unknown patient.", field="patient")
    task = Task.objects.create(
        clinic=clinic,
        kind=kind,
        title=title[:200],
        words=(words or "")[:4000],
        patient=patient,
        conversation=conversation,
        medication_text=medication_text[:200],
        pharmacy_text=pharmacy_text[:200],
        clinician_only=kind in CLINICIAN_KINDS,
        urgent=kind in URGENT_KINDS,
        created_by=actor if actor is not None and actor.pk else None,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=task,
        patient=patient,
        clinic=clinic,
        detail={"kind": kind},
    )
    return task


@transaction.atomic
def task_set_status(*, actor: User, task: Task, status: str) -> Task:
    """Move a task between new, in progress and done; taking it assigns it to the actor."""
    require(actor, "assistant.inbox")
    if task.clinic_id != staff_clinic(actor).pk:
        raise ValidationFailed("Unknown task.", field="task")
    if task.clinician_only:
        require(actor, "assistant.clinical")
    if status not in Task.Status.values:
        raise ValidationFailed(
            "Status must be new, in progress or done.",
            field="status",
            code=Code.TASK_STATUS_INVALID,
        )
    before = task.status
    task.status = status
    if status == Task.Status.IN_PROGRESS and task.assignee_id is None:
        task.assignee = actor
    task.done_at = timezone.now() if status == Task.Status.DONE else None
    task.updated_by = actor
    task.save(update_fields=["status", "assignee", "done_at", "updated_by", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=task,
        patient=task.patient,
        detail={"status": [before, status]},
    )
    return task


@transaction.atomic
def clinic_info_save(*, actor: User, **fields: str) -> ClinicInfo:
    """The clinic's own text for patients (hours, parking, insurance, what to bring,
    preparation, directions): the assistant repeats it word for word."""
    require(actor, "assistant.manage")
    clinic = staff_clinic(actor)
    unknown = set(fields) - set(INFO_FIELDS) - {"letter_signature"}
    if unknown:
        raise ValidationFailed(f"Unknown fields: {', '.join(sorted(unknown))}.")
    info, _ = ClinicInfo.objects.get_or_create(clinic=clinic)
    for name, value in fields.items():
        if not isinstance(value, str):
            raise ValidationFailed("Text expected.", field=name)
        limit = 200 if name == "letter_signature" else 2000
        if len(value.strip()) > limit:
            raise ValidationFailed(f"Limited to {limit} characters.", field=name)
        setattr(info, name, value.strip())
    info.updated_by = actor
    info.save()
    audit_record(actor=actor, action=AuditEvent.Action.UPDATE, obj=info, clinic=clinic)
    return info


@transaction.atomic
def office_mail_upload(*, actor: User, uploaded_file, title: str = "") -> Task:
    """A scanned letter or fax (PDF) waiting in the inbox to be matched to a patient."""
    require(actor, "document.upload")
    clinic = staff_clinic(actor)
    data, mime = read_upload(uploaded_file)
    if mime != "application/pdf":
        raise MailNotPdf("Office mail must be a PDF (a scanned letter or fax).", field="file")
    name = (getattr(uploaded_file, "name", "") or "mail.pdf").rsplit("/", 1)[-1][:100]
    task = Task(
        clinic=clinic,
        kind=Task.Kind.OFFICE_MAIL,
        title=(title or "").strip()[:200] or f"Office mail: {name}",
        created_by=actor,
        updated_by=actor,
    )
    task.file.save(name, ContentFile(data), save=False)
    task.save()
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, obj=task, clinic=clinic)
    return task


@transaction.atomic
def office_mail_file(*, actor: User, task: Task, patient: Patient, title: str = "") -> Task:
    """File a piece of office mail to the patient's chart (records' document service) and
    mark it done."""
    require(actor, "document.upload")
    clinic = staff_clinic(actor)
    if task.kind != Task.Kind.OFFICE_MAIL or task.clinic_id != clinic.pk:
        raise ValidationFailed("Unknown office mail.", field="task")
    if task.filed_document_id:
        raise ValidationFailed("This mail is already filed.", code=Code.MAIL_FILED)
    if patient.clinic_id != clinic.pk:
        raise ValidationFailed("Unknown patient.", field="patient")
    with task.file.open("rb") as fh:
        data = fh.read()
    upload = ContentFile(data, name=(task.file.name or "mail.pdf").rsplit("/", 1)[-1])
    doc = document_upload(
        actor=actor,
        patient=patient,
        uploaded_file=upload,
        title=(title or task.title)[:200],
        note="Filed from the office mail inbox.",
    )
    task.patient = patient
    task.filed_document_id = doc.public_id
    task.status = Task.Status.DONE
    task.done_at = timezone.now()
    task.updated_by = actor
    task.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=task,
        patient=patient,
        detail={"filed_document": str(doc.public_id)},
    )
    return task
