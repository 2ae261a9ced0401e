"""Sign-in throttling: failed attempts counted per account and per client address, atomic on
SQLite and PostgreSQL alike.

An attempt first *takes a turn* on each of its keys: one UPDATE that adds one to the key's
counter only while it is under the limit (or its cool-down has passed, which starts the count
again). PostgreSQL re-checks that condition on the locked row when two attempts race, and
SQLite runs one writer at a time, so of 30 concurrent wrong passwords exactly `limit` reach the
password check. A failed attempt keeps its turn; a successful one gives it back. Every counted
attempt moves the cool-down to `MEDASSIST_LOGIN_LOCK_MINUTES` from now.

Callers run outside the request's transaction (`transaction.non_atomic_requests`), so each
turn is committed at once and a slow password hash never holds a row lock."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Greatest
from django.utils import timezone

from medassist.practice.models import SignInThrottle


def normalised_identity(username: str) -> str:
    """The account a username means: NFKC (as Django's `normalize_username` and login form
    read it) then casefold, so `ＯBrien`, `obrien` and `OBRIEN` share one counter."""
    return unicodedata.normalize("NFKC", username.strip()).casefold()


def account_key(username: str) -> str:
    return "account:" + hashlib.sha256(normalised_identity(username).encode()).hexdigest()


def address_key(address: str) -> str:
    return "address:" + (address or "unknown")[:64]


def second_step_key(user_id: int) -> str:
    return f"code:{user_id}"


def cool_down() -> timedelta:
    return timedelta(minutes=settings.MEDASSIST_LOGIN_LOCK_MINUTES)


@dataclass(frozen=True)
class Refusal:
    """Which key refused the attempt and until when."""

    key: str
    until: datetime

    @property
    def minutes(self) -> int:
        left = (self.until - timezone.now()).total_seconds()
        return max(1, int(left // 60) + (1 if left % 60 else 0))


def take_turn(key: str, limit: int) -> Refusal | None:
    """Count one attempt on `key` unless it is locked; the Refusal when it is."""
    now = timezone.now()
    SignInThrottle.objects.bulk_create(
        [SignInThrottle(key=key, failures=0, reset_at=now)], ignore_conflicts=True
    )
    expired = Q(reset_at__lte=now)
    counted = SignInThrottle.objects.filter(Q(key=key) & (Q(failures__lt=limit) | expired)).update(
        failures=Case(When(expired, then=Value(1)), default=F("failures") + 1),
        locked_at=Case(When(expired, then=Value(None)), default=F("locked_at")),
        reset_at=now + cool_down(),
    )
    if counted:
        return None
    until = SignInThrottle.objects.filter(key=key).values_list("reset_at", flat=True).first()
    return Refusal(key=key, until=until or now + cool_down())


def give_back(key: str) -> None:
    """An attempt that succeeded does not count against the key."""
    SignInThrottle.objects.filter(key=key, failures__gt=0).update(
        failures=Greatest(F("failures") - 1, 0)
    )


def clear(key: str) -> None:
    """Start the key's count afresh (the account signed in)."""
    SignInThrottle.objects.filter(key=key).delete()


def newly_locked(key: str, limit: int) -> datetime | None:
    """When a failure has just brought the key to its limit, the time the lock ends; for
    exactly one of the attempts that raced there (the one whose UPDATE stamped it)."""
    now = timezone.now()
    stamped = SignInThrottle.objects.filter(
        key=key, failures__gte=limit, locked_at__isnull=True, reset_at__gt=now
    ).update(locked_at=now)
    if not stamped:
        return None
    return SignInThrottle.objects.filter(key=key).values_list("reset_at", flat=True).first()
