"""Growth percentiles and z-scores by the LMS method (Cole 1990), as the CDC and WHO publish it.

CDC's recommendation is followed: the WHO 2006 standards from birth to 24 months, the CDC 2000
charts from 2 to 20 years. Z = ((X/M)^L − 1)/(L·S) when L ≠ 0 and ln(X/M)/S when L = 0; the
percentile is the standard normal CDF of Z. L, M and S are interpolated linearly between the
table's rows (WHO: whole months; CDC: 24.0 and the half-month points 24.5, 25.5, …).

WHO's weight-based indicators (weight-for-age, weight-for-length) use WHO's restricted
computation beyond ±3 SD (the distance between SD2 and SD3 is the unit there), as WHO's own
software does; length and head circumference do not. Age in months is days / 30.4375 (WHO).

Pure functions and read-only tables; nothing here is shown to patients.
"""

from __future__ import annotations

import csv
import math
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from statistics import NormalDist

from medassist.core.errors import ValidationFailed

DATA = Path(__file__).parent / "data"
DAYS_PER_MONTH = 30.4375
WHO_UNTIL_MONTHS = 24.0  # CDC: WHO standards before 24 months, CDC 2000 charts from then
LAST_MONTHS = 240.0  # the CDC 2000 charts end at 20 years
SEXES = {"M": 1, "F": 2}
_NORMAL = NormalDist()

# The curves drawn on the chart; P85 also marks the CDC's overweight cut-off for BMI.
CURVE_PERCENTILES = (3, 5, 10, 25, 50, 75, 90, 95, 97)


@dataclass(frozen=True)
class Table:
    """One published LMS table: rows (x, L, M, S) per sex (1 male, 2 female)."""

    file: str
    source: str  # "WHO 2006" / "CDC 2000"
    x_name: str  # "age_months" or "length_cm"
    restricted: bool  # WHO's ±3 SD rule for weight-based indicators

    @property
    def rows(self) -> dict[int, list[tuple[float, float, float, float]]]:
        return _rows(self.file, self.x_name)

    def span(self, sex: int) -> tuple[float, float]:
        rows = self.rows[sex]
        return rows[0][0], rows[-1][0]

    def lms(self, sex: int, x: float) -> tuple[float, float, float]:
        rows = self.rows[sex]
        xs = [r[0] for r in rows]
        if not xs[0] <= x <= xs[-1]:
            raise ValidationFailed(
                f"{x:g} is outside the {self.source} table ({xs[0]:g}–{xs[-1]:g})."
            )
        i = bisect_right(xs, x)
        if i >= len(xs):
            return rows[-1][1:]
        lo, hi = rows[i - 1], rows[i]
        if x == lo[0]:
            return lo[1:]
        t = (x - lo[0]) / (hi[0] - lo[0])
        return tuple(a + t * (b - a) for a, b in zip(lo[1:], hi[1:], strict=True))  # type: ignore[return-value]


@cache
def _rows(file: str, x_name: str) -> dict[int, list[tuple[float, float, float, float]]]:
    out: dict[int, list[tuple[float, float, float, float]]] = {1: [], 2: []}
    with open(DATA / file, newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            out[int(r["sex"])].append(
                (float(r[x_name]), float(r["L"]), float(r["M"]), float(r["S"]))
            )
    for rows in out.values():
        rows.sort()
    return out


@cache
def published(file: str) -> list[dict[str, str]]:
    """The table's rows as published, with their reference columns (P3…P97 or SD-3…SD3)."""
    with open(DATA / file, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


WHO_WFA = Table("who_weight_for_age.csv", "WHO 2006", "age_months", True)
WHO_LFA = Table("who_length_for_age.csv", "WHO 2006", "age_months", False)
WHO_HCFA = Table("who_head_for_age.csv", "WHO 2006", "age_months", False)
WHO_WFL = Table("who_weight_for_length.csv", "WHO 2006", "length_cm", True)
CDC_WFA = Table("cdc_weight_for_age.csv", "CDC 2000", "age_months", False)
CDC_SFA = Table("cdc_stature_for_age.csv", "CDC 2000", "age_months", False)
CDC_BMI = Table("cdc_bmi_for_age.csv", "CDC 2000", "age_months", False)
CDC_HCFA = Table("cdc_head_for_age.csv", "CDC 2000", "age_months", False)


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    measure: str  # the Vitals field
    unit: str
    who: Table | None  # before 24 months
    cdc: Table | None  # from 24 months
    until_months: float = LAST_MONTHS


INDICATORS = {
    i.key: i
    for i in (
        Indicator("weight_for_age", "Weight-for-age", "weight_kg", "kg", WHO_WFA, CDC_WFA),
        Indicator("length_for_age", "Length/height-for-age", "height_cm", "cm", WHO_LFA, CDC_SFA),
        Indicator("bmi_for_age", "BMI-for-age", "bmi", "kg/m²", None, CDC_BMI),
        Indicator(
            "head_for_age",
            "Head circumference-for-age",
            "head_circumference_cm",
            "cm",
            WHO_HCFA,
            CDC_HCFA,
            until_months=36.0,
        ),
        Indicator(
            "weight_for_length",
            "Weight-for-length",
            "weight_kg",
            "kg",
            WHO_WFL,
            None,
            until_months=WHO_UNTIL_MONTHS,
        ),
    )
}


def z_from_lms(x: float, L: float, M: float, S: float) -> float:
    if abs(L) < 1e-12:
        return math.log(x / M) / S
    return ((x / M) ** L - 1) / (L * S)


def value_at_z(z: float, L: float, M: float, S: float) -> float:
    """The measurement at z (the inverse), used for the percentile curves."""
    if abs(L) < 1e-12:
        return M * math.exp(S * z)
    return M * (1 + L * S * z) ** (1 / L)


def z_for_percentile(p: float) -> float:
    return _NORMAL.inv_cdf(p / 100)


def percentile_of(z: float) -> float:
    return 100 * _NORMAL.cdf(z)


def who_restricted_z(x: float, L: float, M: float, S: float) -> float:
    """WHO's z beyond ±3 SD for weight-based indicators: linear on the SD2–SD3 distance."""
    z = z_from_lms(x, L, M, S)
    if z > 3:
        sd3 = value_at_z(3, L, M, S)
        return 3 + (x - sd3) / (sd3 - value_at_z(2, L, M, S))
    if z < -3:
        sd3neg = value_at_z(-3, L, M, S)
        return -3 + (x - sd3neg) / (value_at_z(-2, L, M, S) - sd3neg)
    return z


def age_in_months(born: date, on: date) -> float:
    days = (on - born).days
    if days < 0:
        raise ValidationFailed("The measurement is dated before the patient's birth.")
    return days / DAYS_PER_MONTH


@dataclass(frozen=True)
class Result:
    indicator: str
    label: str
    source: str
    value: float
    unit: str
    z: float
    percentile: float

    @property
    def z_text(self) -> str:
        z = round(self.z, 2)
        return f"{z + 0.0 if z else 0.0:+.2f}"  # no "-0.00"

    @property
    def percentile_text(self) -> str:
        if self.percentile < 0.1:
            return "<0.1"
        if self.percentile > 99.9:
            return ">99.9"
        return f"{self.percentile:.1f}"


def table_for(indicator: Indicator, age_months: float) -> Table:
    """WHO before 24 months, CDC 2000 from 24 months; a clear error outside the charts."""
    if age_months < 0:
        raise ValidationFailed("Age cannot be negative.")
    if age_months > indicator.until_months:
        raise ValidationFailed(
            f"{indicator.label} is charted to {indicator.until_months / 12:g} years; "
            f"this age is {age_months / 12:.1f} years."
        )
    table = indicator.who if age_months < WHO_UNTIL_MONTHS else indicator.cdc
    if table is None:
        if age_months < WHO_UNTIL_MONTHS:
            raise ValidationFailed(
                f"{indicator.label} starts at 2 years (CDC); under 2 use weight-for-length."
            )
        raise ValidationFailed(f"{indicator.label} is for children under 2 years.")
    return table


def assess(
    indicator_key: str,
    *,
    sex: str,
    age_months: float,
    value: float,
    length_cm: float | None = None,
) -> Result:
    """The z-score and percentile of one measurement. Impossible input raises ValidationFailed."""
    indicator = INDICATORS.get(indicator_key)
    if indicator is None:
        raise ValidationFailed(f"Unknown growth indicator {indicator_key!r}.")
    if sex not in SEXES:
        raise ValidationFailed(
            "Growth percentiles need the sex assigned at birth recorded as female or male."
        )
    if not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise ValidationFailed(f"{indicator.label}: the measurement must be a positive number.")
    table = table_for(indicator, age_months)
    x = age_months
    if table.x_name == "length_cm":
        if length_cm is None or not math.isfinite(length_cm) or length_cm <= 0:
            raise ValidationFailed("Weight-for-length needs the length.")
        lo, hi = table.span(SEXES[sex])
        if not lo <= length_cm <= hi:
            raise ValidationFailed(
                f"Weight-for-length is charted for lengths {lo:g}–{hi:g} cm; this one is "
                f"{length_cm:g} cm."
            )
        x = length_cm
    L, M, S = table.lms(SEXES[sex], x)
    z = who_restricted_z(value, L, M, S) if table.restricted else z_from_lms(value, L, M, S)
    return Result(
        indicator=indicator.key,
        label=indicator.label,
        source=table.source,
        value=value,
        unit=indicator.unit,
        z=z,
        percentile=percentile_of(z),
    )


def measurements(vitals) -> dict[str, float]:
    """What one Vitals set offers the indicators: weight, height/length, BMI, head."""
    out: dict[str, float] = {}
    for name in ("weight_kg", "height_cm", "bmi", "head_circumference_cm"):
        value = getattr(vitals, name, None)
        if value is not None:
            out[name] = float(value)
    return out


def assess_vitals(*, sex: str, born: date, on: date, vitals) -> list[Result]:
    """Every indicator that applies to one vitals set (a child under 20). What cannot be
    computed (age out of a chart's range, sex not recorded) is left out, not guessed."""
    try:
        months = age_in_months(born, on)
    except ValidationFailed:
        return []
    if sex not in SEXES or months > LAST_MONTHS:
        return []
    have = measurements(vitals)
    results = []
    for indicator in INDICATORS.values():
        value = have.get(indicator.measure)
        if value is None:
            continue
        try:
            results.append(
                assess(
                    indicator.key,
                    sex=sex,
                    age_months=months,
                    value=value,
                    length_cm=have.get("height_cm"),
                )
            )
        except ValidationFailed:
            continue
    return results
