"""Conformance over the shared X12 examples (skipped when ../shared/data is absent)."""

from __future__ import annotations

import json

import pytest

from medassist.billing import validate, x12, x835
from tests.billing.shared import shared


def _files(folder: str, pattern: str = "*"):
    return sorted(shared("x12", folder).glob(pattern))


def test_every_835_parses_or_is_refused_in_words():
    files = [
        *_files("linuxforhealth/835_005010X221A1"),
        *_files("pyx12", "835*.txt"),
        *_files("pyx12/x12testdata", "835*.source.x12"),
        *_files("pyx12/x12testdata", "bad_header*.source.x12"),
    ]
    assert files
    for path in files:
        row = x835.summarize(path)
        inter = x12.read_file(path) if "error" not in row else None
        if inter is not None and inter.version == "00501":
            assert row["claim_payments"] >= 1 or row["paid_total"] == "0.00"
        else:
            assert row["error"].endswith(".") and "segment" in row["error"]


def test_every_5010_835_parses():
    for path in _files("linuxforhealth/835_005010X221A1") + _files("pyx12", "835*.txt"):
        row = x835.summarize(path)
        assert "error" not in row, (path, row)
        era = x835.parse_835_file(path)
        assert str(era.paid_total.quantize(x835.CENT)) == row["paid_total"]


def test_non_835_files_are_refused():
    for path in _files("linuxforhealth/837_005010X222A2") + _files(
        "linuxforhealth/270_005010X279A1"
    ):
        row = x835.summarize(path)
        assert "not an 835" in row["error"]


def test_pyx12_cases_agree_with_the_index():
    folder = shared("x12", "pyx12", "x12testdata")
    cases = json.loads((folder / "INDEX.json").read_text())
    for case in cases:
        problems, _ = validate.pyx12_errors((folder / f"{case['case']}.source.x12").read_bytes())
        if case["expected_ack_status"] == "A":
            assert problems == [], case
        elif case["expected_ack_status"] in ("R", "E"):
            assert problems, case
            assert all(str(p) for p in problems)


@pytest.mark.parametrize("name", ["demo.example1.837", "demo.autoaccident.837"])
def test_valid_837p_examples_pass(name):
    path = shared("x12", "linuxforhealth", "837_005010X222A2", name)
    problems, note = validate.pyx12_errors(path.read_bytes())
    assert problems == []
    assert "005010X222A1" in note
