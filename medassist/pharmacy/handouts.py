"""Patient handouts for a medication change or a diet instruction, built only from the
clinician's own order and words and the clinic's reviewed template text below (English or
Spanish). Nothing here writes advice: the template holds headings and fixed sentences, the
body is the clinician's text verbatim."""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class HandoutContent:
    """Everything a handout says, in its language: the template's fixed words around the
    clinician's order and text. The PDF and the portal page both render exactly this."""

    language: str
    title: str
    for_line: str
    from_line: str
    order_lines: tuple[tuple[str, str], ...]  # (template label, the order's words)
    words_heading: str
    words: tuple[str, ...]  # the clinician's text, line by line, verbatim
    questions: str


def handout_content(handout: ChangeDiscussion) -> HandoutContent:
    t = TEMPLATES.get(handout.language, TEMPLATES["en"])
    clinic, patient = handout.clinic, handout.patient
    order_lines: list[tuple[str, str]] = []
    order = handout.order
    if order is not None:
        order_lines.append((t["order"], order.drug_name))
        order_lines.append(
            (
                t["dose"],
                f"{order.dose_amount.normalize():f} {order.dose_unit} {order.route} "
                f"{order.frequency}".strip(),
            )
        )
        if order.instructions:
            order_lines.append((t["how"], order.instructions))
    phone = f" ({clinic.phone})" if clinic.phone else ""
    return HandoutContent(
        language=handout.language if handout.language in TEMPLATES else "en",
        title=t[handout.kind],
        for_line=f"{t['for']}: {patient.display_name}",
        from_line=f"{t['from']}: {handout.clinician.display_name}, {clinic.name}",
        order_lines=tuple(order_lines),
        words_heading=t["words"],
        words=tuple(line.strip() for line in handout.clinician_text.splitlines() if line.strip()),
        questions=t["questions"].format(clinic=clinic.name, phone=phone),
    )


def handout_pdf(handout: ChangeDiscussion) -> bytes:
    c = handout_content(handout)
    styles = getSampleStyleSheet()
    story = [
        Paragraph(escape(c.title), styles["Title"]),
        Paragraph(escape(c.for_line), styles["Normal"]),
        Paragraph(escape(c.from_line), styles["Normal"]),
        Spacer(1, 0.2 * inch),
    ]
    if c.order_lines:
        story += [
            Paragraph(f"<b>{escape(label)}:</b> {escape(value)}", styles["Normal"])
            for label, value in c.order_lines
        ]
        story.append(Spacer(1, 0.2 * inch))
    story.append(Paragraph(f"<b>{escape(c.words_heading)}</b>", styles["Heading2"]))
    story += [Paragraph(escape(line), styles["Normal"]) for line in c.words]
    story += [Spacer(1, 0.3 * inch), Paragraph(escape(c.questions), styles["Italic"])]
    buffer = BytesIO()
    SimpleDocTemplate(buffer, pagesize=letter, title=c.title).build(story)
    return buffer.getvalue()
