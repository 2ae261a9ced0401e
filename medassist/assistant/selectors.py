"""Reads of the assistant app: the one staff inbox (the assistant's own tasks plus the items
other apps offer through `inbox_items(*, clinic, user)`), conversations and their turns."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from medassist.assistant.models import Conversation, Task
from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.errors import NotFound
from medassist.core.inbox import InboxItem, InboxStatus
from medassist.practice.roles import can, require, staff_clinic

# Apps below the assistant that may offer inbox items (each optional: looked up by name).
INBOX_SOURCES = (
    "medassist.reminders.selectors",
    "medassist.records.selectors",
    "medassist.intake.selectors",
    "medassist.orders.selectors",
    "medassist.pharmacy.selectors",
    "medassist.ecg.selectors",
    "medassist.billing.selectors",
)
SLA_HOURS = {
    Task.Kind.EMERGENCY: 0.25,
    Task.Kind.LOCKED: 1.0,
    Task.Kind.HANDOFF: 2.0,
    Task.Kind.CARE_TEAM: 24.0,
    Task.Kind.REFILL: 48.0,
    Task.Kind.BILLING: 48.0,
    Task.Kind.RESULTS: 24.0,
    Task.Kind.OFFICE_MAIL: 72.0,
}


KIND_LABELS: dict[str, str] = dict(Task.Kind.choices) | {
    "critical_result": "Critical result",
    "refill_request": "Refill request",
}


@dataclass(frozen=True)
class Row:
    item: InboxItem
    age_hours: float
    sla: str  # "ok", "due" (past half the SLA), "late" (past it)
    task_id: str = ""  # the assistant's own tasks can change status here

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.item.kind, self.item.kind.replace("_", " ").capitalize())

    @property
    def age(self) -> str:
        if self.age_hours < 1:
            return f"{int(self.age_hours * 60)} min"
        if self.age_hours < 48:
            return f"{int(self.age_hours)} h"
        return f"{int(self.age_hours // 24)} d"


def _task_item(task: Task) -> InboxItem:
    return InboxItem(
        kind=task.kind,
        title=task.title,
        created_at=task.created_at,
        url=reverse("assistant:task", args=[task.public_id]),
        status=InboxStatus(task.status),
        patient_id=task.patient_id,
        patient_name=task.patient.display_name if task.patient is not None else "",
        assignee_id=task.assignee_id,
        assignee_name=task.assignee.display_name if task.assignee is not None else "",
        clinician_only=task.clinician_only,
        urgent=task.urgent,
        sla_hours=SLA_HOURS.get(Task.Kind(task.kind), 48.0),
    )


def other_apps_items(*, clinic, user) -> list[InboxItem]:
    items: list[InboxItem] = []
    for name in INBOX_SOURCES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        offer = getattr(module, "inbox_items", None)
        if callable(offer):
            items.extend(offer(clinic=clinic, user=user))
    return items


def inbox(*, user, status: str = "open", now: datetime | None = None) -> list[Row]:
    """Every item for the user's clinic: urgent first, then oldest first. Clinician items only
    for clinicians. `status`: "open" (new and in progress), or one of new/in_progress/done."""
    require(user, "assistant.inbox")
    clinic = staff_clinic(user)
    now = now or timezone.now()
    qs = Task.objects.filter(clinic=clinic).select_related("patient", "assignee")
    if not can(user, "assistant.clinical"):
        qs = qs.filter(clinician_only=False)
    if status == "open":
        qs = qs.exclude(status=Task.Status.DONE)
    elif status in Task.Status.values:
        qs = qs.filter(status=status)
    tasks = list(qs.order_by("-urgent", "created_at")[:500])
    rows = [(_task_item(t), str(t.public_id)) for t in tasks]
    for item in other_apps_items(clinic=clinic, user=user):
        if item.clinician_only and not can(user, "assistant.clinical"):
            continue
        if status == "open" and item.status == InboxStatus.DONE:
            continue
        if status not in ("open", "") and status in Task.Status.values and item.status != status:
            continue
        rows.append((item, ""))
    out = []
    for item, task_id in rows:
        age = max(0.0, (now - item.created_at).total_seconds() / 3600)
        sla = "late" if age >= item.sla_hours else "due" if age >= item.sla_hours / 2 else "ok"
        if item.status == InboxStatus.DONE:
            sla = "ok"
        out.append(Row(item, age, sla, task_id))
    out.sort(key=lambda r: (not r.item.urgent, r.item.created_at))
    audit_record(
        actor=user, action=AuditEvent.Action.LIST, object_type="assistant.inbox",
        clinic=clinic, detail={"count": len(out), "status": status},
    )
    return out


def access_task(*, user, id) -> Task:
    require(user, "assistant.inbox")
    clinic = staff_clinic(user)
    task = (
        Task.objects.select_related("patient", "assignee", "conversation")
        .filter(public_id=id, clinic=clinic)
        .first()
    )
    if task is None or (task.clinician_only and not can(user, "assistant.clinical")):
        raise NotFound("No such inbox item.")
    audit_record(actor=user, action=AuditEvent.Action.READ, obj=task, patient=task.patient)
    return task


def conversations(*, user, limit: int = 50) -> list[Conversation]:
    require(user, "assistant.inbox")
    clinic = staff_clinic(user)
    qs = (
        Conversation.objects.filter(clinic=clinic)
        .filter(Q(last_turn_at__isnull=False))
        .select_related("patient")
        .order_by("-last_turn_at")[:limit]
    )
    return list(qs)


def access_conversation(*, user, id) -> Conversation:
    require(user, "assistant.inbox")
    clinic = staff_clinic(user)
    c = Conversation.objects.select_related("patient").filter(public_id=id, clinic=clinic).first()
    if c is None:
        raise NotFound("No such conversation.")
    if not can(user, "assistant.clinical") and c.tasks.filter(clinician_only=True).exists():
        # the transcript holds a question only clinicians see
        raise NotFound("No such conversation.")
    audit_record(actor=user, action=AuditEvent.Action.READ, obj=c, patient=c.patient)
    return c
