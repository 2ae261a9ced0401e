"""Small normalizers shared by every app: phone numbers and names."""

from __future__ import annotations

import unicodedata

import holidays
import phonenumbers

from medassist.core.errors import ValidationFailed


def phone_e164(value: str, *, field: str, region: str = "US") -> str:
    """Parse a phone number as typed by a person and return it in E.164, or '' when blank."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationFailed(
            f"{value!r} is not a phone number.", field=field, code="phone_invalid"
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationFailed(
            f"{value!r} is not a valid phone number (check the area code and length).",
            field=field,
            code="phone_invalid",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_display(e164: str) -> str:
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    region = phonenumbers.region_code_for_number(number)
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if region == "US"
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, fmt)


def name_key(value: str) -> str:
    """Case-, accent-, space- and punctuation-insensitive key for matching names."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c for c in stripped.casefold() if c.isalnum())


def us_state(value: str, *, field: str = "state") -> str:
    """A US state, DC or territory as its two-letter USPS code, from the code or the full name
    as typed ("ny", "New York", "new york" → "NY"); '' when blank."""
    text = " ".join((value or "").split())
    if not text:
        return ""
    codes = set(holidays.US.subdivisions)
    if text.upper() in codes:
        return text.upper()
    names = {name.casefold(): code for name, code in holidays.US.subdivisions_aliases.items()}
    code = names.get(text.casefold())
    if code is None:
        raise ValidationFailed(
            f"{text!r} is not a US state; use its two-letter code, e.g. NY.", field=field
        )
    return code
