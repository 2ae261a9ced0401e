"""Scoped fetching shared by every selector: another clinic's object is simply not found."""

from __future__ import annotations

import uuid
from typing import TypeVar

from django.db.models import Model, QuerySet

from medassist.core.errors import NotFound


def parse_uuid(value, *, what: str = "record") -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError) as exc:
        raise NotFound(f"No such {what}.") from exc


M = TypeVar("M", bound=Model)


def get_scoped(queryset: QuerySet[M], *, public_id, what: str, **scope) -> M:
    """Fetch one object by public id within a scope (e.g. clinic_id=...), else NotFound."""
    pid = parse_uuid(public_id, what=what)
    obj = queryset.filter(public_id=pid, **scope).first()
    if obj is None:
        raise NotFound(f"No such {what}.")
    return obj
