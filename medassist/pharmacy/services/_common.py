"""What the pharmacy services share: the clinic check, text and number cleaning."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from medassist.core.errors import NotFound, ValidationFailed
from medassist.practice.roles import require, staff_clinic


def clinic_of(actor, permission: str):
    require(actor, permission)
    return staff_clinic(actor)


def same_clinic(actor, obj, what: str, clinic_id: int | None = None) -> None:
    if (clinic_id if clinic_id is not None else obj.clinic_id) != actor.clinic_id:
        raise NotFound(f"No such {what}.")


def text(value, *, field: str, label: str, max_length: int, required: bool = False) -> str:
    value = ("" if value is None else str(value)).strip()
    if required and not value:
        raise ValidationFailed(f"{label} is required.", field=field)
    if len(value) > max_length:
        raise ValidationFailed(
            f"{label} is too long (at most {max_length} characters).", field=field
        )
    return value


def whole(value, *, field: str, label: str, minimum: int = 1, maximum: int = 100000) -> int:
    if isinstance(value, bool):
        raise ValidationFailed(f"{label} must be a whole number.", field=field)
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(f"{label} must be a whole number.", field=field) from exc
    if number < minimum or number > maximum:
        raise ValidationFailed(f"{label} must be between {minimum} and {maximum}.", field=field)
    return number


def amount(value, *, field: str, label: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, TypeError) as exc:
        raise ValidationFailed(f"{label} must be a number.", field=field) from exc
    if not number.is_finite() or number <= 0 or number >= Decimal("1000000"):
        raise ValidationFailed(f"{label} must be a positive number.", field=field)
    if number != number.quantize(Decimal("0.001")):
        raise ValidationFailed(f"{label} has too many decimals (3 at most).", field=field)
    return number


def a_date(value, *, field: str, label: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(
            f"{label}: {value!r} is not a date (YYYY-MM-DD).", field=field
        ) from exc
