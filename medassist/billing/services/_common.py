"""What several billing writes share: amounts (`money`), the clinic check on a payer, the
CPT/HCPCS code shapes and line modifiers, and splitting a written name into last and first."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from medassist.core.errors import NotFound, ValidationFailed
from medassist.practice.models import Payer, User
from medassist.practice.roles import staff_clinic

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("1000000")


def money(raw, *, field: str, allow_negative: bool = False) -> Decimal:
    """A Decimal amount with at most two places; ValidationFailed in words otherwise."""
    if isinstance(raw, float):
        raise ValidationFailed("Amounts are written as text or Decimal, not float.", field=field)
    try:
        value = Decimal(str(raw).strip().replace("$", "").replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(
            f"{raw!r} is not an amount; write it like 25.00.", field=field
        ) from None
    if not value.is_finite():
        raise ValidationFailed(f"{raw!r} is not an amount.", field=field)
    if value != value.quantize(CENT):
        raise ValidationFailed("Amounts have at most two decimal places.", field=field)
    if value < 0 and not allow_negative:
        raise ValidationFailed("The amount cannot be negative.", field=field)
    if abs(value) > MAX_AMOUNT:
        raise ValidationFailed(f"The amount must be at most {MAX_AMOUNT:,}.", field=field)
    return value.quantize(CENT)


def _clinic_payer(actor: User, payer: Payer) -> None:
    if payer.clinic_id != staff_clinic(actor).pk:
        raise NotFound("No such payer in your clinic.")


_CPT = re.compile(r"^[0-9]{4}[0-9A-Z]$")
_HCPCS = re.compile(r"^[A-V][0-9]{4}$")


def _modifiers(values) -> list[str]:
    out = []
    for value in values or []:
        value = str(value).strip().upper()
        if not value:
            continue
        if not re.fullmatch(r"[0-9A-Z]{2}", value):
            raise ValidationFailed(
                f"Modifier {value!r} must be two letters or digits.", field="modifiers"
            )
        out.append(value)
    if len(out) > 4:
        raise ValidationFailed("A line has at most four modifiers.", field="modifiers")
    return out


def _split_name(full: str) -> tuple[str, str]:
    parts = full.replace(",", " ").split()
    if not parts:
        return "", ""
    if "," in full:
        last, _, first = full.partition(",")
        return last.strip(), first.strip()
    return parts[-1], " ".join(parts[:-1])
