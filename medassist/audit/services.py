"""Writing audit events. Call these inside the transaction that reads or writes the data."""

from __future__ import annotations

from collections.abc import Iterable

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


@transaction.atomic
def audit_patients_listed(*, actor, patients: Iterable, object_type: str, detail=None) -> int:
    """One event per patient shown in a list, written with a single insert."""
    events = [
        _event(
            actor=actor,
            action=AuditEvent.Action.LIST,
            object_type=object_type,
            object_id=p.public_id,
            patient=p,
            detail=detail,
        )
        for p in patients
    ]
    AuditEvent.objects.bulk_create(events)
    return len(events)
