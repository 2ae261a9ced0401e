"""The shape of one item in the staff inbox.

Apps that create work for staff (refill requests, critical results, emergency answers,
care-team messages, unmatched HL7 results, office mail, ...) keep the work in their own
models and offer it through a selector `inbox_items(*, clinic, user) -> list[InboxItem]`.
The assistant app's inbox lists them together; nothing here imports an app."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class InboxStatus(StrEnum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    DONE = "done"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


@dataclass(frozen=True)
class InboxItem:
    kind: str  # e.g. "refill", "critical_result", "emergency", "care_team", "office_mail"
    title: str  # plain words for staff, never shown to a patient
    created_at: datetime  # aware; shown in the clinic's zone
    url: str  # the screen where staff work the item
    status: InboxStatus = InboxStatus.NEW
    patient_id: int | None = None
    patient_name: str = ""
    assignee_id: int | None = None
    assignee_name: str = ""  # who is working it, as staff see their name
    clinician_only: bool = False  # only clinicians (doctor role) see it
    urgent: bool = False  # emergencies and critical results: shown first, in red
    sla_hours: float = 48.0  # age past which the item turns red
