"""Validators for practice set-up data."""

from django.core.exceptions import ValidationError


def npi_is_valid(npi: str) -> bool:
    """NPI check digit: Luhn over the 9 digits prefixed with the card issuer code 80840."""
    if len(npi) != 10 or not npi.isdigit():
        return False
    digits = [int(d) for d in "80840" + npi[:9]]
    total = 0
    # Double every second digit from the right of the 14-digit payload.
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    check = (10 - total % 10) % 10
    return check == int(npi[9])


def validate_npi(value: str) -> None:
    if not value or len(value) != 10 or not value.isdigit():
        raise ValidationError("An NPI is exactly 10 digits.", code="npi_format")
    if not npi_is_valid(value):
        raise ValidationError(
            "This NPI's check digit is wrong; please re-check the number.", code="npi_check_digit"
        )


def validate_timezone(value: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(f"Unknown time zone {value!r}.", code="timezone") from exc
