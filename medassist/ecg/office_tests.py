"""Other in-office tests the MA performs, filed to the chart as records Observations through
records' services: vision (Snellen, each eye, with or without correction), hearing
(pure-tone thresholds per frequency and ear, with an audiogram picture) and spirometry (FEV1,
FVC, their ratio, and % of predicted from the NHANES III reference equations shipped in
``data/spirometry_nhanes3.json``). Each test is all or nothing: bad input writes nothing."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from medassist.core.errors import ValidationFailed
from medassist.ecg import loinc
from medassist.practice.roles import require
from medassist.records.models import CodeSystem, Observation
from medassist.records.services import observation_create

EXAM = Observation.Category.EXAM

# LOINC codes and where each was checked: ecg/loinc.py.
VISION_CODES = {k: (t.code, t.display) for k, t in loinc.VISION.items()}
HEARING_CODES = {k: (t.code, t.display) for k, t in loinc.HEARING.items()}
FEV1 = (loinc.FEV1.code, loinc.FEV1.display)
FVC = (loinc.FVC.code, loinc.FVC.display)
RATIO = (loinc.FEV1_FVC.code, loinc.FEV1_FVC.display)

SNELLEN = re.compile(r"^(20|6)/(\d{1,3}(?:\.\d)?)(?:\s*([+-])\s*(\d))?$")
FREQUENCIES = (250, 500, 1000, 2000, 3000, 4000, 6000, 8000)
EARS = ("right", "left")


def _effective(effective_at):
    now = timezone.now()
    when = effective_at or now
    if when > now + timezone.timedelta(minutes=5):
        raise ValidationFailed("The test time is in the future.", field="effective_at")
    return when


def parse_snellen(value: str, *, field: str) -> str:
    """'20/40', '20/40-2', '6/12' (metric): the acuity as written, checked."""
    text = re.sub(r"\s+", "", str(value or ""))
    m = SNELLEN.match(text)
    if not m:
        raise ValidationFailed(
            f"{value!r} is not a Snellen acuity such as 20/20, 20/40-2 or 6/12.", field=field
        )
    denominator = float(m.group(2))
    if not 1 <= denominator <= 800:
        raise ValidationFailed(f"{value!r} is outside the Snellen chart.", field=field)
    return text


@transaction.atomic
def vision_record(
    *, actor, patient, right: str, left: str, corrected: bool, encounter=None,
    effective_at=None, note: str = "",
) -> list[Observation]:
    """One Observation per eye (either may be blank when that eye was not tested)."""
    require(actor, "chart.edit")
    when = _effective(effective_at)
    values = {}
    for eye, raw in (("right", right), ("left", left)):
        if str(raw or "").strip():
            values[eye] = parse_snellen(raw, field=eye)
    if not values:
        raise ValidationFailed("Enter the acuity of at least one eye.", field="right")
    method = "with correction" if corrected else "without correction"
    out = []
    for eye, acuity in values.items():
        code, display = VISION_CODES[(eye, bool(corrected))]
        out.append(observation_create(
            actor=actor, patient=patient, encounter=encounter, effective_at=when,
            code_system=CodeSystem.LOINC, code=code, display=display, category=EXAM,
            value_string=acuity, note=f"Snellen chart, {method}. {note}".strip(),
        ))
    return out


# --------------------------------------------------------------------------- hearing


def parse_thresholds(thresholds: dict) -> dict[str, dict[int, int]]:
    """{ear: {frequency Hz: dB HL}} checked: known ears and frequencies, −10…120 dB HL in
    5 dB steps."""
    out: dict[str, dict[int, int]] = {}
    for ear, row in (thresholds or {}).items():
        if ear not in EARS:
            raise ValidationFailed(f"Unknown ear {ear!r}.", field="thresholds")
        for freq, level in (row or {}).items():
            if level in (None, ""):
                continue
            try:
                f = int(freq)
                db = int(str(level).strip())
            except (TypeError, ValueError) as exc:
                raise ValidationFailed(
                    f"{ear} ear {freq} Hz: {level!r} is not a whole number of dB.",
                    field=f"{ear}_{freq}",
                ) from exc
            if f not in FREQUENCIES:
                raise ValidationFailed(f"{freq} Hz is not an audiometric frequency.",
                                       field="thresholds")
            if not -10 <= db <= 120 or db % 5:
                raise ValidationFailed(
                    f"{ear} ear {f} Hz: {db} dB HL is outside −10…120 dB in 5 dB steps.",
                    field=f"{ear}_{f}",
                )
            out.setdefault(ear, {})[f] = db
    if not out:
        raise ValidationFailed("Enter at least one threshold.", field="thresholds")
    return out


@transaction.atomic
def hearing_record(*, actor, patient, thresholds: dict, encounter=None, effective_at=None,
                   note: str = "") -> list[Observation]:
    """One Observation per ear and frequency (pure-tone air conduction, dB HL), each coded
    with its member of the LOINC panel 89015-2 (ecg/loinc.py)."""
    require(actor, "chart.edit")
    when = _effective(effective_at)
    levels = parse_thresholds(thresholds)
    out = []
    for ear in EARS:
        for f, db in sorted(levels.get(ear, {}).items()):
            code, display = HEARING_CODES[(ear, f)]
            out.append(observation_create(
                actor=actor, patient=patient, encounter=encounter, effective_at=when,
                code_system=CodeSystem.LOINC, code=code, display=display,
                category=EXAM, value_quantity=Decimal(db), value_unit="dB HL",
                note=f"Pure-tone air conduction, {ear} ear, {f} Hz. {note}".strip(),
            ))
    return out


def audiogram_svg(thresholds: dict[str, dict[int, int]]) -> str:
    """A simple audiogram: frequency (log) across, dB HL down; right ear O in red, left X in
    blue (the usual symbols)."""
    w, h, left_pad, top_pad = 420, 300, 50, 30
    plot_w, plot_h = w - left_pad - 20, h - top_pad - 30

    def x(f: int) -> float:
        i = FREQUENCIES.index(f)
        return left_pad + plot_w * i / (len(FREQUENCIES) - 1)

    def y(db: int) -> float:
        return top_pad + plot_h * (db + 10) / 130

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
             f'viewBox="0 0 {w} {h}" role="img" aria-label="Audiogram">',
             '<rect width="100%" height="100%" fill="white"/>']
    for db in range(-10, 121, 10):
        parts.append(f'<line x1="{left_pad}" y1="{y(db):.1f}" x2="{left_pad + plot_w}" '
                     f'y2="{y(db):.1f}" stroke="#ccc"/>')
        parts.append(f'<text x="{left_pad - 6}" y="{y(db) + 4:.1f}" font-size="10" '
                     f'text-anchor="end">{db}</text>')
    for f in FREQUENCIES:
        label = f"{f // 1000}k" if f >= 1000 else str(f)
        parts.append(f'<line x1="{x(f):.1f}" y1="{top_pad}" x2="{x(f):.1f}" '
                     f'y2="{top_pad + plot_h}" stroke="#ccc"/>')
        parts.append(f'<text x="{x(f):.1f}" y="{top_pad - 8}" font-size="10" '
                     f'text-anchor="middle">{label}</text>')
    parts.append(f'<text x="{left_pad + plot_w / 2}" y="{h - 6}" font-size="11" '
                 'text-anchor="middle">Frequency (Hz) · hearing level (dB HL)</text>')
    for ear, color in (("right", "#c00"), ("left", "#00c")):
        pts = sorted((thresholds.get(ear) or {}).items())
        if len(pts) > 1:
            path = " ".join(f"{x(f):.1f},{y(db):.1f}" for f, db in pts)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{color}"/>')
        for f, db in pts:
            cx, cy = x(f), y(db)
            if ear == "right":
                parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="5" fill="none" '
                             f'stroke="{color}" stroke-width="1.5"><title>right {f} Hz {db} dB'
                             '</title></circle>')
            else:
                parts.append(f'<path d="M{cx - 5:.1f},{cy - 5:.1f} L{cx + 5:.1f},{cy + 5:.1f} '
                             f'M{cx - 5:.1f},{cy + 5:.1f} L{cx + 5:.1f},{cy - 5:.1f}" '
                             f'stroke="{color}" stroke-width="1.5"><title>left {f} Hz {db} dB'
                             '</title></path>')
    parts.append("</svg>")
    return "".join(parts)


# --------------------------------------------------------------------------- spirometry


@cache
def reference() -> dict:
    path = Path(__file__).with_name("data") / "spirometry_nhanes3.json"
    return json.loads(path.read_text())


@dataclass
class Predicted:
    fev1_l: float | None
    fvc_l: float | None
    reason: str = ""


def predicted(*, sex: str, age_years: float, height_cm: float) -> Predicted:
    """Predicted FEV1 and FVC (L) from the shipped NHANES III equations, or why not."""
    ref = reference()
    key = {"M": "male", "F": "female"}.get(sex)
    if key is None:
        return Predicted(None, None, "the reference equations need a sex of male or female")
    lo, hi = ref["age_range_years"]
    if not lo <= age_years <= hi:
        return Predicted(None, None, f"the equations cover ages {lo}–{hi}")
    hlo, hhi = ref["height_range_cm"]
    if not hlo <= height_cm <= hhi:
        return Predicted(None, None, f"the equations cover heights {hlo}–{hhi} cm")
    band = "youth" if age_years < ref["youth_below_age"][key] else "adult"
    coef = ref["coefficients"][key][band]

    def value(c: list[float]) -> float:
        return c[0] + c[1] * age_years + c[2] * age_years**2 + c[3] * height_cm**2

    return Predicted(round(value(coef["fev1"]), 2), round(value(coef["fvc"]), 2))


def _age(dob, when) -> float:
    return (when.date() - dob).days / 365.25


def _litres(value, field: str, label: str) -> Decimal:
    try:
        d = Decimal(str(value).strip())
    except Exception as exc:
        raise ValidationFailed(f"{label} must be a number of litres.", field=field) from exc
    if not d.is_finite() or not Decimal("0.1") <= d <= Decimal("10"):
        raise ValidationFailed(f"{label} of {value} L is not plausible (0.1–10 L).", field=field)
    return d.quantize(Decimal("0.01"))


@transaction.atomic
def spirometry_record(*, actor, patient, fev1_l, fvc_l, height_cm, encounter=None,
                      effective_at=None, note: str = "") -> list[Observation]:
    """FEV1, FVC and FEV1/FVC as three Observations; % of predicted on FEV1 and FVC."""
    require(actor, "chart.edit")
    when = _effective(effective_at)
    fev1 = _litres(fev1_l, "fev1_l", "FEV1")
    fvc = _litres(fvc_l, "fvc_l", "FVC")
    if fev1 > fvc:
        raise ValidationFailed("FEV1 cannot be larger than FVC.", field="fev1_l")
    try:
        height = float(height_cm)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed("Height must be a number of cm.", field="height_cm") from exc
    if not 50 <= height <= 250:
        raise ValidationFailed("Height must be 50–250 cm.", field="height_cm")
    ratio = (fev1 / fvc * 100).quantize(Decimal("0.1"))  # LOINC 19926-5 is a % (volume fraction)
    pred = predicted(sex=patient.sex, age_years=_age(patient.date_of_birth, when),
                     height_cm=height)
    source = "NHANES III (Hankinson 1999), Caucasian equations"

    def pct(measured: Decimal, expected: float | None) -> tuple[str, str]:
        if expected is None:
            return "", f"% predicted not computed: {pred.reason}."
        p = float(measured) / expected * 100
        return (f"predicted {expected:.2f} L", f"{p:.0f} % of predicted ({source}; height "
                f"{height:g} cm).")

    out = []
    for (code, display), measured, expected in ((FEV1, fev1, pred.fev1_l),
                                                 (FVC, fvc, pred.fvc_l)):
        ref_range, pct_note = pct(measured, expected)
        out.append(observation_create(
            actor=actor, patient=patient, encounter=encounter, effective_at=when,
            code_system=CodeSystem.LOINC, code=code, display=display,
            category=Observation.Category.PROCEDURE, value_quantity=measured, value_unit="L",
            reference_range=ref_range, note=f"{pct_note} {note}".strip(),
        ))
    out.append(observation_create(
        actor=actor, patient=patient, encounter=encounter, effective_at=when,
        code_system=CodeSystem.LOINC, code=RATIO[0], display=RATIO[1],
        category=Observation.Category.PROCEDURE, value_quantity=ratio, value_unit="%",
        note=note.strip(),
    ))
    return out
