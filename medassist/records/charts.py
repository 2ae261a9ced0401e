"""Server-rendered trend charts as inline SVG (no JavaScript): blood pressure, pulse, weight and
BMI over time, from intake.Vitals."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

KG_TO_LB = 2.2046226218

WIDTH, HEIGHT = 420, 170
LEFT, RIGHT, TOP, BOTTOM = 38, 10, 10, 24


@dataclass(frozen=True)
class Series:
    label: str
    css: str  # class for stroke colour
    values: list[float | None]


def _nice_scale(values: list[float], pad: float) -> tuple[float, float, float]:
    """Axis bounds on round numbers, and the tick step (about four ticks)."""
    lo, hi = min(values), max(values)
    if hi - lo < pad:
        mid = (hi + lo) / 2
        lo, hi = mid - pad / 2, mid + pad / 2
    raw = (hi - lo) / 4
    step = next((s for s in (1, 2, 5, 10, 20, 25, 50, 100) if s >= raw), 200)
    return math.floor(lo / step) * step, math.ceil(hi / step) * step, step


def line_chart(
    *, title: str, unit: str, dates: list[str], series: list[Series], pad: float = 10
) -> SafeString:
    """One small line chart. `dates` label the x positions; None values leave a gap."""
    points: list[float] = [v for s in series for v in s.values if v is not None]
    if len(dates) == 0 or not points:
        return mark_safe("")
    lo, hi, step = _nice_scale(points, pad)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    n = len(dates)

    def x(i: int) -> float:
        return LEFT + (plot_w * (i / (n - 1)) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return TOP + plot_h * (1 - (v - lo) / (hi - lo))

    desc_parts = []
    parts = [
        f'<svg class="trend" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="t-{id(series)}" preserveAspectRatio="xMidYMid meet">',
        f'<title id="t-{id(series)}">{escape(title)} ({escape(unit)})</title>',
    ]
    # horizontal grid on round values
    ticks = int(round((hi - lo) / step))
    for k in range(ticks + 1):
        tick = lo + step * k
        yy = y(tick)
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{yy:.1f}" y2="{yy:.1f}"/>'
            f'<text class="axis" x="{LEFT - 6}" y="{yy + 4:.1f}" text-anchor="end">'
            f"{tick:.0f}</text>"
        )
    # first, middle and last date on the x axis
    for i in sorted({0, n // 2, n - 1}):
        anchor = "start" if i == 0 and n > 1 else "end" if i == n - 1 and n > 1 else "middle"
        parts.append(
            f'<text class="axis" x="{x(i):.1f}" y="{HEIGHT - 6}" text-anchor="{anchor}">'
            f"{escape(dates[i])}</text>"
        )
    for s in series:
        run: list[str] = []
        runs: list[list[str]] = []
        for i, v in enumerate(s.values):
            if v is None:
                if run:
                    runs.append(run)
                run = []
                continue
            run.append(f"{x(i):.1f},{y(v):.1f}")
            parts.append(
                f'<circle class="pt {s.css}" cx="{x(i):.1f}" cy="{y(v):.1f}" r="3">'
                f"<title>{escape(s.label)} {v:g} {escape(unit)} on {escape(dates[i])}</title>"
                f"</circle>"
            )
        if run:
            runs.append(run)
        for r in runs:
            if len(r) > 1:
                parts.append(f'<polyline class="ln {s.css}" points="{" ".join(r)}"/>')
        latest = next((v for v in reversed(s.values) if v is not None), None)
        if latest is not None:
            desc_parts.append(f"{s.label} latest {latest:g}")
    parts.append("</svg>")
    legend = " ".join(
        f'<span class="key {s.css}">{escape(s.label)}</span>' for s in series if len(series) > 1
    )
    return mark_safe(
        f'<figure class="trend-fig"><figcaption><strong>{escape(title)}</strong> '
        f'<span class="muted">({escape(unit)})</span> {legend}</figcaption>'
        + "".join(parts)
        + f'<p class="sr-only">{escape("; ".join(desc_parts))}</p></figure>'
    )


def vitals_trends(vitals: list) -> list[SafeString]:
    """The BP, pulse, weight and BMI charts for a list of Vitals, oldest first."""
    if not vitals:
        return []
    dates = [v.taken_at.strftime("%m/%d/%y") for v in vitals]

    def col(name, convert=float):
        return [convert(getattr(v, name)) if getattr(v, name) is not None else None for v in vitals]

    charts = [
        line_chart(
            title="Blood pressure",
            unit="mmHg",
            dates=dates,
            series=[
                Series("Systolic", "s1", col("bp_systolic")),
                Series("Diastolic", "s2", col("bp_diastolic")),
            ],
            pad=40,
        ),
        line_chart(
            title="Pulse",
            unit="/min",
            dates=dates,
            series=[Series("Pulse", "s3", col("pulse"))],
            pad=20,
        ),
        line_chart(
            title="Weight",
            unit="lb",
            dates=dates,
            series=[
                Series("Weight", "s4", col("weight_kg", lambda w: round(float(w) * KG_TO_LB, 1)))
            ],
            pad=10,
        ),
        line_chart(
            title="BMI", unit="kg/m²", dates=dates, series=[Series("BMI", "s5", col("bmi"))], pad=4
        ),
    ]
    return [c for c in charts if c]
