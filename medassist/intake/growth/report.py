"""The growth section of the chart and the pre-visit summary: per vitals set, every indicator's
percentile and z-score, and the growth chart pictures. Staff only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.safestring import SafeString

from medassist.intake.growth import lms
from medassist.intake.growth.chart import Frame, Point, growth_chart

ORDER = ("weight_for_age", "length_for_age", "weight_for_length", "bmi_for_age", "head_for_age")


@dataclass
class Row:
    when: date
    age: str
    results: list[lms.Result]
    head_cm: float | None = None

    def by_key(self) -> dict[str, lms.Result]:
        return {r.indicator: r for r in self.results}

    @property
    def cells(self) -> list[lms.Result | None]:
        found = self.by_key()
        return [found.get(k) for k in ORDER]


@dataclass
class Growth:
    applies: bool  # the patient is under 20
    note: str = ""
    rows: list[Row] = field(default_factory=list)  # newest first
    charts: list[SafeString] = field(default_factory=list)
    labels: list[str] = field(default_factory=lambda: [lms.INDICATORS[k].label for k in ORDER])

    @property
    def latest(self) -> Row | None:
        return next((r for r in self.rows if r.results), None)


def age_text(months: float) -> str:
    if months < 24:
        return f"{months:.1f} mo"
    years, rest = divmod(int(months), 12)
    return f"{years} y {rest} mo"


def _frames(age_now_months: float) -> list[Frame]:
    ind = lms.INDICATORS
    if age_now_months < lms.WHO_UNTIL_MONTHS:
        return [
            Frame(ind["weight_for_age"], lms.WHO_WFA, 0, 24),
            Frame(ind["length_for_age"], lms.WHO_LFA, 0, 24),
            Frame(ind["weight_for_length"], lms.WHO_WFL, 45, 110),
            Frame(ind["head_for_age"], lms.WHO_HCFA, 0, 24),
        ]
    frames = [
        Frame(ind["weight_for_age"], lms.CDC_WFA, 24, 240),
        Frame(ind["length_for_age"], lms.CDC_SFA, 24, 240),
        Frame(ind["bmi_for_age"], lms.CDC_BMI, 24, 240),
    ]
    if age_now_months <= 36:
        frames.append(Frame(ind["head_for_age"], lms.CDC_HCFA, 24, 36))
    return frames


def growth_for(patient, vitals: list, *, tz, today: date | None = None) -> Growth:
    """`vitals`: the patient's vitals sets, any order. Nothing for a patient aged 20 or more."""
    today = today or timezone.localdate(timezone=tz)
    born = patient.date_of_birth
    now_months = lms.age_in_months(born, today) if today >= born else 0.0
    if now_months >= lms.LAST_MONTHS:
        return Growth(applies=False)
    growth = Growth(applies=True)
    if patient.sex not in lms.SEXES:
        growth.note = (
            "Growth percentiles need the sex assigned at birth recorded as female or male; "
            "none are computed."
        )
    measured: list[tuple[float, date, dict[str, float], Row]] = []
    for v in sorted(vitals, key=lambda v: v.taken_at):
        on = timezone.localtime(v.taken_at, tz).date()
        if on < born:
            continue
        months = lms.age_in_months(born, on)
        if months > lms.LAST_MONTHS:
            continue
        have = lms.measurements(v)
        if not ({"weight_kg", "height_cm", "head_circumference_cm"} & have.keys()):
            continue
        results = lms.assess_vitals(sex=patient.sex, born=born, on=on, vitals=v)
        row = Row(
            when=on,
            age=age_text(months),
            results=results,
            head_cm=have.get("head_circumference_cm"),
        )
        measured.append((months, on, have, row))
    growth.rows = [m[3] for m in reversed(measured)]
    if patient.sex not in lms.SEXES:
        return growth
    for frame in _frames(now_months):
        points = []
        for months, on, have, row in measured:
            result = row.by_key().get(frame.indicator.key)
            if result is None or result.source != frame.table.source:
                continue
            x = have["height_cm"] if frame.table.x_name == "length_cm" else months
            points.append(
                Point(
                    x=x,
                    value=result.value,
                    when=on,
                    percentile=result.percentile_text,
                    z=result.z_text,
                )
            )
        chart = growth_chart(frame=frame, sex=patient.sex, points=points)
        if chart:
            growth.charts.append(chart)
    return growth
