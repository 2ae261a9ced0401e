"""The tracing on standard ECG paper (reportlab): 1 mm / 5 mm grid, 25 mm/s, 10 mm/mV, the
12-lead 3×4 layout and a 10-second rhythm strip, a 1 mV calibration pulse at the start of
each row, the patient header, the measurements and a signature line."""

from __future__ import annotations

import io
from zoneinfo import ZoneInfo

import numpy as np
from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from medassist.ecg.measure import FLAG_LABELS, remove_baseline

PAPER_SPEED = 25.0  # mm/s
GAIN = 10.0  # mm/mV
LAYOUT = [["I", "aVR", "V1", "V4"], ["II", "aVL", "V2", "V5"], ["III", "aVF", "V3", "V6"]]
MINOR = Color(1.0, 0.78, 0.78)
MAJOR = Color(0.93, 0.45, 0.45)


def _by_name(leads: dict[str, np.ndarray]) -> dict[str, str]:
    return {k.lower(): k for k in leads}


def _layout(leads: dict[str, np.ndarray]) -> list[list[str | None]]:
    """The standard 3×4 layout when the leads are there; otherwise the leads in order."""
    names = _by_name(leads)
    if all(n.lower() in names for row in LAYOUT for n in row):
        return [[names.get(n.lower()) for n in row] for row in LAYOUT]
    order: list[str | None] = [name for name in list(leads)[:12]]
    order += [None] * (12 - len(order))
    return [[order[r + 3 * c] for c in range(4)] for r in range(3)]


def _rhythm_lead(leads: dict[str, np.ndarray]) -> str:
    names = _by_name(leads)
    for pref in ("ii", "mlii"):
        if pref in names:
            return names[pref]
    return next(iter(leads))


def _grid(c: canvas.Canvas, x0: float, y0: float, w_mm: int, h_mm: int) -> None:
    c.setLineWidth(0.2)
    c.setStrokeColor(MINOR)
    for i in range(w_mm + 1):
        if i % 5:
            c.line(x0 + i * mm, y0, x0 + i * mm, y0 + h_mm * mm)
    for j in range(h_mm + 1):
        if j % 5:
            c.line(x0, y0 + j * mm, x0 + w_mm * mm, y0 + j * mm)
    c.setLineWidth(0.5)
    c.setStrokeColor(MAJOR)
    for i in range(0, w_mm + 1, 5):
        c.line(x0 + i * mm, y0, x0 + i * mm, y0 + h_mm * mm)
    for j in range(0, h_mm + 1, 5):
        c.line(x0, y0 + j * mm, x0 + w_mm * mm, y0 + j * mm)


def _calibration(c: canvas.Canvas, x: float, y: float) -> float:
    """A 1 mV, 200 ms pulse; returns where the trace starts."""
    c.setStrokeColor(black)
    c.setLineWidth(0.8)
    p = c.beginPath()
    p.moveTo(x, y)
    p.lineTo(x + 1 * mm, y)
    p.lineTo(x + 1 * mm, y + GAIN * mm)
    p.lineTo(x + 6 * mm, y + GAIN * mm)
    p.lineTo(x + 6 * mm, y)
    p.lineTo(x + 7 * mm, y)
    c.drawPath(p, stroke=1, fill=0)
    return x + 8 * mm


def _trace(c, sig: np.ndarray, fs: float, x: float, y: float, t0: float, t1: float,
           clip_mm: float) -> None:
    a, b = int(t0 * fs), min(sig.size, int(t1 * fs))
    if b - a < 2:
        return
    seg = np.clip(sig[a:b] * GAIN, -clip_mm, clip_mm)
    step = max(1, int(fs / 500))
    xs = x + (np.arange(0, b - a, step) / fs) * PAPER_SPEED * mm
    ys = y + seg[::step] * mm
    p = c.beginPath()
    p.moveTo(float(xs[0]), float(ys[0]))
    for xv, yv in zip(xs[1:], ys[1:], strict=True):
        p.lineTo(float(xv), float(yv))
    c.setStrokeColor(black)
    c.setLineWidth(0.6)
    c.drawPath(p, stroke=1, fill=0)


def _fmt(value, unit=" ms") -> str:
    return "not measured" if value is None else f"{value:.0f}{unit}"


def tracing_pdf(*, recording, leads: dict[str, np.ndarray], fs: float, zone: str) -> bytes:
    """The PDF of one recording's first ten seconds."""
    buf = io.BytesIO()
    page_w, page_h = landscape(A4)
    c = canvas.Canvas(buf, pagesize=(page_w, page_h))
    c.setTitle("ECG tracing")
    clean = {k: remove_baseline(np.asarray(v, float), fs) if v.size > 3 * fs else v
             for k, v in leads.items()}
    patient = recording.patient
    tz = ZoneInfo(zone)
    m = recording.measurements or {}

    # Header: patient, recording, measurements.
    top = page_h - 10 * mm
    c.setFont("Helvetica-Bold", 11)
    c.drawString(10 * mm, top, f"{patient.display_name}")
    c.setFont("Helvetica", 8.5)
    dob = patient.date_of_birth.strftime("%m/%d/%Y") if patient.date_of_birth else "—"
    c.drawString(10 * mm, top - 4.5 * mm,
                 f"MRN {patient.mrn} · born {dob} · {patient.get_sex_display()}")
    when = recording.recorded_at.astimezone(tz).strftime("%m/%d/%Y %H:%M")
    c.drawString(10 * mm, top - 9 * mm,
                 f"Recorded {when} ({zone}) by {recording.recorded_by.display_name}")
    c.drawString(10 * mm, top - 13.5 * mm,
                 f"{len(leads)} leads · {fs:g} Hz · {recording.duration_s:.1f} s · "
                 f"{PAPER_SPEED:g} mm/s · {GAIN:g} mm/mV · filter 0.5–40 Hz")
    x2 = 120 * mm
    c.setFont("Helvetica-Bold", 8.5)
    c.drawString(x2, top, "Measurements (automated, for the physician to verify)")
    c.setFont("Helvetica", 8.5)
    hr = m.get("hr_bpm")
    c.drawString(x2, top - 4.5 * mm,
                 f"Heart rate {_fmt(hr, '/min')} · RR {m.get('rhythm') or 'not measured'}"
                 f" · SDNN {_fmt(m.get('sdnn_ms'))} · RMSSD {_fmt(m.get('rmssd_ms'))}")
    c.drawString(x2, top - 9 * mm,
                 f"PR {_fmt(m.get('pr_ms'))} · QRS {_fmt(m.get('qrs_ms'))} · QT "
                 f"{_fmt(m.get('qt_ms'))} · QTc Bazett {_fmt(m.get('qtc_bazett_ms'))}"
                 f" · QTc Fridericia {_fmt(m.get('qtc_fridericia_ms'))}")
    flagged = [f"{lead}: {', '.join(FLAG_LABELS.get(f, f) for f in flags)}"
               for lead, flags in (recording.quality or {}).items() if flags]
    c.drawString(x2, top - 13.5 * mm,
                 ("Quality: " + "; ".join(flagged))[:150] if flagged
                 else "Quality: no flags on any lead")

    # Grid and traces: 3 rows of 4 leads, then the rhythm strip.
    gx, row_h = 10 * mm, 36
    width_mm = 277
    gy = 22 * mm
    grid_h = row_h * 4
    _grid(c, gx, gy, width_mm, grid_h)
    col_s = 2.5
    c.setFont("Helvetica", 7)
    layout = _layout(clean)
    for r, row in enumerate(layout):
        base = gy + (grid_h - row_h * (r + 0.5)) * mm
        start = _calibration(c, gx + 1 * mm, base)
        for col, name in enumerate(row):
            x = start + col * col_s * PAPER_SPEED * mm
            if col:
                c.setStrokeColor(black)
                c.setLineWidth(0.8)
                c.line(x, base - 3 * mm, x, base + 3 * mm)
            if name is None:
                continue
            c.setFillColor(black)
            c.drawString(x + 1 * mm, base + 12 * mm, name)
            _trace(c, clean[name], fs, x, base, col * col_s, (col + 1) * col_s, row_h / 2 - 1)
    rhythm = _rhythm_lead(clean)
    base = gy + (row_h * 0.5) * mm
    start = _calibration(c, gx + 1 * mm, base)
    c.drawString(start + 1 * mm, base + 12 * mm, f"{rhythm} (rhythm)")
    _trace(c, clean[rhythm], fs, start, base, 0, 10, row_h / 2 - 1)

    # Signature line.
    c.setFont("Helvetica", 8.5)
    c.setFillColor(black)
    if recording.reviewed_by_id:
        at = recording.reviewed_at.astimezone(tz).strftime("%m/%d/%Y %H:%M")
        c.drawString(10 * mm, 12 * mm,
                     f"Reviewed and signed by {recording.reviewed_by.display_name} on {at}")
    else:
        c.drawString(10 * mm, 12 * mm, "Physician signature:")
        c.line(42 * mm, 11.5 * mm, 130 * mm, 11.5 * mm)
        c.drawString(135 * mm, 12 * mm, "Date:")
        c.line(145 * mm, 11.5 * mm, 185 * mm, 11.5 * mm)
    c.setFont("Helvetica-Oblique", 7.5)
    c.drawRightString(page_w - 10 * mm, 12 * mm,
                      "Measurements only; no interpretation is made by this software.")
    c.showPage()
    c.save()
    return buf.getvalue()
