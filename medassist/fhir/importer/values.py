"""Reading FHIR values: dates and times, codings, quantities, US state names."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from medassist.records.models import SYSTEM_URIS, CodeSystem

URI_TO_SYSTEM: dict[str, str] = {uri: key for key, uri in SYSTEM_URIS.items()}
URI_TO_SYSTEM.update(
    {
        "http://www.ama-assn.org/go/cpt": CodeSystem.CPT,
        "urn:oid:2.16.840.1.113883.6.90": CodeSystem.ICD10CM,
        "urn:oid:2.16.840.1.113883.6.88": CodeSystem.RXNORM,
        "urn:oid:2.16.840.1.113883.12.292": CodeSystem.CVX,
        "urn:oid:2.16.840.1.113883.6.1": CodeSystem.LOINC,
        "urn:oid:2.16.840.1.113883.6.96": CodeSystem.SNOMED,
    }
)
UCUM = "http://unitsofmeasure.org"
SIX_PLACES = Decimal("0.000001")


def parse_instant(text: str | None) -> dt.datetime | None:
    """A FHIR dateTime/instant as an aware datetime. A date alone is midnight UTC; a partial
    date (YYYY or YYYY-MM) is the first day of that year or month."""
    if not text:
        return None
    if len(text) == 4:
        text = f"{text}-01-01"
    elif len(text) == 7:
        text = f"{text}-01"
    if len(text) == 10:
        day = dt.date.fromisoformat(text)
        return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value


def parse_day(text: str | None) -> dt.date | None:
    """The calendar date as written in the source (the part before 'T'), so that a date is
    the same date the sending system showed."""
    if not text:
        return None
    if len(text) == 4:
        return dt.date(int(text), 1, 1)
    if len(text) == 7:
        return dt.date(int(text[:4]), int(text[5:7]), 1)
    return dt.date.fromisoformat(text[:10])


def codings(concept: dict | None) -> list[dict]:
    return list((concept or {}).get("coding") or [])


def concept_text(concept: dict | None) -> str:
    concept = concept or {}
    if concept.get("text"):
        return concept["text"]
    for c in codings(concept):
        if c.get("display"):
            return c["display"]
    return ""


def pick_coding(concept: dict | None, prefer: tuple[str, ...] = ()) -> tuple[str, str, str]:
    """(code_system, code, display) of the best coding we know, else ("text", "", text).
    `prefer` lists our code systems in order of preference."""
    known = []
    for c in codings(concept):
        system = URI_TO_SYSTEM.get(c.get("system") or "")
        if system and c.get("code"):
            known.append((system, c["code"], c.get("display") or ""))
    if known:
        order = {s: i for i, s in enumerate(prefer)}
        known.sort(key=lambda k: order.get(k[0], len(order)))
        system, code, display = known[0]
        return system, code, display or concept_text(concept)
    return CodeSystem.TEXT, "", concept_text(concept)


def status_code(concept: dict | None) -> str:
    for c in codings(concept):
        if c.get("code"):
            return c["code"]
    return ""


def decimal6(value) -> Decimal | None:
    """A number kept to 6 decimal places (the chart's precision)."""
    if value is None:
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number.quantize(SIX_PLACES)


def ucum_unit(quantity: dict) -> str:
    if quantity.get("system") == UCUM and quantity.get("code"):
        return quantity["code"]
    return quantity.get("unit") or quantity.get("code") or ""


US_STATES = {
    "alabama": "AL", "alaska": "AK", "arizona": "AZ", "arkansas": "AR", "california": "CA",
    "colorado": "CO", "connecticut": "CT", "delaware": "DE", "district of columbia": "DC",
    "florida": "FL", "georgia": "GA", "hawaii": "HI", "idaho": "ID", "illinois": "IL",
    "indiana": "IN", "iowa": "IA", "kansas": "KS", "kentucky": "KY", "louisiana": "LA",
    "maine": "ME", "maryland": "MD", "massachusetts": "MA", "michigan": "MI",
    "minnesota": "MN", "mississippi": "MS", "missouri": "MO", "montana": "MT",
    "nebraska": "NE", "nevada": "NV", "new hampshire": "NH", "new jersey": "NJ",
    "new mexico": "NM", "new york": "NY", "north carolina": "NC", "north dakota": "ND",
    "ohio": "OH", "oklahoma": "OK", "oregon": "OR", "pennsylvania": "PA",
    "rhode island": "RI", "south carolina": "SC", "south dakota": "SD", "tennessee": "TN",
    "texas": "TX", "utah": "UT", "vermont": "VT", "virginia": "VA", "washington": "WA",
    "west virginia": "WV", "wisconsin": "WI", "wyoming": "WY", "puerto rico": "PR",
    "guam": "GU", "virgin islands": "VI", "american samoa": "AS",
}  # fmt: skip


def state_code(text: str | None) -> str:
    """'Massachusetts' → 'MA'; a two-letter code stays; anything else → ''."""
    value = (text or "").strip()
    if len(value) == 2 and value.isalpha():
        return value.upper()
    return US_STATES.get(value.casefold(), "")
