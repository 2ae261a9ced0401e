"""The waitlist and recalls for API clients: the same services as the screens."""

from __future__ import annotations

import uuid
from typing import Annotated

from ninja import Query, Router
from ninja.responses import codes_4xx

from medassist.patients.selectors import access_patient
from medassist.practice.roles import require
from medassist.practice.schemas import ErrorOut, as_local
from medassist.practice.selectors import access_location, access_provider, access_visit_type
from medassist.scheduling.selectors import access_appointment, clinic_today
from medassist.waitlist import selectors, services
from medassist.waitlist.models import Recall, WaitlistEntry
from medassist.waitlist.schemas import (
    ContactIn,
    EntryIn,
    EntryOut,
    RecallIn,
    RecallOut,
    RemoveIn,
    ScheduledIn,
)

router = Router()
ERRORS = {codes_4xx: ErrorOut}


def _ref(obj, name: str | None = None):
    return None if obj is None else {"id": obj.public_id, "name": name or obj.name}


def _patient(p) -> dict:
    return {"id": p.public_id, "mrn": p.mrn, "name": p.display_name}


def entry_data(e: WaitlistEntry) -> dict:
    return {
        "id": e.public_id,
        "patient": _patient(e.patient),
        "visit_type": _ref(e.visit_type),
        "provider": _ref(e.provider, e.provider.display_name if e.provider else None),
        "location": _ref(e.location),
        "earliest_date": e.earliest_date,
        "latest_date": e.latest_date,
        "time_of_day": e.time_of_day,
        "priority": e.priority,
        "status": e.status,
        "note": e.note,
        "appointment": e.appointment.public_id if e.appointment is not None else None,
    }


def recall_data(r: Recall, today, tz) -> dict:
    return {
        "id": r.public_id,
        "patient": _patient(r.patient),
        "reason": r.reason,
        "due_date": r.due_date,
        "overdue": r.due_date < today and r.status in selectors.OPEN_RECALL,
        "status": r.status,
        "appointment": r.appointment.public_id if r.appointment is not None else None,
        "attempts": [
            {
                "at": as_local(a.at, tz),
                "by": a.by.display_name,
                "channel": a.channel,
                "outcome": a.outcome,
                "note": a.note,
            }
            for a in r.attempts.all()
        ],
    }


@router.get("/entries", response={200: list[EntryOut], **ERRORS})
def list_entries(request, include_closed: Annotated[bool, Query(False)] = False):
    """Open entries by priority, then the longest waiting first."""
    rows = selectors.entry_list(user=request.auth, include_closed=include_closed)
    return [entry_data(e) for e in rows]


@router.post("/entries", response={201: EntryOut, **ERRORS})
def add_entry(request, payload: EntryIn):
    user = request.auth
    require(user, "waitlist.manage")
    entry = services.waitlist_entry_add(
        actor=user,
        patient=access_patient(user=user, id=payload.patient, audit=False),
        visit_type=access_visit_type(user=user, id=payload.visit_type),
        provider=access_provider(user=user, id=payload.provider) if payload.provider else None,
        location=access_location(user=user, id=payload.location) if payload.location else None,
        earliest_date=payload.earliest_date,
        latest_date=payload.latest_date,
        time_of_day=payload.time_of_day,
        priority=payload.priority,
        note=payload.note,
    )
    return 201, entry_data(entry)


@router.post("/entries/{entry_id}/remove", response={200: EntryOut, **ERRORS})
def remove_entry(request, entry_id: uuid.UUID, payload: RemoveIn | None = None):
    user = request.auth
    entry = selectors.access_entry(user=user, id=entry_id)
    entry = services.waitlist_entry_remove(
        actor=user, entry=entry, reason=payload.reason if payload else ""
    )
    return entry_data(selectors.access_entry(user=user, id=entry.public_id))


@router.get("/recalls", response={200: list[RecallOut], **ERRORS})
def list_recalls(request, include_closed: Annotated[bool, Query(False)] = False):
    """Open recalls, overdue first, by due date."""
    user = request.auth
    today = clinic_today(user.clinic)
    rows = selectors.recall_list(user=user, today=today, include_closed=include_closed)
    return [recall_data(r, today, user.clinic.tz) for r in rows]


def _one_recall(user, recall_id) -> dict:
    recall = selectors.access_recall(user=user, id=recall_id)
    return recall_data(recall, clinic_today(user.clinic), user.clinic.tz)


@router.post("/recalls", response={201: RecallOut, **ERRORS})
def add_recall(request, payload: RecallIn):
    user = request.auth
    require(user, "recall.manage")
    recall = services.recall_add(
        actor=user,
        patient=access_patient(user=user, id=payload.patient, audit=False),
        reason=payload.reason,
        due_date=payload.due_date,
    )
    return 201, _one_recall(user, recall.public_id)


@router.post("/recalls/{recall_id}/attempts", response={201: RecallOut, **ERRORS})
def record_contact(request, recall_id: uuid.UUID, payload: ContactIn):
    user = request.auth
    recall = selectors.access_recall(user=user, id=recall_id)
    services.recall_contact_record(
        actor=user,
        recall=recall,
        channel=payload.channel,
        outcome=payload.outcome,
        note=payload.note,
    )
    return 201, _one_recall(user, recall_id)


@router.post("/recalls/{recall_id}/scheduled", response={200: RecallOut, **ERRORS})
def mark_scheduled(request, recall_id: uuid.UUID, payload: ScheduledIn | None = None):
    user = request.auth
    recall = selectors.access_recall(user=user, id=recall_id)
    appointment = None
    if payload is not None and payload.appointment is not None:
        appointment = access_appointment(user=user, id=payload.appointment, audit=False)
    services.recall_mark_scheduled(actor=user, recall=recall, appointment=appointment)
    return _one_recall(user, recall_id)


@router.post("/recalls/{recall_id}/close", response={200: RecallOut, **ERRORS})
def close_recall(request, recall_id: uuid.UUID):
    user = request.auth
    services.recall_close(actor=user, recall=selectors.access_recall(user=user, id=recall_id))
    return _one_recall(user, recall_id)
