"""Specimen labels as a PDF for a label printer: one 2 x 1 inch label per container, with a
Code 128 barcode of the accession number (reportlab.graphics.barcode)."""

from __future__ import annotations

from io import BytesIO

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.units import inch
from reportlab.pdfgen import canvas

from medassist.orders.models import Order, Specimen, Tube

LABEL_W, LABEL_H = 2 * inch, 1 * inch


def labels_pdf(order: Order, specimens: list[Specimen], tz) -> bytes:
    """One page per label. Names and times are the clinic's (tz)."""
    return draw_labels_pdf([(order, specimens)], tz)


def draw_labels_pdf(orders: list[tuple[Order, list[Specimen]]], tz) -> bytes:
    """The labels of one draw (several orders), one page per label, in the order given."""
    buf = BytesIO()
    c = canvas.Canvas(buf, pagesize=(LABEL_W, LABEL_H))
    c.setTitle("Specimen labels " + ", ".join(o.placer_number for o, _ in orders))
    for order, specimens in orders:
        _order_labels(c, order, specimens, tz)
    c.save()
    return buf.getvalue()


def _order_labels(c, order: Order, specimens: list[Specimen], tz) -> None:
    patient = order.patient
    for s in specimens:
        c.setFont("Helvetica-Bold", 7)
        c.drawString(6, LABEL_H - 10, f"{patient.last_name.upper()}, {patient.first_name}"[:34])
        c.setFont("Helvetica", 6)
        c.drawString(
            6, LABEL_H - 18, f"DOB {patient.date_of_birth:%m/%d/%Y}  MRN {patient.mrn}"[:44]
        )
        barcode = Code128(s.accession, barHeight=0.32 * inch, barWidth=0.9)
        barcode.drawOn(c, 2, LABEL_H - 50)
        c.drawString(6, 18, f"{s.accession}  {Tube(s.tube).label}"[:46])
        when = s.collected_at.astimezone(tz)
        who = s.collected_by.get_full_name() or s.collected_by.username
        c.drawString(6, 10, f"{when:%m/%d/%Y %H:%M} {who}"[:46])
        c.drawString(6, 3, f"Site: {s.site}  Order {order.placer_number}"[:46])
        c.showPage()
