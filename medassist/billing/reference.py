"""Reference data shipped with billing (medassist/billing/data/*.csv, each naming its source):
place-of-service codes, adjustment reason words (CARC/RARC), the demo fee schedule; and the
ICD-10-CM billable/header sets used by the scrubber (from the bundled release)."""

from __future__ import annotations

import csv
from decimal import Decimal
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(newline="", encoding="utf-8") as f:
        lines = (line for line in f if line.strip() and not line.startswith("#"))
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(lines)]


@cache
def places_of_service() -> dict[str, str]:
    return {row["code"]: row["name"] for row in _rows("place_of_service.csv")}


@cache
def _reasons() -> dict[tuple[str, str], str]:
    return {(row["kind"], row["code"]): row["words"] for row in _rows("adjustment_reasons.csv")}


def group_words(group: str) -> str:
    return _reasons().get(("group", group), f"group {group}")


def reason_words(code: str) -> str:
    """A CARC in plain words; an unknown code is named so a person can look it up."""
    return _reasons().get(("carc", code), f"reason {code} (look up CARC {code})")


def remark_words(code: str) -> str:
    return _reasons().get(("rarc", code), f"remark {code} (look up RARC {code})")


def demo_fee_schedule() -> list[dict]:
    return [
        {**row, "price": Decimal(row["price"]), "demo": row["system"] == "CPT"}
        for row in _rows("fee_schedule_demo.csv")
    ]


@cache
def billable_icd10cm() -> frozenset[str]:
    """Every billable code of the bundled ICD-10-CM release (with the dot)."""
    from medassist.billing import suggest

    return frozenset(suggest.dictionary().titles)


@cache
def _prefixes() -> frozenset[str]:
    out: set[str] = set()
    for code in billable_icd10cm():
        compact = code.replace(".", "")
        for n in range(3, len(compact)):
            out.add(compact[:n])
    return frozenset(out)


def icd10cm_title(code: str) -> str:
    from medassist.billing import suggest

    return suggest.dictionary().titles.get(code, "")


def icd10cm_is_header(code: str) -> bool:
    """A category or subcategory that has billable codes below it (not billable itself)."""
    return code.replace(".", "").upper() in _prefixes() and code not in billable_icd10cm()
