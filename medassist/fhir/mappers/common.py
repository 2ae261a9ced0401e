"""Shared pieces of the mappers: R4B validation, meta, references, codes, dates.

Mappers are pure: model → FHIR dict, FHIR dict → service keyword arguments. Every dict they
produce and every dict they accept is checked with the `fhir.resources.R4B` model."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django.utils import timezone
from pydantic import ValidationError

from medassist.fhir.errors import FhirError, invalid, unprocessable
from medassist.records.models import SYSTEM_URIS, CodeSystem

UCUM = "http://unitsofmeasure.org"
NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"
URI_TO_SYSTEM: dict[str, str] = {uri: key for key, uri in SYSTEM_URIS.items()}
# A few other spellings importers meet in the wild.
URI_TO_SYSTEM.update(
    {
        "http://hl7.org/fhir/sid/icd-10-cm": CodeSystem.ICD10CM,
        "http://www.ama-assn.org/go/cpt": CodeSystem.CPT,
        "urn:oid:2.16.840.1.113883.6.90": CodeSystem.ICD10CM,
        "urn:oid:2.16.840.1.113883.6.88": CodeSystem.RXNORM,
        "urn:oid:2.16.840.1.113883.12.292": CodeSystem.CVX,
    }
)

# Resolves a FHIR Reference to one of our objects (scoped to the user's clinic) or raises.
Resolver = Callable[[object, tuple[str, ...]], object]


@lru_cache(maxsize=64)
def r4b_class(resource_type: str):
    from fhir.resources.R4B import get_fhir_model_class

    try:
        return get_fhir_model_class(resource_type)
    except (KeyError, ValueError, ImportError, AttributeError) as exc:
        raise LookupError(resource_type) from exc


def _pydantic_message(exc: ValidationError, limit: int = 5) -> str:
    parts = []
    for err in exc.errors()[:limit]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "__root__")
        parts.append(f"{where}: {err.get('msg', 'invalid')}" if where else err.get("msg", ""))
    more = len(exc.errors()) - limit
    if more > 0:
        parts.append(f"and {more} more")
    return "; ".join(parts)


def validate(data: dict) -> dict:
    """Check an outgoing resource with its R4B model; return it unchanged."""
    r4b_class(data["resourceType"]).model_validate(data)
    return data


def parse(data, expected: str | tuple[str, ...] | None = None) -> dict:
    """Check an incoming resource: a JSON object of a known R4B type (the expected one), valid
    against its R4B model. Refusals are 400 with what was wrong."""
    if not isinstance(data, dict):
        raise invalid("The body must be a JSON object (a FHIR resource).")
    rtype = data.get("resourceType")
    if not isinstance(rtype, str) or not rtype:
        raise invalid("resourceType is missing.", expression="resourceType")
    wanted = (expected,) if isinstance(expected, str) else expected
    if wanted and rtype not in wanted:
        raise invalid(
            f"Expected a {' or '.join(wanted)} resource, got {rtype}.", expression="resourceType"
        )
    try:
        model = r4b_class(rtype)
    except LookupError as exc:
        raise invalid(f"Unknown resource type {rtype}.", expression="resourceType") from exc
    try:
        model.model_validate(data)
    except ValidationError as exc:
        raise invalid(f"Invalid {rtype}: {_pydantic_message(exc)}") from exc
    except (ValueError, TypeError) as exc:
        raise invalid(f"Invalid {rtype}: {exc}") from exc
    return data


# --- output helpers ---------------------------------------------------------------------


def instant(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def meta(obj, *, versioned: bool = True) -> dict:
    m: dict = {"lastUpdated": instant(obj.updated_at)}
    version = getattr(obj, "version", None) if versioned else None
    if version is not None:
        m["versionId"] = str(version)
    return m


def ref(resource_type: str, obj, display: str = "") -> dict:
    r = {"reference": f"{resource_type}/{obj.public_id}"}
    if display:
        r["display"] = display
    return r


def coding(system_key: str, code: str, display: str = "") -> dict:
    c: dict = {"system": SYSTEM_URIS.get(system_key, system_key), "code": code}
    if display:
        c["display"] = display
    return c


def concept(system_key: str, code: str, display: str) -> dict:
    """A CodeableConcept from our (code_system, code, display); text-only when uncoded."""
    cc: dict = {}
    if code and system_key != CodeSystem.TEXT:
        cc["coding"] = [coding(system_key, code, display)]
    if display:
        cc["text"] = display
    return cc


def text_concept(text: str) -> dict | None:
    return {"text": text} if text else None


def fixed(system: str, code: str, display: str = "") -> dict:
    return {
        "coding": [{"system": system, "code": code, **({"display": display} if display else {})}]
    }


def clean(data):
    """Drop None, empty strings, empty lists and empty dicts (FHIR forbids empty elements)."""
    if isinstance(data, dict):
        out = {}
        for k, v in data.items():
            v = clean(v)
            if v is None or v == "" or v == [] or v == {}:
                continue
            out[k] = v
        return out
    if isinstance(data, list):
        items = [clean(v) for v in data]
        return [v for v in items if v is not None and v != "" and v != [] and v != {}]
    return data


def finish(data: dict) -> dict:
    return validate(clean(data))


def decimal_out(value) -> float | int | None:
    if value is None:
        return None
    d = Decimal(value).normalize()
    return int(d) if d == d.to_integral_value() else float(d)


# --- input helpers ----------------------------------------------------------------------


def first(items) -> dict:
    return items[0] if isinstance(items, list) and items else {}


def concept_in(cc: dict | None, *, preferred: tuple[str, ...] = ()) -> tuple[str, str, str]:
    """(code_system, code, display) from a CodeableConcept: the first coding of a system we
    know (the preferred ones first), else text only."""
    cc = cc or {}
    codings = [c for c in cc.get("coding") or [] if isinstance(c, dict)]
    known = [(URI_TO_SYSTEM.get(c.get("system", "")), c) for c in codings]
    known = [(k, c) for k, c in known if k]
    known.sort(key=lambda kc: preferred.index(kc[0]) if kc[0] in preferred else len(preferred))
    text = (cc.get("text") or "").strip()
    if known:
        key, c = known[0]
        return str(key), (c.get("code") or "").strip(), text or (c.get("display") or "").strip()
    display = text or next((c.get("display", "") for c in codings if c.get("display")), "")
    return CodeSystem.TEXT, "", display


def code_of(cc: dict | None, system: str | None = None) -> str:
    """The code of the first coding (of `system` when given) of a CodeableConcept."""
    for c in (cc or {}).get("coding") or []:
        if system is None or c.get("system") == system:
            return c.get("code") or ""
    return ""


_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


def date_in(value, *, field: str) -> dt.date | None:
    """A FHIR date or dateTime as a date (a partial date is taken as its first day)."""
    if value in (None, ""):
        return None
    text = str(value)
    m = _PARTIAL_DATE.match(text)
    try:
        if m:
            return dt.date(int(m[1]), int(m[2] or 1), int(m[3] or 1))
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError as exc:
        raise invalid(f"{field}: {text!r} is not a valid date.", expression=field) from exc


def datetime_in(value, *, field: str, tz) -> dt.datetime | None:
    """A FHIR dateTime/instant as an aware datetime; a bare date is midnight in the clinic."""
    if value in (None, ""):
        return None
    text = str(value)
    try:
        if _PARTIAL_DATE.match(text):
            day = date_in(text, field=field)
            return dt.datetime.combine(day, dt.time(), tzinfo=tz)  # type: ignore[arg-type]
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise invalid(f"{field}: {text!r} is not a valid dateTime.", expression=field) from exc
    if timezone.is_naive(parsed):
        raise invalid(f"{field}: a time must include a time zone.", expression=field)
    return parsed


def decimal_in(value, *, field: str) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise invalid(f"{field}: not a number.", expression=field) from exc


def note_in(data: dict) -> str:
    return "\n".join((n.get("text") or "").strip() for n in data.get("note") or []).strip()


def choose(value: str, mapping: dict[str, str], *, field: str, default: str | None = None) -> str:
    """Map a FHIR code to ours; an unsupported code is a 422 naming the allowed ones."""
    if not value:
        if default is not None:
            return default
        raise unprocessable(f"{field} is required.", expression=field)
    if value not in mapping:
        allowed = ", ".join(sorted(mapping))
        raise unprocessable(
            f"{field} {value!r} is not supported here (use one of: {allowed}).", expression=field
        )
    return mapping[value]


def invert(mapping: dict[str, str]) -> dict[str, str]:
    return {v: k for k, v in mapping.items()}


__all__ = ["FhirError"]
