"""API tokens: who a bearer token belongs to (the JSON API and the FHIR server both ask)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from medassist.practice.models import ApiToken, User


def _live(key: str):
    return ApiToken.objects.filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True)


def token_user(key: str) -> User | None:
    """The active user of a live token (not revoked, not expired), noting its use; else None."""
    now = timezone.now()
    row = _live(key).select_related("user", "user__clinic").filter(expires_at__gt=now).first()
    if row is None or not row.user.is_active:
        return None
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user


def token_for_key(key: str) -> ApiToken | None:
    """The live token of this key (its owner rotating it), expired or not."""
    return _live(key).select_related("user", "user__clinic").first()


def token_expired_at(key: str) -> datetime | None:
    """When a token that is otherwise good expired, so that the refusal can say so."""
    return (
        _live(key)
        .filter(expires_at__lte=timezone.now())
        .values_list("expires_at", flat=True)
        .first()
    )
