"""Search parameters: parsing FHIR values (dates with prefixes, tokens, references) into
Django filters. Unsupported parameters are refused (400) rather than silently ignored, so a
client never mistakes an unfiltered list for a filtered one."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass

from django.db.models import Q

from medassist.fhir.errors import invalid

DEFAULT_COUNT = 20
MAX_COUNT = 200
IGNORED = {"_format", "_pretty"}
_DATE = re.compile(
    r"^(?P<prefix>eq|ne|ge|le|gt|lt)?(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2})"
    r"(?:T(?P<time>[0-9:.]+)(?P<tz>Z|[+-]\d{2}:\d{2})?)?)?)?$"
)


@dataclass
class Paging:
    count: int
    offset: int


def paging(params: list[tuple[str, str]]) -> tuple[Paging, list[tuple[str, str]]]:
    """Take _count and _offset out of the parameters."""
    count, offset, rest = DEFAULT_COUNT, 0, []
    for name, value in params:
        if name == "_count":
            count = _int(value, "_count")
        elif name == "_offset":
            offset = _int(value, "_offset")
        elif name not in IGNORED:
            rest.append((name, value))
    return Paging(count=min(count, MAX_COUNT), offset=offset), rest


def _int(value: str, name: str) -> int:
    if not value.isdigit():
        raise invalid(f"{name} must be a whole number ≥ 0.", expression=name)
    return int(value)


def date_range(value: str, *, tz) -> tuple[str, dt.datetime, dt.datetime]:
    """(prefix, start, end) of a FHIR date search value; [start, end) is the value's precision
    (a year, a month, a day or an instant), in the clinic's time zone when none is given."""
    m = _DATE.match(value.strip())
    if not m:
        raise invalid(
            f"date: {value!r} is not a FHIR date (e.g. ge2024-01-01, 2024-05, "
            "lt2024-05-01T10:00:00Z).",
            expression="date",
        )
    prefix = m["prefix"] or "eq"
    if prefix == "ne":
        raise invalid("date: the ne prefix is not supported.", expression="date")
    y, mo, d = int(m["y"]), int(m["m"] or 1), int(m["d"] or 1)
    try:
        if m["time"]:
            zone = dt.UTC if m["tz"] == "Z" else (tz if not m["tz"] else None)
            offset = m["tz"] if m["tz"] not in (None, "Z") else ""
            text = f"{y:04d}-{mo:02d}-{d:02d}T{m['time']}{offset}"
            start = dt.datetime.fromisoformat(text)
            if start.tzinfo is None:
                start = start.replace(tzinfo=zone)
            end = start + dt.timedelta(seconds=1)
        else:
            start = dt.datetime(y, mo, d, tzinfo=tz)
            if m["d"]:
                end = start + dt.timedelta(days=1)
            elif m["m"]:
                end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            else:
                end = start.replace(year=y + 1)
    except ValueError as exc:
        raise invalid(f"date: {value!r} is not a valid date.", expression="date") from exc
    return prefix, start, end


def date_q(field: str, value: str, *, tz, is_date: bool = False) -> Q:
    prefix, start, end = date_range(value, tz=tz)
    lo: object = start.date() if is_date else start
    hi: object = end.date() if is_date else end
    if is_date and hi == lo:
        hi = lo + dt.timedelta(days=1)  # type: ignore[operator]
    return {
        "eq": Q(**{f"{field}__gte": lo, f"{field}__lt": hi}),
        "ge": Q(**{f"{field}__gte": lo}),
        "gt": Q(**{f"{field}__gte": hi}),
        "le": Q(**{f"{field}__lt": hi}),
        "lt": Q(**{f"{field}__lt": lo}),
    }[prefix]


def split_or(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def token(value: str) -> tuple[str | None, str]:
    """system|code → (system, code); code → (None, code); |code → ("", code)."""
    if "|" in value:
        system, _, code = value.partition("|")
        return system, code
    return None, value


def uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except (ValueError, AttributeError):
        return None


def reference_id(value: str, expected: str) -> uuid.UUID | None:
    """'Patient/<id>', a full URL ending so, or a bare id → the UUID (None if malformed)."""
    text = value.strip().rstrip("/")
    if "/" in text:
        head, _, rid = text.rpartition("/")
        kind = head.rsplit("/", 1)[-1]
        if kind != expected:
            return None
        text = rid
    return uuid_or_none(text)
