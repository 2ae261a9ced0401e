"""The growth chart picture: server-rendered SVG of the patient's points over the published
3rd…97th percentile curves (WHO 2006 before 24 months, CDC 2000 from 2 to 20 years).
For staff; nothing here interprets the picture for a patient."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from medassist.intake.growth import lms

WIDTH, HEIGHT = 520, 300
LEFT, RIGHT, TOP, BOTTOM = 42, 34, 12, 30


@dataclass(frozen=True)
class Point:
    x: float  # age in months, or length in cm for weight-for-length
    value: float
    when: date
    percentile: str
    z: str


@dataclass(frozen=True)
class Frame:
    """Which table a chart draws and over which x range."""

    indicator: lms.Indicator
    table: lms.Table
    x_lo: float
    x_hi: float


def _step(span: float) -> float:
    raw = span / 6
    return next((s for s in (0.5, 1, 2, 5, 10, 20, 25, 50) if s >= raw), 100)


def _x_label(frame: Frame, x: float) -> str:
    if frame.table.x_name == "length_cm":
        return f"{x:g}"
    if frame.x_lo >= lms.WHO_UNTIL_MONTHS:
        return f"{x / 12:g}"
    return f"{x:g}"


def _x_axis_title(frame: Frame) -> str:
    if frame.table.x_name == "length_cm":
        return "Length (cm)"
    return "Age (years)" if frame.x_lo >= lms.WHO_UNTIL_MONTHS else "Age (months)"


def _x_ticks(frame: Frame) -> list[float]:
    if frame.table.x_name == "length_cm":
        start, step = float(math.ceil(frame.x_lo / 10) * 10), 10.0
    elif frame.x_lo >= lms.WHO_UNTIL_MONTHS:
        start, step = 24.0, 24.0  # every two years
    else:
        start, step = 0.0, 3.0
    ticks: list[float] = []
    t: float = start
    while t <= frame.x_hi + 1e-9:
        ticks.append(t)
        t += step
    return ticks


def _end_labels(curves: dict, X, Y, gap: float = 9.0) -> list[str]:
    """The percentile names at the right end of the curves, pushed apart so none overlap."""
    ends = sorted(((Y(c[-1][1]), pct, X(c[-1][0])) for pct, c in curves.items()), reverse=True)
    placed: list[tuple[float, int, float]] = []
    for y, pct, x in ends:  # bottom (P3) first, each at least `gap` above the one below
        if placed and placed[-1][0] - y < gap:
            y = placed[-1][0] - gap
        placed.append((y, pct, x))
    return [
        f'<text class="plabel" x="{x + 3:.1f}" y="{y + 3:.1f}">{pct}</text>' for y, pct, x in placed
    ]


def growth_chart(*, frame: Frame, sex: str, points: list[Point]) -> SafeString:
    """One chart: nine percentile curves and the patient's points (oldest first)."""
    sex_n = lms.SEXES[sex]
    rows = [r for r in frame.table.rows[sex_n] if frame.x_lo <= r[0] <= frame.x_hi]
    if not rows or not points:
        return mark_safe("")
    curves = {
        p: [(x, lms.value_at_z(lms.z_for_percentile(p), L, M, S)) for x, L, M, S in rows]
        for p in lms.CURVE_PERCENTILES
    }
    values = [v for c in curves.values() for _, v in c] + [p.value for p in points]
    step = _step(max(values) - min(values))
    lo = math.floor(min(values) / step) * step
    hi = math.ceil(max(values) / step) * step
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def X(x: float) -> float:
        return LEFT + plot_w * (x - frame.x_lo) / (frame.x_hi - frame.x_lo)

    def Y(v: float) -> float:
        return TOP + plot_h * (1 - (v - lo) / (hi - lo))

    ind = frame.indicator
    sex_word = "boys" if sex == "M" else "girls"
    title = f"{ind.label}, {sex_word} ({frame.table.source})"
    uid = f"g-{ind.key}-{frame.table.file.split('_')[0]}"
    parts = [
        f'<svg class="growth" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{uid}" preserveAspectRatio="xMidYMid meet" data-indicator="{ind.key}">',
        f'<title id="{uid}">{escape(title)}</title>',
    ]
    k = 0
    while lo + step * k <= hi + 1e-9:
        tick = lo + step * k
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{Y(tick):.1f}" '
            f'y2="{Y(tick):.1f}"/><text class="axis" x="{LEFT - 5}" y="{Y(tick) + 4:.1f}" '
            f'text-anchor="end">{tick:g}</text>'
        )
        k += 1
    for t in _x_ticks(frame):
        parts.append(
            f'<line class="grid" x1="{X(t):.1f}" x2="{X(t):.1f}" y1="{TOP}" '
            f'y2="{HEIGHT - BOTTOM}"/><text class="axis" x="{X(t):.1f}" '
            f'y="{HEIGHT - BOTTOM + 13}" text-anchor="middle">{_x_label(frame, t)}</text>'
        )
    parts.append(
        f'<text class="axis" x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 3}" '
        f'text-anchor="middle">{_x_axis_title(frame)}</text>'
    )
    for pct, curve in curves.items():
        css = "p50" if pct == 50 else "pmid" if pct in (25, 75) else "pout"
        pts = " ".join(f"{X(x):.1f},{Y(v):.1f}" for x, v in curve)
        parts.append(
            f'<polyline class="curve {css}" points="{pts}"><title>P{pct}</title></polyline>'
        )
    parts += _end_labels(curves, X, Y)
    if len(points) > 1:
        pts = " ".join(f"{X(p.x):.1f},{Y(p.value):.1f}" for p in points)
        parts.append(f'<polyline class="patient" points="{pts}"/>')
    for p in points:
        parts.append(
            f'<circle class="patient-pt" cx="{X(p.x):.1f}" cy="{Y(p.value):.1f}" r="3.5">'
            f"<title>{p.when:%m/%d/%Y}: {p.value:g} {escape(ind.unit)}, "
            f"P{escape(p.percentile)}, z {escape(p.z)}</title></circle>"
        )
    parts.append("</svg>")
    latest = points[-1]
    summary = (
        f"Latest {latest.when:%m/%d/%Y}: {latest.value:g} {ind.unit}, percentile "
        f"{latest.percentile}, z {latest.z}; curves P3, P5, P10, P25, P50, P75, P90, P95, P97."
    )
    return mark_safe(
        f'<figure class="growth-fig"><figcaption><strong>{escape(title)}</strong> '
        f'<span class="muted">({escape(ind.unit)})</span></figcaption>'
        + "".join(parts)
        + f'<p class="sr-only">{escape(summary)}</p></figure>'
    )
