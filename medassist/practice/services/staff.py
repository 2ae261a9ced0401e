"""Staff users: accounts, roles, the active flag, passwords and admin-site access.

Every privilege change (role, active, password, admin site) is its own service and its own
audit event, which says what changed and never holds a password or its hash. A clinic always
keeps at least one active clinic admin."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction

from medassist.core.errors import PermissionDenied, ValidationFailed
from medassist.practice.errors import AlreadyExists, LastAdmin
from medassist.practice.models import Clinic, Location, User
from medassist.practice.roles import Role
from medassist.practice.services._common import (
    apply,
    audit,
    check_manage,
    cleaned,
    is_operator,
    save,
    unchanged_if_refused,
    validated,
)

# Left out of the model's field checks: the password hash and last login are not input, and
# the clinic is checked by `check_manage`.
_NOT_INPUT = ("password", "last_login", "clinic")


def _check_may_change(actor: User, user: User) -> Clinic | None:
    """Who may change this account: its clinic's admins or an operator; an operator's own
    account only an operator. Returns the account's clinic."""
    check_manage(actor, user.clinic_id, "staff member")
    if user.is_superuser and not is_operator(actor):
        raise PermissionDenied("Only an operator may change an operator's account.")
    return user.clinic


def _role(value: str) -> str:
    if value not in Role.values:
        raise ValidationFailed(f"Choose a role: {', '.join(Role.values)}.", field="role")
    return value


def _username(value: str, user: User | None = None) -> str:
    username = User.normalize_username(value.strip())
    if not username:
        raise ValidationFailed("A username is required.", field="username")
    taken = User.objects.filter(username__iexact=username)
    if user is not None:
        taken = taken.exclude(pk=user.pk)
    if taken.exists():
        raise AlreadyExists(f"The username {username!r} is taken.", field="username")
    return username


def _check_password(password: str, user: User) -> None:
    if not password:
        raise ValidationFailed("Enter a password.", field="password")
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed(
            exc.messages[0], errors={"password": [str(m) for m in exc.messages]}
        ) from exc


def _location(clinic: Clinic | None, location: Location | None) -> Location | None:
    if location is not None and (clinic is None or location.clinic_id != clinic.pk):
        raise ValidationFailed("Choose one of the clinic's locations.", field="location")
    return location


def _keep_an_admin(user: User, *, field: str) -> None:
    """Refuse a change that takes the clinic's last active clinic admin away from it."""
    if user.clinic_id is None or not (user.is_active and user.role == Role.CLINIC_ADMIN):
        return
    # Lock the clinic row so two admins demoting each other at once cannot both succeed.
    Clinic.objects.select_for_update().get(pk=user.clinic_id)
    others = User.objects.filter(
        clinic_id=user.clinic_id, role=Role.CLINIC_ADMIN, is_active=True
    ).exclude(pk=user.pk)
    if not others.exists():
        raise LastAdmin(
            f"{user.display_name} is the clinic's only active clinic admin; make someone "
            "else a clinic admin first, so the clinic is never left without one.",
            field=field,
        )


@transaction.atomic
def staff_user_create(
    *,
    actor: User,
    clinic: Clinic,
    username: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    password: str | None = None,
    location: Location | None = None,
) -> User:
    """A staff account of the clinic, with one role. Without a password nobody can log in
    as it until one is set (`staff_user_set_password`) or a reset link is used."""
    check_manage(actor, clinic.pk, "clinic")
    user = User(
        clinic=clinic,
        username=_username(username),
        role=_role(role),
        location=_location(clinic, location),
        **cleaned({"first_name": first_name, "last_name": last_name, "email": email}),
    )
    validated(user, exclude=_NOT_INPUT)
    if password is None:
        user.set_unusable_password()
    else:
        _check_password(password, user)
        user.set_password(password)
    save(user, actor=actor, duplicate=f"The username {user.username!r} is taken.", field="username")
    where = {"location": user.location.name} if user.location else {}
    audit(
        actor,
        user,
        clinic=clinic,
        created=True,
        username=user.username,
        role=user.role,
        **where,
        password="set" if password is not None else "none",
    )
    return user


@unchanged_if_refused("user")
@transaction.atomic
def staff_user_update(
    *,
    actor: User,
    user: User,
    username: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    email: str | None = None,
) -> User:
    """Change the person's name, e-mail or username (privileges have their own services)."""
    clinic = _check_may_change(actor, user)
    values = {"first_name": first_name, "last_name": last_name, "email": email}
    if username is not None:
        values["username"] = _username(username, user)
    changed = apply(user, cleaned(values))
    if not changed:
        return user
    validated(user, exclude=_NOT_INPUT)
    save(user, actor=actor, duplicate=f"The username {user.username!r} is taken.", field="username")
    audit(actor, user, clinic=clinic, changed=changed)
    return user


@unchanged_if_refused("user")
@transaction.atomic
def staff_user_change_role(*, actor: User, user: User, role: str) -> User:
    """Give the staff member another role (what they may do follows `roles.PERMISSIONS`).
    The clinic's last active clinic admin keeps that role."""
    clinic = _check_may_change(actor, user)
    if clinic is None:
        raise ValidationFailed("This account belongs to no clinic; it has no role.", field="role")
    role = _role(role)
    if role == user.role:
        return user
    if role != Role.CLINIC_ADMIN:
        _keep_an_admin(user, field="role")
    changed = apply(user, {"role": role})
    save(user, actor=actor)
    audit(actor, user, clinic=clinic, changed=changed)
    return user


@unchanged_if_refused("user")
@transaction.atomic
def staff_user_set_location(*, actor: User, user: User, location: Location | None) -> User:
    """Where the staff member usually works (None: no home location)."""
    clinic = _check_may_change(actor, user)
    location = _location(clinic, location)
    if location == user.location:
        return user
    before = user.location.name if user.location else ""
    user.location = location
    save(user, actor=actor)
    audit(
        actor, user, clinic=clinic,
        changed={"location": {"from": before, "to": location.name if location else ""}},
    )  # fmt: skip
    return user


@unchanged_if_refused("user")
@transaction.atomic
def staff_user_set_active(*, actor: User, user: User, active: bool) -> User:
    """Deactivate an account (its sessions and API tokens stop working at once) or reactivate
    it. The clinic's last active clinic admin stays active."""
    clinic = _check_may_change(actor, user)
    if active == user.is_active:
        return user
    if not active:
        _keep_an_admin(user, field="active")
    changed = apply(user, {"is_active": active})
    save(user, actor=actor)
    audit(actor, user, clinic=clinic, changed=changed)
    return user


@unchanged_if_refused("user")
@transaction.atomic
def staff_user_set_password(*, actor: User, user: User, password: str | None) -> User:
    """Set a new password (checked by the configured password validators), or with None turn
    password login off. The audit event says which, never the password. Other sessions of the
    account end (Django ties sessions to the password)."""
    clinic = _check_may_change(actor, user)
    if password is None:
        user.set_unusable_password()
    else:
        _check_password(password, user)
        user.set_password(password)
    save(user, actor=actor)
    audit(actor, user, clinic=clinic, password="changed" if password is not None else "disabled")
    return user


@unchanged_if_refused("user")
@transaction.atomic
def staff_user_set_admin_access(*, actor: User, user: User, allowed: bool) -> User:
    """Let a clinic admin use the Django admin site (`is_staff`), or stop them."""
    clinic = _check_may_change(actor, user)
    if allowed == user.is_staff:
        return user
    if allowed and user.role != Role.CLINIC_ADMIN and not user.is_superuser:
        raise ValidationFailed(
            "Only clinic admins may use the admin site; change the role first.",
            field="admin_site",
        )
    changed = apply(user, {"is_staff": allowed})
    save(user, actor=actor)
    audit(actor, user, clinic=clinic, changed=changed)
    return user
