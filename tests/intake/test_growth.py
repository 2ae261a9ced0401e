"""Growth percentiles and z-scores against the publishers' own reference values: the CDC 2000
data files carry P3…P97 beside L, M, S (z of P50 is 0, of P95 is 1.645…), and the WHO 2006
z-score tables carry SD−3…SD3 (rounded to 0.1 as WHO prints them)."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import pytest

from medassist.core.errors import ValidationFailed
from medassist.intake.growth import lms

CDC_PERCENTILES = {"P3": 3, "P5": 5, "P10": 10, "P25": 25, "P50": 50, "P75": 75, "P85": 85,
                   "P90": 90, "P95": 95, "P97": 97}  # fmt: skip
SEX = {"1": "M", "2": "F"}


def _rows(file, ages):
    return [r for r in lms.published(file) if float(r["age_months"]) in ages]


@pytest.mark.parametrize(
    "indicator,file",
    [
        ("weight_for_age", "cdc_weight_for_age.csv"),
        ("length_for_age", "cdc_stature_for_age.csv"),
        ("bmi_for_age", "cdc_bmi_for_age.csv"),
        ("head_for_age", "cdc_head_for_age.csv"),
    ],
)
def test_cdc_published_percentiles_give_their_z(indicator, file):
    ages = {24.5, 35.5, 60.5, 120.5, 180.5, 239.5}
    rows = _rows(file, ages)
    assert {r["sex"] for r in rows} == {"1", "2"} and len(rows) >= 4
    for r in rows:
        for column, p in CDC_PERCENTILES.items():
            if column not in r:
                continue
            result = lms.assess(
                indicator,
                sex=SEX[r["sex"]],
                age_months=float(r["age_months"]),
                value=float(r[column]),
            )
            assert result.source == "CDC 2000"
            assert result.z == pytest.approx(lms.z_for_percentile(p), abs=1e-5), (r, column)
            assert result.percentile == pytest.approx(p, abs=1e-3)


def test_cdc_p50_is_zero_and_p95_is_1645_both_sexes():
    for r in _rows("cdc_weight_for_age.csv", {24.5, 96.5, 200.5}):
        sex, age = SEX[r["sex"]], float(r["age_months"])
        p50 = lms.assess("weight_for_age", sex=sex, age_months=age, value=float(r["P50"]))
        p95 = lms.assess("weight_for_age", sex=sex, age_months=age, value=float(r["P95"]))
        assert p50.z == pytest.approx(0, abs=1e-7)
        assert p95.z == pytest.approx(1.6449, abs=1e-4)
        assert p95.percentile_text == "95.0"


@pytest.mark.parametrize(
    "indicator,file,x_name",
    [
        ("weight_for_age", "who_weight_for_age.csv", "age_months"),
        ("length_for_age", "who_length_for_age.csv", "age_months"),
        ("head_for_age", "who_head_for_age.csv", "age_months"),
        ("weight_for_length", "who_weight_for_length.csv", "length_cm"),
    ],
)
def test_who_published_sd_values(indicator, file, x_name):
    """Every row of WHO's z-score tables: the value at z = k, rounded as WHO prints it, is the
    published SDk, and the published SDk's z is k within that rounding."""
    table = lms.INDICATORS[indicator].who
    checked = 0
    for r in lms.published(file):
        x = float(r[x_name])
        if x_name == "age_months" and x >= 24:
            continue
        sex = SEX[r["sex"]]
        L, M, S = float(r["L"]), float(r["M"]), float(r["S"])
        for k in (-3, -2, -1, 0, 1, 2, 3):
            published = float(r[f"SD{k}"])
            ours = lms.value_at_z(k, L, M, S)
            assert abs(ours - published) <= 0.05 + 1e-9, (r, k, ours)
            kwargs = (
                {"age_months": x} if x_name == "age_months" else {"age_months": 6.0, "length_cm": x}
            )
            result = lms.assess(indicator, sex=sex, value=published, **kwargs)
            assert result.source == "WHO 2006"
            # rounding to 0.1 moves z by at most 0.05 / (local SD width)
            # (beyond ±3 WHO's unit is the SD2–SD3 distance: take the narrower neighbour)
            steps = [(j, j + 1) for j in (k - 1, k) if j >= -3 and j + 1 <= 3]
            width = min(lms.value_at_z(b, L, M, S) - lms.value_at_z(a, L, M, S) for a, b in steps)
            assert abs(result.z - k) <= 0.05 / width * 1.05 + 1e-6, (r, k, result.z)
            checked += 1
        assert table is not None
    assert checked >= 7 * 48


def test_who_worked_example_newborn_boy():
    # WHO weight-for-age boys, birth: L 0.3487, M 3.3464, S 0.14602 (published M = median)
    r = lms.assess("weight_for_age", sex="M", age_months=0, value=3.3464)
    assert r.z == pytest.approx(0, abs=1e-9) and r.percentile == pytest.approx(50)
    # L = 0 form of the formula
    assert lms.z_from_lms(math.e, 0, 1, 1) == pytest.approx(1)


def test_who_restricted_z_beyond_three_sd():
    L, M, S = 0.3487, 3.3464, 0.14602
    sd3, sd2 = lms.value_at_z(3, L, M, S), lms.value_at_z(2, L, M, S)
    r = lms.assess("weight_for_age", sex="M", age_months=0, value=sd3 + (sd3 - sd2))
    assert r.z == pytest.approx(4.0)
    # length is not restricted: plain LMS
    lr = lms.assess("length_for_age", sex="M", age_months=0, value=49.8842 * 1.2)
    assert lr.z == pytest.approx(lms.z_from_lms(49.8842 * 1.2, 1, 49.8842, 0.03795))


def test_interpolation_between_half_month_rows():
    rows = {float(r["age_months"]): r for r in lms.published("cdc_weight_for_age.csv")
            if r["sex"] == "2"}  # fmt: skip
    lo, hi = rows[60.5], rows[61.5]
    L, M, S = lms.CDC_WFA.lms(2, 61.0)
    assert pytest.approx((float(lo["M"]) + float(hi["M"])) / 2) == M
    assert pytest.approx((float(lo["L"]) + float(hi["L"])) / 2) == L
    assert pytest.approx((float(lo["S"]) + float(hi["S"])) / 2) == S


def test_who_before_24_months_cdc_from_24():
    assert lms.assess("weight_for_age", sex="F", age_months=23.9, value=11).source == "WHO 2006"
    assert lms.assess("weight_for_age", sex="F", age_months=24.0, value=11).source == "CDC 2000"


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"age_months": -1, "value": 3}, "negative"),
        ({"age_months": 241, "value": 70}, "charted to 20 years"),
        ({"age_months": 30, "value": -2}, "positive number"),
        ({"age_months": 30, "value": 0}, "positive number"),
        ({"age_months": 30, "value": float("nan")}, "positive number"),
    ],
)
def test_impossible_input_is_refused(kwargs, message):
    with pytest.raises(ValidationFailed, match=message):
        lms.assess("weight_for_age", sex="M", **kwargs)


def test_other_refusals():
    with pytest.raises(ValidationFailed, match="female or male"):
        lms.assess("weight_for_age", sex="U", age_months=12, value=9)
    with pytest.raises(ValidationFailed, match="starts at 2 years"):
        lms.assess("bmi_for_age", sex="M", age_months=12, value=17)
    with pytest.raises(ValidationFailed, match="charted to 3 years"):
        lms.assess("head_for_age", sex="M", age_months=40, value=50)
    with pytest.raises(ValidationFailed, match="45–110 cm"):
        lms.assess("weight_for_length", sex="M", age_months=3, value=5, length_cm=30)
    with pytest.raises(ValidationFailed, match="before the patient's birth"):
        lms.age_in_months(dt.date(2025, 1, 2), dt.date(2025, 1, 1))
    with pytest.raises(ValidationFailed, match="Unknown growth indicator"):
        lms.assess("arm_span", sex="M", age_months=30, value=80)


def test_age_in_months_uses_days():
    assert lms.age_in_months(dt.date(2024, 1, 1), dt.date(2024, 1, 1) + dt.timedelta(days=365)) == (
        pytest.approx(365 / 30.4375)
    )


def test_head_circumference_is_a_fhir_vital_sign():
    from medassist.fhir.mappers.observation import VITALS_BY_KEY, vitals_present
    from medassist.intake.models import Vitals

    assert VITALS_BY_KEY["head"].loinc == "9843-4"
    assert vitals_present(Vitals(head_circumference_cm=42.2)) == ["head"]


def test_head_circumference_plausibility():
    from medassist.intake import vitals

    assert vitals.normalize(head_circumference="42.2").values["head_circumference_cm"] == Decimal(
        "42.2"
    )
    with pytest.raises(ValidationFailed, match="Head circumference 12 cm is not possible"):
        vitals.normalize(head_circumference="12")
