"""API tokens: who a bearer token belongs to (the JSON API and the FHIR server both ask)."""

from __future__ import annotations

from django.utils import timezone

from medassist.practice.models import ApiToken, User


def token_user(key: str) -> User | None:
    """The active user of a live (not revoked) token, noting its use; None otherwise."""
    row = (
        ApiToken.objects.select_related("user", "user__clinic")
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True)
        .first()
    )
    if row is None or not row.user.is_active:
        return None
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
    return row.user
