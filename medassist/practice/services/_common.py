"""What the set-up services share: who may manage which clinic, clear validation messages,
recording what changed, and the audit event written in the same transaction."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar, cast

import holidays
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.text import capfirst

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.errors import NotFound, ValidationFailed
from medassist.core.normalize import phone_e164
from medassist.practice.errors import AlreadyExists
from medassist.practice.roles import require

if TYPE_CHECKING:
    from medassist.practice.models import Clinic, User

US_STATES = frozenset(holidays.US.subdivisions)
_POSTAL_CODE = re.compile(r"^\d{5}(-\d{4})?$")

# A field's cleaner: (value, field=name) -> the value to store, or ValidationFailed.
Cleaner = Callable[..., Any]
P = ParamSpec("P")
R = TypeVar("R")


def is_operator(actor: User) -> bool:
    """An operator is an active superuser: they run the installation from the Django admin."""
    return actor.is_superuser and actor.is_active


def check_manage(actor: User, clinic_id: int | None, what: str) -> None:
    """Clinic admins (`practice.manage`) set up their own clinic; an operator any clinic.
    Another clinic's row is simply "not found"."""
    if is_operator(actor):
        return
    require(actor, "practice.manage")
    if clinic_id != actor.clinic_id:
        raise NotFound(f"No such {what}.")


def unchanged_if_refused(name: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """The service's keyword argument `name` is a row it changes in place. When the service
    refuses, the database rolls back by itself; this puts the caller's object back as it was
    too, so that it never shows a change that was not made."""

    def decorate(service: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(service)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            obj = cast(models.Model, kwargs[name])
            saved = dict(obj.__dict__)
            cache, adding = dict(obj._state.fields_cache), obj._state.adding
            try:
                return service(*args, **kwargs)
            except Exception:
                obj.__dict__.clear()
                obj.__dict__.update(saved)
                obj._state.fields_cache, obj._state.adding = cache, adding
                raise

        return wrapper

    return decorate


def cleaned(
    values: dict[str, Any], cleaners: Mapping[str, Cleaner] | None = None
) -> dict[str, Any]:
    """The values given (None means "not given", so it is left out), text without surrounding
    spaces, each through its field's cleaner."""
    result = {}
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, str):
            value = value.strip()
        clean = (cleaners or {}).get(name)
        result[name] = clean(value, field=name) if clean else value
    return result


def clean_state(value: str, *, field: str) -> str:
    """A two-letter US state or territory code, upper-cased; blank stays blank."""
    value = value.upper()
    if value and value not in US_STATES:
        raise ValidationFailed(
            f"{value!r} is not a US state; use its two-letter code, e.g. NY.", field=field
        )
    return value


def clean_phone(value: str, *, field: str) -> str:
    """A phone number stored in E.164 (+15185550100); blank stays blank."""
    return phone_e164(value, field=field)


def clean_postal_code(value: str, *, field: str) -> str:
    if value and not _POSTAL_CODE.match(value):
        raise ValidationFailed("Write the ZIP code as 12345 or 12345-6789.", field=field)
    return value


def validated(obj: models.Model, *, exclude: tuple[str, ...] = ()) -> None:
    """The model's own field rules (lengths, required, choices, NPI, time zone), each failure
    named by its field. Uniqueness is checked by each service, with its own message."""
    try:
        obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors = {name: [str(m) for m in messages] for name, messages in exc.message_dict.items()}
        name, messages = next(iter(errors.items()))
        if name == NON_FIELD_ERRORS:
            raise ValidationFailed(messages[0], errors=errors) from exc
        label = capfirst(str(getattr(obj._meta.get_field(name), "verbose_name", name)))
        raise ValidationFailed(f"{label}: {messages[0]}", errors=errors) from exc


def apply(obj: models.Model, values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Set the values that differ; return what changed, as {field: {"from": old, "to": new}}
    for the audit event."""
    changed = {}
    for name, value in values.items():
        old = getattr(obj, name)
        if old != value:
            changed[name] = {"from": _plain(old), "to": _plain(value)}
            setattr(obj, name, value)
    return changed


def _plain(value: Any) -> Any:
    return value if isinstance(value, bool | int) or value is None else str(value)


def save(obj: models.Model, *, actor: User, duplicate: str = "", field: str = "") -> None:
    """Save, stamped with who did it. A uniqueness race lost to another writer is refused
    with `duplicate`, like the duplicate the service checked for."""
    stamp = getattr(obj, "stamp", None)
    if stamp is not None:
        stamp(actor)
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        if not duplicate:
            raise
        raise AlreadyExists(duplicate, field=field) from exc


def audit(
    actor: User,
    obj: models.Model,
    *,
    clinic: Clinic | None,
    created: bool = False,
    **detail: Any,
) -> None:
    """One audit event for one write; `clinic` is the clinic whose set-up changed (None only
    for an operator's own account)."""
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        obj=obj,
        clinic=clinic,
        detail=detail,
    )
