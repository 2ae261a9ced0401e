"""Patient handouts for a medication change or a diet instruction, built only from the
clinician's own order and words and the clinic's reviewed template text below (English or
Spanish). Nothing here writes advice: the template holds headings and fixed sentences, the
body is the clinician's text verbatim."""

from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from medassist.pharmacy.models import ChangeDiscussion

# The reviewed template: every fixed word a handout may contain.
TEMPLATES = {
    "en": {
        "medication": "A change to your medication",
        "diet": "Diet instructions from your clinician",
        "for": "For",
        "from": "From",
        "order": "Medication",
        "dose": "Dose",
        "how": "How to take it",
        "words": "Your clinician's instructions",
        "questions": "Questions? Call {clinic}{phone}. Do not change how you take a medicine "
        "without asking your clinician.",
    },
    "es": {
        "medication": "Un cambio en su medicamento",
        "diet": "Instrucciones de dieta de su médico",
        "for": "Para",
        "from": "De",
        "order": "Medicamento",
        "dose": "Dosis",
        "how": "Cómo tomarlo",
        "words": "Instrucciones de su médico",
        "questions": "¿Preguntas? Llame a {clinic}{phone}. No cambie cómo toma un medicamento "
        "sin consultar a su médico.",
    },
}


def handout_pdf(handout: ChangeDiscussion) -> bytes:
    t = TEMPLATES.get(handout.language, TEMPLATES["en"])
    styles = getSampleStyleSheet()
    clinic, patient = handout.clinic, handout.patient
    story = [
        Paragraph(escape(t[handout.kind]), styles["Title"]),
        Paragraph(f"{escape(t['for'])}: {escape(patient.display_name)}", styles["Normal"]),
        Paragraph(
            f"{escape(t['from'])}: {escape(handout.clinician.display_name)}, {escape(clinic.name)}",
            styles["Normal"],
        ),
        Spacer(1, 0.2 * inch),
    ]
    order = handout.order
    if order is not None:
        story += [
            Paragraph(f"<b>{escape(t['order'])}:</b> {escape(order.drug_name)}", styles["Normal"]),
            Paragraph(
                f"<b>{escape(t['dose'])}:</b> {order.dose_amount.normalize():f} "
                f"{escape(order.dose_unit)} {escape(order.route)} "
                f"{escape(order.frequency)}",
                styles["Normal"],
            ),
        ]
        if order.instructions:
            story.append(
                Paragraph(
                    f"<b>{escape(t['how'])}:</b> {escape(order.instructions)}", styles["Normal"]
                )
            )
        story.append(Spacer(1, 0.2 * inch))
    story.append(Paragraph(f"<b>{escape(t['words'])}</b>", styles["Heading2"]))
    for line in handout.clinician_text.splitlines():
        if line.strip():
            story.append(Paragraph(escape(line.strip()), styles["Normal"]))
    phone = f" ({clinic.phone})" if clinic.phone else ""
    story += [
        Spacer(1, 0.3 * inch),
        Paragraph(escape(t["questions"].format(clinic=clinic.name, phone=phone)), styles["Italic"]),
    ]
    buffer = BytesIO()
    SimpleDocTemplate(buffer, pagesize=letter, title=t[handout.kind]).build(story)
    return buffer.getvalue()
