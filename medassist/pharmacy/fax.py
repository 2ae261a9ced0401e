"""A printable fax cover sheet for telling a pharmacy a refill's answer: the clinic, the
pharmacy, the date in the clinic's time zone and the reviewed pharmacy message, verbatim.
medassist does not send faxes; staff fax (or hand) this page and record it as told."""

from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from medassist.pharmacy.models import RefillRequest

CONFIDENTIAL = (
    "CONFIDENTIAL: this fax holds protected health information for the pharmacy named above. "
    "If you received it in error, call the clinic and destroy it."
)


def refill_fax_pdf(refill: RefillRequest, *, now=None) -> bytes:
    clinic = refill.clinic
    local = (now or timezone.now()).astimezone(clinic.tz)
    styles = getSampleStyleSheet()
    phone = f" · phone {clinic.phone}" if clinic.phone else ""
    story = [
        Paragraph("Fax: refill answer", styles["Title"]),
        Paragraph(f"<b>From:</b> {escape(clinic.name)}{escape(phone)}", styles["Normal"]),
        Paragraph(f"<b>To:</b> {escape(refill.pharmacy_text)}", styles["Normal"]),
        Paragraph(f"<b>Date:</b> {local:%b %d, %Y %H:%M} ({clinic.timezone})", styles["Normal"]),
        Paragraph("<b>Pages:</b> 1", styles["Normal"]),
        Spacer(1, 0.3 * inch),
        Paragraph(escape(refill.pharmacy_message), styles["BodyText"]),
        Spacer(1, 0.5 * inch),
        Paragraph(escape(CONFIDENTIAL), styles["Italic"]),
    ]
    buffer = BytesIO()
    SimpleDocTemplate(buffer, pagesize=letter, title="Refill answer").build(story)
    return buffer.getvalue()
