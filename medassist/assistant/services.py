"""Writes of the assistant app: staff work items (tasks) and their status, the clinic's
information text. Office mail is in `mail` (re-exported here), letters in `letters`.
Conversations and turns are written by `engine`."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from medassist.assistant.errors import Code
from medassist.assistant.mail import office_mail_file, office_mail_upload  # noqa: F401
from medassist.assistant.models import ClinicInfo, Conversation, Task
from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.errors import ValidationFailed
from medassist.patients.models import Patient
from medassist.practice.models import Clinic, User
from medassist.practice.roles import require, staff_clinic

CLINICIAN_KINDS = frozenset({Task.Kind.CARE_TEAM})
URGENT_KINDS = frozenset({Task.Kind.EMERGENCY, Task.Kind.LOCKED})
INFO_TOPICS = ("hours", "parking", "insurance", "what_to_bring", "preparation", "directions")
INFO_FIELDS = INFO_TOPICS + tuple(f"{name}_es" for name in INFO_TOPICS)  # English, Spanish
INFO_LIMIT, SIGNATURE_LIMIT = 2000, 200


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
    preparation, directions; each in English and, as `<name>_es`, Spanish): the assistant
    repeats it word for word. The clinic admin's text is the clinic's reviewed text."""
    require(actor, "assistant.manage")
    clinic = staff_clinic(actor)
    unknown = set(fields) - set(INFO_FIELDS) - {"letter_signature"}
    if unknown:
        raise ValidationFailed(f"Unknown fields: {', '.join(sorted(unknown))}.")
    for name, value in fields.items():
        if not isinstance(value, str):
            raise ValidationFailed("Text expected.", field=name)
        limit = SIGNATURE_LIMIT if name == "letter_signature" else INFO_LIMIT
        if len(value.strip()) > limit:
            label = name.replace("_es", " (Spanish)").replace("_", " ").capitalize()
            raise ValidationFailed(f"{label} is limited to {limit} characters.", field=name)
        if "\x00" in value:
            raise ValidationFailed("The text holds a character that cannot be stored.", field=name)
    info, created = ClinicInfo.objects.select_for_update().get_or_create(clinic=clinic)
    changed = sorted(n for n, v in fields.items() if getattr(info, n) != v.strip())
    for name, value in fields.items():
        setattr(info, name, value.replace("\r\n", "\n").strip())
    info.updated_by = actor
    info.save()
    audit_record(
        actor=actor, action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        obj=info, clinic=clinic, detail={"changed": changed},
    )
    return info
