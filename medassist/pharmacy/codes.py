"""NDCs and barcodes: the 10-digit NDC printed on a package (4-4-2, 5-3-2 or 5-4-1) and its
11-digit 5-4-2 billing form; a scan of a linear NDC/UPC barcode or a GS1 DataMatrix
(GTIN with the NDC inside, expiry AI 17, lot AI 10)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from medassist.pharmacy.errors import BadNdc

_DASHED = re.compile(r"^(\d{4,5})-(\d{3,4})-(\d{1,2})$")
_GS1_AI = re.compile(r"\((\d{2})\)")
GS = "\x1d"


def ndc11(text: str) -> str:
    """The 11-digit form of an NDC written with dashes (any of the three layouts) or as 11
    digits. A bare 10-digit NDC is ambiguous: use `ndc_candidates`."""
    value = text.strip()
    m = _DASHED.match(value)
    if m:
        a, b, c = m.groups()
        if (len(a), len(b), len(c)) not in {(4, 4, 2), (5, 3, 2), (5, 4, 1), (5, 4, 2)}:
            raise BadNdc(f"{text!r} is not an NDC (4-4-2, 5-3-2 or 5-4-1).", field="ndc")
        return a.zfill(5) + b.zfill(4) + c.zfill(2)
    if value.isdigit() and len(value) == 11:
        return value
    raise BadNdc(
        f"{text!r} is not an NDC: write it with its dashes (e.g. 49281-0400-10) or as 11 digits.",
        field="ndc",
    )


def ndc_candidates(text: str) -> set[str]:
    """Every 11-digit NDC a typed or scanned NDC may mean (one, unless 10 bare digits)."""
    value = text.strip()
    if value.isdigit() and len(value) == 10:
        return {"0" + value, value[:5] + "0" + value[5:], value[:9] + "0" + value[9:]}
    return {ndc11(value)}


@dataclass(frozen=True)
class Scan:
    ndcs: frozenset[str]
    lot: str = ""
    expires_on: date | None = None


def parse_scan(text: str) -> Scan:
    """A scanned or typed code: a GS1 string ((01)GTIN(17)YYMMDD(10)LOT, with brackets or
    FNC1 separators), a 12-digit UPC-A with the NDC inside, or an NDC."""
    raw = text.strip()
    if not raw:
        raise BadNdc("Scan or type the NDC.", field="ndc")
    fields = _gs1(raw)
    if fields is not None:
        gtin = fields.get("01", "")
        if len(gtin) != 14 or not gtin.isdigit() or gtin[1:3] != "03":
            raise BadNdc("This barcode carries no NDC (its GTIN does not start with 03).")
        expires = None
        if "17" in fields:
            expires = _gs1_date(fields["17"])
        return Scan(frozenset(ndc_candidates(gtin[3:13])), fields.get("10", ""), expires)
    if raw.isdigit() and len(raw) == 12 and raw.startswith("3"):
        return Scan(frozenset(ndc_candidates(raw[1:11])))
    return Scan(frozenset(ndc_candidates(raw)))


def _gs1(raw: str) -> dict[str, str] | None:
    if raw.startswith("(01)"):
        parts = _GS1_AI.split(raw)[1:]
        return {parts[i]: parts[i + 1].strip() for i in range(0, len(parts) - 1, 2)}
    body = raw.removeprefix("]d2").removeprefix(GS)
    if not (body.startswith("01") and len(body) >= 16 and body[2:16].isdigit()):
        return None
    fields = {"01": body[2:16]}
    rest = body[16:]
    while rest:
        ai, rest = rest[:2], rest[2:]
        if ai in {"17", "11", "15"}:
            fields[ai], rest = rest[:6], rest[6:]
        elif ai in {"10", "21"}:
            value, _, rest = rest.partition(GS)
            fields[ai] = value
        else:
            break
        rest = rest.removeprefix(GS)
    return fields


def _gs1_date(value: str) -> date:
    if len(value) != 6 or not value.isdigit():
        raise BadNdc(f"The barcode's expiry {value!r} is not YYMMDD.")
    yy, mm, dd = int(value[:2]), int(value[2:4]), int(value[4:])
    try:
        if dd == 0:  # GS1: day 00 means the end of the month
            import calendar

            dd = calendar.monthrange(2000 + yy, mm)[1]
        return date(2000 + yy, mm, dd)
    except ValueError as exc:
        raise BadNdc(f"The barcode's expiry {value!r} is not a date.") from exc
