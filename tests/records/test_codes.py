"""The chart's code checks: ICD-10-CM from the bundled release, CVX from our data file."""

from __future__ import annotations

import csv

import pytest

from medassist.core.errors import ValidationFailed
from medassist.records.codes import CVX_FILE, cvx_check, cvx_choices, icd10_check, icd10_normalize
from medassist.records.models import SmokingStatus


def test_cvx_file_has_unique_numeric_codes_and_names():
    with CVX_FILE.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    codes = [r["cvx"] for r in rows]
    assert len(codes) == len(set(codes))
    assert all(c.isdigit() and 2 <= len(c) <= 3 for c in codes)
    assert all(r["name"].strip() and r["active"] in ("yes", "no") for r in rows)


@pytest.mark.parametrize(
    ("code", "starts"),
    [("03", "MMR"), ("3", "MMR"), ("115", "Tdap"), ("187", "Zoster vaccine, recombinant"),
     ("21", "Varicella"), ("08", "Hepatitis B")],
)  # fmt: skip
def test_common_vaccines_resolve_by_cvx(code, starts):
    assert cvx_check(code).name.startswith(starts)


def test_inactive_vaccines_are_valid_history_but_not_offered():
    assert cvx_check("121").active is False  # live zoster: recorded history only
    assert "121" not in {c for c, _ in cvx_choices()}
    assert "121" in {c for c, _ in cvx_choices(include_inactive=True)}


def test_icd10_codes_are_normalized_with_the_dot():
    assert icd10_normalize(" e119 ") == "E11.9"
    assert icd10_check("Z0000") == (
        "Z00.00",
        "Encounter for general adult medical examination without abnormal findings",
    )


@pytest.mark.parametrize("code", ["E00-E89", "4", "E11.", "ZZZ.Z"])
def test_chapters_blocks_and_garbage_are_not_codes(code):
    with pytest.raises(ValidationFailed):
        icd10_check(code)


def test_smoking_status_uses_the_snomed_value_set():
    assert SmokingStatus("8517006").label == "Former smoker"
    assert SmokingStatus("266919005").label == "Never smoker"
    assert SmokingStatus("449868002").label == "Current every day smoker"
