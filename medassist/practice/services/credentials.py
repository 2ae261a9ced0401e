"""Staff credentials (CMA, RMA, NCMA, CCMA or none, with expiry) and training records, which
`practice.scope` reads to decide who may give injections, draw blood, dispense and run
point-of-care tests. Clinic admins keep them for their own clinic's staff; each write is
validated and audited. Records are never deleted: a mistaken one is withdrawn (active off)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction

from medassist.core.clock import clinic_today
from medassist.core.errors import ValidationFailed
from medassist.practice.models import ScopeTask, StaffCredential, TrainingRecord, User
from medassist.practice.services._common import audit, check_manage, save, validated

_MAX_HOURS = Decimal("10000")


def _date(value: date | str | None, *, field: str, required: bool = False) -> date | None:
    if value in (None, ""):
        if required:
            raise ValidationFailed("Enter a date.", field=field)
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise ValidationFailed(f"{value!r} is not a date (YYYY-MM-DD).", field=field) from exc


def _staff(actor: User, user: User) -> None:
    check_manage(actor, user.clinic_id, "staff member")


@transaction.atomic
def staff_credential_add(
    *,
    actor: User,
    user: User,
    kind: str,
    number: str = "",
    issued_on: date | str | None = None,
    expires_on: date | str | None = None,
) -> StaffCredential:
    """Record a certification the staff member holds (or "none")."""
    _staff(actor, user)
    if kind not in StaffCredential.Kind.values:
        raise ValidationFailed(
            f"Choose a credential: {', '.join(StaffCredential.Kind.values)}.", field="kind"
        )
    issued = _date(issued_on, field="issued_on")
    expires = _date(expires_on, field="expires_on")
    if kind == StaffCredential.Kind.NONE and (number.strip() or expires):
        raise ValidationFailed("'No certification' has no number or expiry.", field="kind")
    if issued and expires and expires < issued:
        raise ValidationFailed("The expiry is before the issue date.", field="expires_on")
    credential = StaffCredential(
        user=user, kind=kind, number=number.strip(), issued_on=issued, expires_on=expires
    )
    validated(credential, exclude=("user",))
    save(credential, actor=actor)
    audit(
        actor,
        credential,
        clinic=user.clinic,
        created=True,
        user=str(user.public_id),
        kind=kind,
        expires_on=expires.isoformat() if expires else None,
    )
    return credential


@transaction.atomic
def training_record_add(
    *,
    actor: User,
    user: User,
    task: str,
    completed_on: date | str,
    hours: Decimal | int | str = 0,
    supervised_procedures: int | str = 0,
    certificate: str = "",
    trainer: str = "",
    expires_on: date | str | None = None,
) -> TrainingRecord:
    """Record training for one task: hours, procedures done under supervision, the
    trainer's written certificate (its reference), when completed, when it lapses if ever."""
    _staff(actor, user)
    if task not in ScopeTask.values:
        raise ValidationFailed(f"Choose a task: {', '.join(ScopeTask.values)}.", field="task")
    try:
        amount = Decimal(str(hours).strip() or "0")
    except InvalidOperation as exc:
        raise ValidationFailed(f"{hours!r} is not a number of hours.", field="hours") from exc
    if not amount.is_finite() or amount < 0 or amount > _MAX_HOURS:
        raise ValidationFailed("Hours must be between 0 and 10000.", field="hours")
    try:
        procedures = int(str(supervised_procedures).strip() or "0")
    except ValueError as exc:
        raise ValidationFailed(
            f"{supervised_procedures!r} is not a whole number.", field="supervised_procedures"
        ) from exc
    if procedures < 0 or procedures > 100000:
        raise ValidationFailed(
            "Supervised procedures must be between 0 and 100000.", field="supervised_procedures"
        )
    completed = _date(completed_on, field="completed_on", required=True)
    expires = _date(expires_on, field="expires_on")
    assert completed is not None  # noqa: S101 (required)
    if user.clinic is not None and completed > clinic_today(user.clinic):
        raise ValidationFailed("Training cannot be completed in the future.", field="completed_on")
    if expires and expires < completed:
        raise ValidationFailed("The expiry is before the completion date.", field="expires_on")
    record = TrainingRecord(
        user=user,
        task=task,
        hours=amount.quantize(Decimal("0.01")),
        supervised_procedures=procedures,
        certificate=certificate.strip(),
        trainer=trainer.strip(),
        completed_on=completed,
        expires_on=expires,
    )
    validated(record, exclude=("user",))
    save(record, actor=actor)
    audit(
        actor,
        record,
        clinic=user.clinic,
        created=True,
        user=str(user.public_id),
        task=task,
        hours=str(record.hours),
        supervised_procedures=procedures,
        certificate=bool(record.certificate),
    )
    return record


@transaction.atomic
def staff_credential_withdraw(*, actor: User, credential: StaffCredential, reason: str) -> None:
    """Withdraw a credential recorded by mistake (or revoked); it stays in the history."""
    _staff(actor, credential.user)
    if not reason.strip():
        raise ValidationFailed("Say why it is withdrawn.", field="reason")
    if not credential.active:
        raise ValidationFailed("This credential is withdrawn already.")
    credential.active = False
    save(credential, actor=actor)
    audit(actor, credential, clinic=credential.user.clinic, active=False, reason=reason.strip())


@transaction.atomic
def training_record_withdraw(*, actor: User, record: TrainingRecord, reason: str) -> None:
    """Withdraw a training record entered by mistake; it stays in the history."""
    _staff(actor, record.user)
    if not reason.strip():
        raise ValidationFailed("Say why it is withdrawn.", field="reason")
    if not record.active:
        raise ValidationFailed("This training record is withdrawn already.")
    record.active = False
    save(record, actor=actor)
    audit(actor, record, clinic=record.user.clinic, active=False, reason=reason.strip())
