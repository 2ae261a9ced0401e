"""The pre-visit summary on screen and as a PDF (medassist.records.previsit)."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.clock import clinic_today
from medassist.core.web import StaffRequest, clinic_zone, staff_view
from medassist.records.export_pdf import H1, H2, SMALL, _p, _table
from medassist.records.previsit import Summary, previsit_summary
from medassist.scheduling.selectors import access_appointment

PERMISSION = "questionnaire.score_view"  # clinical staff: scores and flags are for them


def _vitals_rows(summary: Summary) -> list[dict]:
    rows = []
    for v in summary.vitals:
        flags = {f.get("field"): f for f in (v.flags or [])}
        rows.append(
            {
                "v": v,
                "this_visit": v.appointment_id == summary.appointment.pk,
                "bp": f"{v.bp_systolic}/{v.bp_diastolic}" if v.bp_systolic is not None else "",
                "flags": [f.get("message", "") for f in flags.values()],
                "critical": any(f.get("critical") for f in flags.values()),
            }
        )
    return rows


def _trend(summary: Summary, attr: str) -> str:
    values = [getattr(v, attr) for v in reversed(summary.vitals) if getattr(v, attr) is not None]
    if len(values) < 2:
        return ""
    first, last = float(values[0]), float(values[-1])
    arrow = "↑" if last > first else "↓" if last < first else "→"
    return f"{arrow} {first:g} → {last:g} over {len(values)} readings"


@staff_view(PERMISSION)
def previsit(request: StaffRequest, id) -> HttpResponse:
    appt = access_appointment(user=request.user, id=id)
    clinic = request.user.clinic
    clinic_zone(clinic)
    summary = previsit_summary(appointment=appt, today=clinic_today(clinic))
    context = {
        "s": summary,
        "appt": appt,
        "vitals": _vitals_rows(summary),
        "trends": {
            "Systolic BP": _trend(summary, "bp_systolic"),
            "Weight (kg)": _trend(summary, "weight_kg"),
            "Pulse": _trend(summary, "pulse"),
        },
    }
    return render(request, "records/previsit.html", context)


def previsit_pdf_bytes(summary: Summary, *, printed_by) -> bytes:
    patient = summary.patient
    tz = patient.clinic.tz
    when = timezone.localtime(summary.generated_at or timezone.now(), tz)
    appt = summary.appointment
    story: list = [
        _p(patient.clinic.name, SMALL),
        Paragraph(escape(f"Pre-visit summary — {patient.first_name} {patient.last_name}"), H1),
        _p(
            f"MRN {patient.mrn} · born {patient.date_of_birth:%m/%d/%Y} ({summary.age_text}, "
            f"{patient.get_sex_display()}) · visit "
            f"{timezone.localtime(appt.start, tz):%m/%d/%Y %H:%M}"
            f" · printed {when:%m/%d/%Y %H:%M %Z} by {printed_by.display_name}",
            SMALL,
        ),
        Spacer(1, 4),
        Paragraph("Reason for visit (patient's words)", H2),
        _p(summary.reason or "Not recorded yet."),
    ]
    if summary.emergency:
        story += [Paragraph("Answers needing attention now", H2)]
        story += [_p(e) for e in summary.emergency]
    story += [Paragraph("Symptom details", H2)]
    story += (
        [_table(["Question", "Answer"], [[q, a] for q, a in summary.symptoms], [3.6, 3.4])]
        if summary.symptoms
        else [_p("None given.")]
    )
    story += [Paragraph("Vital signs (newest first)", H2)]
    rows = [
        [
            timezone.localtime(r["v"].taken_at, tz).strftime("%m/%d/%Y %H:%M"),
            r["bp"],
            r["v"].pulse or "",
            r["v"].temperature_c or "",
            r["v"].spo2 or "",
            r["v"].weight_kg or "",
            r["v"].pain if r["v"].pain is not None else "",
            "; ".join(r["flags"]),
        ]
        for r in _vitals_rows(summary)
    ]
    story += (
        [
            _table(
                ["Taken", "BP", "Pulse", "Temp °C", "SpO2", "Wt kg", "Pain", "Flags"],
                rows,
                [1.2, 0.7, 0.5, 0.6, 0.5, 0.6, 0.4, 2.5],
            )
        ]  # fmt: skip
        if rows
        else [_p("No vital signs recorded.")]
    )
    growth = summary.growth
    if growth is not None and growth.applies:
        story += [Paragraph("Growth (WHO 2006 under 2 years, CDC 2000 from 2 years)", H2)]
        if growth.note:
            story += [_p(growth.note)]
        latest = growth.latest
        story += (
            [
                _p(f"Measured {latest.when:%m/%d/%Y}, age {latest.age}."),
                _table(
                    ["Indicator", "Value", "Percentile", "z"],
                    [
                        [r.label, f"{r.value:g} {r.unit}", r.percentile_text, r.z_text]
                        for r in latest.results
                    ],
                    [2.6, 1.4, 1.2, 1.0],
                ),
            ]
            if latest is not None
            else [_p("No percentiles: no weight, length or head circumference on record.")]
        )
    story += [Paragraph("Instruments", H2)]
    inst = [
        [
            i["title"],
            i["score"].get("total", ""),
            i["score"].get("band", ""),
            "" if i["previous"] is None else i["previous"],
            "; ".join(i["score"].get("flags", [])),
        ]
        for i in summary.instruments
    ]
    story += (
        [
            _table(
                ["Instrument", "Score", "Band", "Previous", "Flags"],
                inst,
                [1.6, 0.6, 2.4, 0.7, 1.7],
            )
        ]
        if inst
        else [_p("None completed.")]
    )
    story += [Paragraph("Changed since the last visit", H2)]
    last = summary.last_visit
    story.append(
        _p(
            f"Last visit {timezone.localtime(last.start, tz):%m/%d/%Y}."
            if last
            else "No earlier visit on record.",
            SMALL,
        )
    )
    changes = list(summary.changes)
    changes += [
        (
            "Medication check",
            f"{m.medication}: {m.get_taking_display()}"
            f"{f' ({m.change})' if m.change else ''} — {m.get_source_display()}",
        )
        for m in summary.reconciliation
    ]
    if summary.allergy_check:
        a = summary.allergy_check
        changes.append(
            ("Allergies", "confirmed with the patient" if a.confirmed else f"changed: {a.note}")
        )
    story += (
        [_table(["What", "Detail"], [list(c) for c in changes], [1.6, 5.4])]
        if changes
        else [_p("Nothing recorded.")]
    )
    story += [Paragraph("Care gaps to consider", H2)]
    story += (
        [
            _table(
                ["Kind", "Item", "On record"],
                [[g.kind, g.name, g.detail] for g in summary.gaps],
                [1.0, 3.8, 2.2],
            )
        ]
        if summary.gaps
        else [_p("None found from what is recorded.")]
    )
    sources = sorted({g.source for g in summary.gaps})
    if sources:
        story.append(_p("Sources: " + "; ".join(sources), SMALL))
    story.append(_p("Observations from the record and the patient's answers; not advice.", SMALL))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        leftMargin=0.6 * inch,
        rightMargin=0.6 * inch,
        topMargin=0.6 * inch,
        bottomMargin=0.6 * inch,
        title=f"Pre-visit summary — {patient.first_name} {patient.last_name}",
        author=patient.clinic.name,
    )
    with timezone.override(tz):
        doc.build(story)
    return buffer.getvalue()


@staff_view(PERMISSION)
def previsit_pdf(request: StaffRequest, id) -> HttpResponse:
    appt = access_appointment(user=request.user, id=id, audit=False)
    clinic = request.user.clinic
    summary = previsit_summary(appointment=appt, today=clinic_today(clinic))
    data = previsit_pdf_bytes(summary, printed_by=request.user)
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        obj=appt,
        patient=appt.patient,
        detail={"export": "previsit-pdf", "bytes": len(data)},
    )
    response = HttpResponse(data, content_type="application/pdf")
    day = timezone.localtime(appt.start, clinic.tz).strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'inline; filename="previsit-{appt.patient.mrn}-{day}.pdf"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
