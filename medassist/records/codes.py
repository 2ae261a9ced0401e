"""Code checks the chart needs: ICD-10-CM (simple_icd_10_cm's bundled release) and CVX
(our own data file, medassist/records/data/cvx.csv)."""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path

import simple_icd_10_cm as icd

from medassist.core.errors import ValidationFailed

CVX_FILE = Path(__file__).parent / "data" / "cvx.csv"
_ICD_SHAPE = re.compile(r"^[A-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$")


def icd10_normalize(code: str) -> str:
    """'e119' → 'E11.9'. Does not check that the code exists."""
    text = (code or "").strip().upper().replace(" ", "")
    if not text:
        return ""
    if "." not in text and len(text) > 3 and text.isalnum():
        text = f"{text[:3]}.{text[3:]}"
    return text


def icd10_check(code: str, *, field: str = "code") -> tuple[str, str]:
    """Return (code with dot, official description) for a billable ICD-10-CM code, or raise
    ValidationFailed saying what is wrong."""
    text = icd10_normalize(code)
    if not text:
        raise ValidationFailed("Enter an ICD-10-CM code.", field=field)
    if not _ICD_SHAPE.match(text) or not icd.is_valid_item(text):
        raise ValidationFailed(f"{text} is not an ICD-10-CM code.", field=field)
    if not icd.is_leaf(text):
        raise ValidationFailed(
            f"{text} is a category ({icd.get_description(text)}); choose a more specific code.",
            field=field,
        )
    return text, icd.get_description(text)


@dataclass(frozen=True)
class Vaccine:
    cvx: str
    name: str
    active: bool


@functools.cache
def cvx_table() -> dict[str, Vaccine]:
    with CVX_FILE.open(newline="", encoding="utf-8") as fh:
        return {
            row["cvx"]: Vaccine(row["cvx"], row["name"], row["active"] == "yes")
            for row in csv.DictReader(fh)
        }


def cvx_normalize(code: str) -> str:
    text = (code or "").strip()
    if text.isdigit() and len(text) == 1:
        text = "0" + text
    return text


def cvx_check(code: str, *, field: str = "code") -> Vaccine:
    text = cvx_normalize(code)
    if not text:
        raise ValidationFailed("Choose the vaccine (CVX code).", field=field)
    vaccine = cvx_table().get(text)
    if vaccine is None:
        raise ValidationFailed(f"{text} is not a CVX code we know.", field=field)
    return vaccine


def cvx_choices(*, include_inactive: bool = False) -> list[tuple[str, str]]:
    return [
        (v.cvx, f"{v.name} (CVX {v.cvx})")
        for v in sorted(cvx_table().values(), key=lambda v: v.name.lower())
        if v.active or include_inactive
    ]
