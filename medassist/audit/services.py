"""Writing audit events. Call these inside the transaction that reads or writes the data."""

from __future__ import annotations

import contextvars
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.core import context


def _event(*, actor, action, object_type, object_id="", patient=None, clinic=None, detail=None):
    facts = context.current()
    is_user = actor is not None and getattr(actor, "pk", None) is not None
    return AuditEvent(
        at=timezone.now(),
        actor=actor if is_user else None,
        actor_username=getattr(actor, "username", "") if is_user else "system",
        actor_role=getattr(actor, "role", "") if is_user else "",
        clinic_id=(
            getattr(clinic, "pk", None)
            or getattr(patient, "clinic_id", None)
            or getattr(actor, "clinic_id", None)
        ),
        patient=patient,
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        detail=detail or {},
        client_address=facts.client_address,
        channel=facts.channel,
        request_id=facts.request_id,
    )


@transaction.atomic
def audit_record(
    *,
    actor,
    action: str,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    patient=None,
    clinic=None,
    detail: dict | None = None,
) -> AuditEvent:
    """Write one audit event. `obj` gives the object type and public id when passed."""
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or getattr(obj, "public_id", None) or obj.pk
    event = _event(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        patient=patient,
        clinic=clinic,
        detail=detail,
    )
    event.save()
    return event


def list_repeat_window() -> timedelta:
    """How long a patient shown in a list stays recorded as shown (see audit_patients_listed)."""
    return timedelta(minutes=getattr(settings, "MEDASSIST_AUDIT_LIST_REPEAT_MINUTES", 10))


@transaction.atomic
def audit_patients_listed(*, actor, patients: Iterable, object_type: str, detail=None) -> int:
    """One event per patient shown in a list, written with a single insert.

    A patient this user already saw in the same kind of list within the repeat window
    (MEDASSIST_AUDIT_LIST_REPEAT_MINUTES, default 10) is not recorded again: a flow board
    refreshing itself every 15 seconds would otherwise write the same rows all day. Opening
    one record is always recorded (audit_record). Returns the number of events written."""
    shown = {p.pk: p for p in patients}
    window = list_repeat_window()
    if shown and getattr(actor, "pk", None) is not None and window > timedelta(0):
        seen = AuditEvent.objects.filter(
            actor=actor,
            action=AuditEvent.Action.LIST,
            object_type=object_type,
            at__gte=timezone.now() - window,
            patient_id__in=list(shown),
        ).values_list("patient_id", flat=True)
        for patient_id in set(seen):
            shown.pop(patient_id, None)
    events = [
        _event(
            actor=actor,
            action=AuditEvent.Action.LIST,
            object_type=object_type,
            object_id=p.public_id,
            patient=p,
            detail=detail,
        )
        for p in shown.values()
    ]
    AuditEvent.objects.bulk_create(events)
    return len(events)


@transaction.atomic
def audit_refused(*, user, method: str, path: str, status: int) -> AuditEvent:
    """One event for a refused request (401, 403, 404): who if known, which path (never its
    query string), the status. Written outside the refused request's own transaction, which
    is rolled back."""
    actor = user if getattr(user, "is_authenticated", False) else None
    event = _event(
        actor=actor,
        action=AuditEvent.Action.REFUSED,
        object_type="http.request",
        detail={"method": method, "path": path[:500], "status": status},
    )
    if actor is None:
        event.actor_username = "anonymous"
    event.save()
    return event


# Refusals decided by a rule inside a transaction that is then rolled back (a refused request's)
# are held here while a request runs, and written again after it (`keep_held_refusals`).
_held_refusals: contextvars.ContextVar[list[AuditEvent] | None] = contextvars.ContextVar(
    "medassist_held_refusals", default=None
)


def audit_refusal(
    *, actor, object_type: str, detail: dict, object_id: str = "", patient=None, clinic=None
) -> AuditEvent:
    """One `refused` event for an act a rule refused (not an HTTP status), with the reason in
    `detail`. Written now; when this happens inside a request's transaction that is then
    rolled back, the refused-access middleware writes it again afterwards, so it is kept."""
    in_transaction = transaction.get_connection().in_atomic_block
    event = _event(
        actor=actor,
        action=AuditEvent.Action.REFUSED,
        object_type=object_type,
        object_id=object_id,
        patient=patient,
        clinic=clinic,
        detail=detail,
    )
    event.save()
    held = _held_refusals.get()
    if held is not None and in_transaction:
        held.append(event)
    return event


def hold_refusals() -> contextvars.Token:
    """Start holding this request's rule refusals (the middleware, around the view)."""
    return _held_refusals.set([])


def keep_held_refusals(token: contextvars.Token) -> int:
    """Write again each held refusal that a rollback took away; how many were."""
    held = _held_refusals.get() or []
    _held_refusals.reset(token)
    written = 0
    for event in held:
        if AuditEvent.objects.filter(public_id=event.public_id).exists():
            continue
        event.pk = None
        event._state.adding = True
        event.save()
        written += 1
    return written
