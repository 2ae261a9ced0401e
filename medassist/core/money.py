"""Money is Decimal, two places, never negative unless a service says so."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from medassist.core.errors import ValidationFailed

CENTS = Decimal("0.01")


def parse_amount(raw, *, field: str, maximum: Decimal = Decimal("100000")) -> Decimal:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return Decimal("0.00")
    text = str(raw).strip().replace("$", "").replace(",", "")
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed(
            f"{raw!r} is not an amount; write it like 25.00.", field=field
        ) from exc
    if not value.is_finite() or value < 0:
        raise ValidationFailed("Amount cannot be negative.", field=field)
    if value > maximum:
        raise ValidationFailed(f"Amount must be at most {maximum:,}.", field=field)
    if value != value.quantize(CENTS, rounding=ROUND_HALF_UP):
        raise ValidationFailed("Amounts have at most two decimal places.", field=field)
    return value.quantize(CENTS)
