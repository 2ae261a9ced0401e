"""Passwords: a staff member changes their own (the current one, then the new one), and a
clinic admin issues a colleague a one-time reset link. New passwords pass the configured
validators, the breached-password list among them (`practice.passwords`). Audited, never
with a password, its hash or the link's token."""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse

from medassist.core.access import parse_uuid
from medassist.core.errors import PermissionDenied
from medassist.practice import throttle
from medassist.practice.errors import BadResetLink, WrongPassword
from medassist.practice.models import User
from medassist.practice.services._common import audit, save
from medassist.practice.services.staff import _check_may_change, _check_password


@transaction.atomic
def password_change(*, actor: User, old_password: str, new_password: str) -> User:
    """The actor's own password: the current one proves it is them."""
    if not actor.is_active or actor.pk is None:
        raise PermissionDenied("Sign in first.")
    if not actor.check_password(old_password):
        raise WrongPassword("Your current password is not right.", field="old_password")
    if new_password == old_password:
        raise WrongPassword("Choose a new password, not the current one.", field="new_password1")
    _check_password(new_password, actor)
    actor.set_password(new_password)
    save(actor, actor=actor)
    audit(actor, actor, clinic=actor.clinic, password="changed by its owner")  # noqa: S106 (what happened)
    return actor


@transaction.atomic
def password_reset_link_issue(*, actor: User, user: User) -> str:
    """A link (path on this site) with which the staff member sets a new password, once, within
    PASSWORD_RESET_TIMEOUT (MEDASSIST_RESET_LINK_HOURS, 24 by default). It stops working when
    the password changes or the person signs in. The clinic admin hands it over in person."""
    clinic = _check_may_change(actor, user)
    if not user.is_active:
        raise PermissionDenied("Reactivate the account first; a deactivated one cannot sign in.")
    token = default_token_generator.make_token(user)
    audit(actor, user, clinic=clinic, password="reset link issued")  # noqa: S106 (what happened)
    return reverse("practice:reset", args=[user.public_id, token])


def reset_link_user(*, user_id: str, token: str) -> User:
    """The account a reset link is for, while the link is good; BadResetLink otherwise."""
    try:
        pid = parse_uuid(user_id, what="account")
    except Exception as exc:
        raise BadResetLink("This reset link is not valid.") from exc
    user = User.objects.select_related("clinic").filter(public_id=pid, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token):
        raise BadResetLink(
            "This reset link is used, out of date or not valid; ask your clinic admin for a "
            "new one."
        )
    return user


@transaction.atomic
def password_reset_complete(*, user_id: str, token: str, password: str) -> User:
    """Set the new password through a good reset link (which then stops working). The
    account's sign-in lockout ends; two-step sign-in still applies at the next sign-in."""
    user = reset_link_user(user_id=user_id, token=token)
    _check_password(password, user)
    user.set_password(password)
    save(user, actor=user)
    throttle.clear(throttle.account_key(user.username))
    audit(user, user, clinic=user.clinic, password="reset by link")  # noqa: S106 (what happened)
    return user
