"""The patient statement (PDF, reportlab): what was billed, what insurance paid or adjusted,
what the patient paid, and what is due now. Times are in the clinic's zone."""

from __future__ import annotations

import io
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from medassist.billing.models import Bucket, EntryKind, LedgerEntry

ZERO = Decimal("0.00")


def statement_pdf(*, patient, entries: list[LedgerEntry], balance: Decimal) -> bytes:
    clinic = patient.clinic
    today = timezone.localdate(timezone=clinic.tz)
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        title=f"Statement {patient.mrn}",
        leftMargin=0.7 * inch,
        rightMargin=0.7 * inch,
    )
    story = [
        Paragraph(escape(clinic.name), styles["Title"]),
        Paragraph(f"Patient statement · {today:%m/%d/%Y}", styles["Heading2"]),
        Paragraph(
            escape(f"{patient.first_name} {patient.last_name} · account {patient.mrn}"),
            styles["Normal"],
        ),
        Paragraph(
            escape(
                " ".join(
                    p
                    for p in (
                        patient.address_line1,
                        patient.city,
                        patient.state,
                        patient.postal_code,
                    )
                    if p
                )
            ),
            styles["Normal"],
        ),
        Spacer(1, 12),
    ]
    rows = [["Date", "Description", "Charges", "Insurance", "You paid", "Your share"]]
    for entry in entries:
        day = f"{entry.posted_on:%m/%d/%Y}"
        what = entry.memo or entry.get_kind_display()
        charge = insurance = paid = share = ""
        if entry.kind == EntryKind.CHARGE:
            charge = f"{entry.amount:,.2f}"
            if entry.bucket == Bucket.PATIENT:
                share = f"{entry.amount:,.2f}"
        elif entry.bucket == Bucket.INSURANCE and entry.kind != EntryKind.TRANSFER:
            insurance = f"{entry.amount:,.2f}"
        elif entry.kind == EntryKind.TRANSFER and entry.bucket == Bucket.PATIENT:
            share = f"{entry.amount:,.2f}"
        elif entry.bucket == Bucket.PATIENT:
            paid = f"{entry.amount:,.2f}"
        else:
            continue
        rows.append(
            [day, Paragraph(escape(what[:90]), styles["BodyText"]), charge, insurance, paid, share]
        )
    table = Table(
        rows,
        colWidths=[0.9 * inch, 2.7 * inch, 0.9 * inch, 0.9 * inch, 0.8 * inch, 0.9 * inch],
        repeatRows=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
                ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.whitesmoke]),
            ]
        )
    )
    story += [table, Spacer(1, 14)]
    due = balance if balance > 0 else ZERO
    story.append(Paragraph(f"<b>Amount due now: ${due:,.2f}</b>", styles["Heading2"]))
    if balance < 0:
        story.append(Paragraph(f"You have a credit of ${-balance:,.2f}.", styles["Normal"]))
    story.append(
        Paragraph(
            escape(f"Questions about this statement? Call {clinic.phone or 'the clinic'}."),
            styles["Normal"],
        )
    )
    doc.build(story)
    return buffer.getvalue()
