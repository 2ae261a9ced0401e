"""The patient's chart summary as a PDF (patient right of access; printing for the patient).

`export_patient_summary(user=, id=)` checks "record.export", finds the patient in the user's
clinic (another clinic's patient: 404), writes an audit event (export) and returns the file
name and the PDF bytes. Items entered in error are left out; signed notes are shown with their
amendments. Built with reportlab's platypus (flowing text and tables, page numbers)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from decimal import Decimal
from xml.sax.saxutils import escape

from django.db.models import Prefetch
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.patients.selectors import access_patient
from medassist.practice.roles import require
from medassist.records import selectors
from medassist.records.models import (
    ENTERED_IN_ERROR,
    Document,
    Encounter,
    HistoryEntry,
    Note,
    Observation,
)

PERMISSION = "record.export"
VITALS_SHOWN = 5
RESULTS_SHOWN = 20

_styles = getSampleStyleSheet()
BODY = ParagraphStyle("body", parent=_styles["BodyText"], fontSize=9, leading=11.5)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8, leading=10, textColor=colors.grey)
CELL = ParagraphStyle("cell", parent=BODY, fontSize=8.5, leading=10.5)
H1 = ParagraphStyle("h1", parent=_styles["Heading1"], fontSize=16, leading=19, spaceAfter=2)
H2 = ParagraphStyle(
    "h2", parent=_styles["Heading2"], fontSize=11.5, leading=14, spaceBefore=10, spaceAfter=4
)
H3 = ParagraphStyle("h3", parent=BODY, fontName="Helvetica-Bold", spaceBefore=4)
ENCOUNTER_LINE = ParagraphStyle("enc", parent=BODY, leading=11)
NOTE = ParagraphStyle("note", parent=BODY, leftIndent=12, fontSize=8.5, leading=11)


def _p(text, style=BODY) -> Paragraph:
    return Paragraph(escape(str(text or "")).replace("\n", "<br/>"), style)


def _day(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return value.strftime("%m/%d/%Y")


def _value(o: Observation) -> str:
    """A result as a person reads it: at most 2 decimals (imported values carry 6)."""
    if o.value_quantity is None:
        return o.value_string
    number = o.value_quantity.quantize(Decimal("0.01")).normalize()
    return f"{number:f} {o.value_unit}".strip()


def _code(item) -> str:
    if not item.code or item.code_system == "text":
        return ""
    return f"{item.get_code_system_display()} {item.code}"


def _table(header: list[str], rows: Iterable[list], widths: list[float]) -> Table:
    data = [[_p(h, CELL) for h in header]]
    data += [[c if isinstance(c, Paragraph) else _p(c, CELL) for c in row] for row in rows]
    table = Table(data, colWidths=[w * inch for w in widths], repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf2")),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.HexColor("#7a8896")),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#d0d6dc")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _section(title: str, body, empty: str) -> list:
    flow: list = [Paragraph(escape(title), H2)]
    if body:
        flow.extend(body if isinstance(body, list) else [body])
    else:
        flow.append(_p(empty))
    return flow


def _user_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def _problems(summary) -> list:
    rows = [
        [p.display, _code(p), p.get_clinical_status_display(), _day(p.onset_date),
         _day(p.abatement_date)]
        for p in summary.problems
    ]  # fmt: skip
    if not rows:
        return []
    return [
        _table(
            ["Problem", "Code", "Status", "Onset", "Resolved"], rows, [2.7, 1.7, 0.9, 0.85, 0.85]
        )
    ]


def _allergies(summary) -> list:
    allergies = summary.allergies
    flow = []
    if summary.allergy_state == "nka":
        nka = summary.nka
        flow.append(
            _p(f"No known allergies (recorded {_day(nka.recorded_at)}"
               f"{' by ' + _user_name(nka.recorded_by) if nka.recorded_by else ''}).")
        )  # fmt: skip
    elif not allergies:
        flow.append(_p("No allergies recorded (allergy status not yet asked)."))
    if allergies:
        rows = [
            [a.display, a.reaction, a.get_severity_display() if a.severity else "",
             a.get_criticality_display() if a.criticality else "", a.get_status_display()]
            for a in allergies
        ]  # fmt: skip
        flow.append(
            _table(
                ["Substance", "Reaction", "Severity", "Criticality", "Status"],
                rows,
                [2.2, 2.0, 0.9, 1.0, 0.9],
            )
        )
    return flow


def _medications(summary) -> list:
    meds = summary.active_medications + summary.past_medications
    rows = []
    for m in meds:
        how = ", ".join(x for x in (m.strength, m.dose, m.route, m.frequency) if x)
        rows.append([m.display, how, m.get_status_display(), _day(m.start_date), _day(m.stop_date)])
    if not rows:
        return []
    return [
        _table(
            ["Medication", "How taken", "Status", "Started", "Stopped"],
            rows,
            [2.5, 1.9, 0.8, 0.9, 0.9],
        )
    ]


def _immunizations(summary) -> list:
    rows = [
        [_day(i.occurrence_date), i.display, i.code, i.lot_number,
         i.get_status_display() + (f": {i.status_reason}" if i.status_reason else "")]
        for i in summary.immunizations
    ]  # fmt: skip
    if not rows:
        return []
    return [_table(["Date", "Vaccine", "CVX", "Lot", "Status"], rows, [0.85, 3.3, 0.55, 0.9, 1.4])]


def _vitals(summary, patient) -> list:
    flow = []
    sets = list(reversed(summary.vitals))[:VITALS_SHOWN]
    if sets:
        rows = []
        for v in sets:
            bp = f"{v.bp_systolic}/{v.bp_diastolic}" if v.bp_systolic and v.bp_diastolic else ""
            rows.append([
                timezone.localtime(v.taken_at).strftime("%m/%d/%Y %H:%M"), bp,
                v.pulse or "", f"{v.temperature_f} °F" if v.temperature_f else "",
                f"{v.weight_kg} kg" if v.weight_kg else "", v.bmi or "", v.spo2 or "",
            ])  # fmt: skip
        flow.append(
            _table(
                ["Taken", "BP", "Pulse", "Temp", "Weight", "BMI", "SpO2"],
                rows,
                [1.3, 0.8, 0.6, 0.9, 0.9, 0.6, 0.6],
            )
        )
    # Vital signs received from other systems (imported results), latest of each kind.
    latest: dict[str, Observation] = {}
    for o in (
        Observation.objects.filter(patient=patient, category="vital-signs")
        .exclude(status=ENTERED_IN_ERROR)
        .order_by("-effective_at", "-id")[:60]
    ):
        latest.setdefault(o.code or o.display, o)
    if latest:
        flow.append(Spacer(1, 4))
        flow.append(_p("Latest vital signs received from other records:", SMALL))
        flow.append(
            _table(
                ["Measurement", "Value", "Taken"],
                [[o.display, _value(o), _day(o.effective_at)] for o in latest.values()],
                [3.4, 1.6, 1.0],
            )
        )
    return flow


def _results(patient) -> list:
    results = list(
        Observation.objects.filter(patient=patient)
        .exclude(status=ENTERED_IN_ERROR)
        .exclude(category="vital-signs")
        .order_by("-effective_at", "-id")[:RESULTS_SHOWN]
    )
    if not results:
        return []
    rows = [
        [_day(o.effective_at), o.display, _value(o), o.reference_range, o.interpretation]
        for o in results
    ]
    return [
        _p(f"The latest {len(rows)} results.", SMALL),
        _table(["Date", "Test", "Result", "Reference", "Flag"], rows, [0.85, 2.6, 1.3, 1.4, 0.6]),
    ]


def _histories(summary) -> list:
    flow = []
    labels = {
        HistoryEntry.Kind.MEDICAL: "Past medical history",
        HistoryEntry.Kind.SURGICAL: "Surgical history",
        HistoryEntry.Kind.FAMILY: "Family history",
    }
    for kind, label in labels.items():
        entries = summary.history.get(kind) or []
        if not entries:
            continue
        flow.append(_p(label, H3))
        for h in entries:
            when = _day(h.date) or h.date_text
            if kind == HistoryEntry.Kind.FAMILY:
                extra = [h.get_relation_display()]
                if h.onset_age is not None:
                    extra.append(f"onset age {h.onset_age}")
                if h.deceased:
                    extra.append("deceased")
                text = f"{h.display} — {', '.join(extra)}"
            else:
                text = f"{h.display}{' — ' + when if when else ''}"
            flow.append(_p(f"• {text}"))
    s = summary.social
    if s is not None:
        flow.append(_p("Social history", H3))
        pairs = [
            ("Smoking", s.get_smoking_status_display() if s.smoking_status else ""),
            ("Pack-years", s.pack_years if s.pack_years is not None else ""),
            ("Other tobacco", s.tobacco_other),
            ("Alcohol", s.alcohol_use),
            ("Drugs", s.drug_use),
            ("Occupation", s.occupation),
            ("Living situation", s.living_situation),
            ("Exercise", s.exercise),
        ]
        for label, value in pairs:
            if value not in ("", None):
                flow.append(_p(f"• {label}: {value}"))
    return flow


def _encounters(patient) -> list:
    notes = (
        Note.objects.filter(status__in=[Note.Status.SIGNED, Note.Status.AMENDED])
        .select_related("author", "signed_by")
        .order_by("created_at", "id")
    )
    encounters = (
        Encounter.objects.filter(patient=patient)
        .exclude(status=ENTERED_IN_ERROR)
        .select_related("provider")
        .prefetch_related(Prefetch("notes", queryset=notes))
        .order_by("-start", "-id")
    )
    flow = []
    for e in encounters:
        what = e.type_display or e.get_class_code_display()
        who = f" · {e.provider.display_name}" if e.provider is not None else ""
        head = f"{_day(e.start)} — {what}{who}"
        if e.reason_text:
            head += f" · Reason: {e.reason_text}"
        notes_here = list(e.notes.all())
        block: list = [_p(head, H3 if notes_here else ENCOUNTER_LINE)]
        for n in notes_here:
            signed = (
                f"signed {_day(n.signed_at)} by {_user_name(n.signed_by)}" if n.signed_at else ""
            )
            if n.amends_id:
                label = f"Amendment ({signed}). Reason: {n.amendment_reason}"
            elif n.status == Note.Status.AMENDED:
                label = f"{n.title} ({signed}; amended — see the amendment below)"
            else:
                label = f"{n.title} ({signed})"
            block.append(_p(label, ParagraphStyle("nl", parent=NOTE, fontName="Helvetica-Oblique")))
            block.append(_p(n.body, NOTE))
        flow.append(KeepTogether(block[:3]))
        flow.extend(block[3:])
    return flow


def _documents(patient) -> list:
    docs = Document.objects.filter(patient=patient).exclude(status=ENTERED_IN_ERROR)
    rows = [
        [d.title, d.get_kind_display(), _day(d.received_date) or _day(d.created_at),
         d.content_type.split("/")[-1].upper()]
        for d in docs.order_by("-created_at", "-id")
    ]  # fmt: skip
    if not rows:
        return []
    return [
        _p("Copies of these documents are available on request.", SMALL),
        _table(["Title", "Kind", "Date", "Type"], rows, [3.4, 1.3, 0.9, 0.7]),
    ]


def _build(*, patient, printed_by, printed_at=None) -> bytes:
    printed_at = timezone.localtime(printed_at or timezone.now(), patient.clinic.tz)
    summary = selectors.chart_summary(patient)
    full_name = " ".join(
        x for x in (patient.first_name, patient.middle_name, patient.last_name) if x
    )
    story: list = [
        _p(patient.clinic.name, SMALL),
        Paragraph(escape(f"Patient summary — {full_name}"), H1),
        _table(
            ["Name", "Date of birth", "MRN", "Printed", "Printed by"],
            [
                [
                    f"{patient.last_name}, {patient.first_name}"
                    + (f" {patient.middle_name}" if patient.middle_name else ""),
                    _day(patient.date_of_birth),
                    patient.mrn,
                    printed_at.strftime("%m/%d/%Y %H:%M %Z"),
                    _user_name(printed_by),
                ]
            ],  # fmt: skip
            [2.2, 1.0, 1.0, 1.4, 1.4],
        ),
        Spacer(1, 4),
        _p(
            "This summary lists what is in the record today. Items recorded in error are "
            "left out. Ask the clinic for a full copy of the record.",
            SMALL,
        ),
    ]
    story += _section("Problems", _problems(summary), "No problems recorded.")
    story += _section("Allergies", _allergies(summary), "")
    story += _section("Medications", _medications(summary), "No medications recorded.")
    story += _section("Immunizations", _immunizations(summary), "No immunizations recorded.")
    story += _section("Recent vital signs", _vitals(summary, patient), "No vital signs recorded.")
    story += _section("Recent results", _results(patient), "No results recorded.")
    story += _section("Histories", _histories(summary), "No history recorded.")
    story += _section("Encounters and signed notes", _encounters(patient), "No encounters.")
    story += _section("Documents", _documents(patient), "No documents.")

    footer = (
        f"{patient.last_name}, {patient.first_name} · MRN {patient.mrn} · "
        f"printed {printed_at:%m/%d/%Y} · confidential health information"
    )

    def on_page(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.setFillColor(colors.grey)
        canvas.drawString(0.6 * inch, 0.45 * inch, footer)
        canvas.drawRightString(LETTER[0] - 0.6 * inch, 0.45 * inch, f"Page {doc.page}")
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        leftMargin=0.6 * inch,
        rightMargin=0.6 * inch,
        topMargin=0.6 * inch,
        bottomMargin=0.7 * inch,
        title=f"Patient summary — {full_name}",
        author=patient.clinic.name,
        subject="Patient summary",
    )
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()


def build_summary_pdf(*, patient, printed_by, printed_at=None) -> bytes:
    """The PDF bytes of the patient's summary (no permission check, no audit). Dates and times
    are in the clinic's time zone."""
    with timezone.override(patient.clinic.tz):
        return _build(patient=patient, printed_by=printed_by, printed_at=printed_at)


def export_patient_summary(*, user, id) -> tuple[str, bytes]:
    """(file name, PDF bytes) of the summary of the user's clinic's patient `id`; audited."""
    require(user, PERMISSION)
    patient = access_patient(user=user, id=id, audit=False)
    now = timezone.now()
    data = build_summary_pdf(patient=patient, printed_by=user, printed_at=now)
    audit_record(
        actor=user,
        action=AuditEvent.Action.EXPORT,
        obj=patient,
        patient=patient,
        detail={"export": "summary-pdf", "bytes": len(data)},
    )
    day = timezone.localtime(now, patient.clinic.tz).strftime("%Y-%m-%d")
    return f"summary-{patient.mrn}-{day}.pdf", data
