"""What the clinic offers and bills: visit types and payers."""

from __future__ import annotations

import re

from django.db import transaction

from medassist.core.errors import ValidationFailed
from medassist.practice.errors import AlreadyExists
from medassist.practice.models import Clinic, Payer, User, VisitType
from medassist.practice.services._common import (
    Cleaner,
    apply,
    audit,
    check_manage,
    cleaned,
    save,
    unchanged_if_refused,
    validated,
)

_PAYER_ID = re.compile(r"^[A-Z0-9]*$")


def _code(value: str, *, field: str) -> str:
    """Visit-type codes are lower-case slugs, e.g. follow-up."""
    return value.lower()


def _duration(value: int, *, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationFailed("The duration is a whole number of minutes.", field=field)
    return value


VISIT_TYPE: dict[str, Cleaner] = {"code": _code, "duration_minutes": _duration}


def _check_code(clinic_id: int, code: str, visit_type: VisitType | None = None) -> None:
    others = VisitType.objects.filter(clinic_id=clinic_id, code=code)
    if visit_type is not None:
        others = others.exclude(pk=visit_type.pk)
    other = others.first()
    if other is not None:
        raise AlreadyExists(f"The visit type {other.name!r} has the code {code!r}.", field="code")


@transaction.atomic
def visit_type_create(
    *, actor: User, clinic: Clinic, name: str, code: str, duration_minutes: int
) -> VisitType:
    check_manage(actor, clinic.pk, "clinic")
    values = {"name": name, "code": code, "duration_minutes": duration_minutes}
    visit_type = VisitType(clinic=clinic, **cleaned(values, VISIT_TYPE))
    validated(visit_type, exclude=("clinic",))
    _check_code(clinic.pk, visit_type.code)
    save(visit_type, actor=actor, duplicate="This code is taken.", field="code")
    audit(
        actor,
        visit_type,
        clinic=clinic,
        created=True,
        code=visit_type.code,
        duration_minutes=visit_type.duration_minutes,
    )
    return visit_type


@unchanged_if_refused("visit_type")
@transaction.atomic
def visit_type_update(
    *,
    actor: User,
    visit_type: VisitType,
    name: str | None = None,
    code: str | None = None,
    duration_minutes: int | None = None,
    active: bool | None = None,
) -> VisitType:
    """Change what is sent; a new duration applies to visits booked from now on.
    `active=False` takes the visit type off new bookings."""
    check_manage(actor, visit_type.clinic_id, "visit type")
    values = {"name": name, "code": code, "duration_minutes": duration_minutes, "active": active}
    changed = apply(visit_type, cleaned(values, VISIT_TYPE))
    if not changed:
        return visit_type
    validated(visit_type, exclude=("clinic",))
    if "code" in changed:
        _check_code(visit_type.clinic_id, visit_type.code, visit_type)
    save(visit_type, actor=actor, duplicate="This code is taken.", field="code")
    audit(actor, visit_type, clinic=visit_type.clinic, changed=changed)
    return visit_type


# ---------------------------------------------------------------------------- payers


def _payer_id(value: str, *, field: str) -> str:
    value = value.upper()
    if not _PAYER_ID.match(value):
        raise ValidationFailed("The payer id is letters and digits only.", field=field)
    return value


PAYER: dict[str, Cleaner] = {"payer_id": _payer_id}


def _check_payer(clinic_id: int, payer: Payer, *, exclude: Payer | None = None) -> None:
    """Names (case aside) and electronic ids are unique in a clinic: the patient import
    finds payers by either."""
    others = Payer.objects.filter(clinic_id=clinic_id)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if others.filter(name__iexact=payer.name).exists():
        raise AlreadyExists(f"There is already a payer named {payer.name!r}.", field="name")
    if payer.payer_id and others.filter(payer_id=payer.payer_id).exists():
        raise AlreadyExists(f"Another payer has the payer id {payer.payer_id!r}.", field="payer_id")


@transaction.atomic
def payer_create(*, actor: User, clinic: Clinic, name: str, payer_id: str = "") -> Payer:
    check_manage(actor, clinic.pk, "clinic")
    payer = Payer(clinic=clinic, **cleaned({"name": name, "payer_id": payer_id}, PAYER))
    validated(payer, exclude=("clinic",))
    _check_payer(clinic.pk, payer)
    save(payer, actor=actor)
    audit(actor, payer, clinic=clinic, created=True, name=payer.name, payer_id=payer.payer_id)
    return payer


@unchanged_if_refused("payer")
@transaction.atomic
def payer_update(
    *,
    actor: User,
    payer: Payer,
    name: str | None = None,
    payer_id: str | None = None,
    active: bool | None = None,
) -> Payer:
    """Change what is sent; `active=False` stops offering the payer for new coverage (patients'
    existing coverage keeps it)."""
    check_manage(actor, payer.clinic_id, "payer")
    changed = apply(payer, cleaned({"name": name, "payer_id": payer_id, "active": active}, PAYER))
    if not changed:
        return payer
    validated(payer, exclude=("clinic",))
    if "name" in changed or "payer_id" in changed:
        _check_payer(payer.clinic_id, payer, exclude=payer)
    save(payer, actor=actor)
    audit(actor, payer, clinic=payer.clinic, changed=changed)
    return payer
