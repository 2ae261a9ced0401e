"""API tokens: issued for a staff member, expiring (MEDASSIST_API_TOKEN_DAYS, 90 by default),
and rotated: a new key under the same name while the old one is revoked, in one transaction.
Audited with the token's prefix, never its key."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.errors import PermissionDenied
from medassist.practice.models import ApiToken, User


def _audit(actor: User | None, token: ApiToken, what: str) -> None:
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE if what != "revoked" else AuditEvent.Action.UPDATE,
        object_type="practice.ApiToken",
        object_id=token.prefix,
        clinic=token.user.clinic,
        detail={
            "token": what,
            "user": token.user.username,
            "name": token.name,
            "expires_at": token.expires_at.isoformat(),
        },
    )


@transaction.atomic
def api_token_issue(
    *, actor: User | None, user: User, name: str, days: int | None = None, rotate: bool = False
) -> tuple[ApiToken, str]:
    """A new token for `user` (its key is returned once). With `rotate`, the user's live tokens
    of the same name are revoked in the same transaction. `actor` is None for the operator at
    the console (`medassist create_api_token`)."""
    if not user.is_active:
        raise PermissionDenied("This account is deactivated; a token would not work.")
    if rotate:
        for old in ApiToken.objects.filter(user=user, name=name, revoked_at__isnull=True):
            _revoke(actor, old)
    token, key = ApiToken.issue(user, name, days=days)
    _audit(actor, token, "rotated" if rotate else "issued")
    return token, key


def _revoke(actor: User | None, token: ApiToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    _audit(actor, token, "revoked")


@transaction.atomic
def api_token_rotate(*, actor: User, token: ApiToken) -> tuple[ApiToken, str]:
    """The token's owner swaps it for a new key with a fresh expiry; the old key stops now."""
    if token.user_id != actor.pk:
        raise PermissionDenied("Only the token's owner may rotate it.")
    return api_token_issue(actor=actor, user=actor, name=token.name, rotate=True)
