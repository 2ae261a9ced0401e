"""Outgoing letters from the clinic's templates, as PDF (reportlab): "we could not reach you"
and a recall letter. The text is the clinic's reviewed template filled with the patient's name,
the clinic's name, phone and first location, and today's date in the clinic's zone."""

from __future__ import annotations

from io import BytesIO

from medassist.assistant.models import ClinicInfo
from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.clock import clinic_today
from medassist.practice.roles import require, staff_clinic

LETTERS: dict[str, dict[str, str]] = {
    "unreachable": {
        "title": "We tried to reach you",
        "body": (
            "Dear {patient},\n\n"
            "We have tried to reach you by phone and could not. Please call us at {phone} "
            "at your earliest convenience.\n\n"
            "Sincerely,\n{signature}"
        ),
    },
    "recall": {
        "title": "Time for your visit",
        "body": (
            "Dear {patient},\n\n"
            "Our records show that you are due for a visit. Please call us at {phone} or book "
            "online to schedule it.\n\n"
            "Sincerely,\n{signature}"
        ),
    },
}


def letter_pdf(*, actor, kind: str, patient) -> bytes:
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    require(actor, "assistant.letters")
    clinic = staff_clinic(actor)
    if patient.clinic_id != clinic.pk:
        raise ValueError("patient of another clinic")
    template = LETTERS[kind]
    info = ClinicInfo.objects.filter(clinic=clinic).first()
    location = clinic.locations.filter(active=True).order_by("name").first()
    body = template["body"].format(
        patient=f"{patient.first_name} {patient.last_name}",
        phone=clinic.phone or "the clinic",
        signature=(info.letter_signature if info and info.letter_signature else clinic.name),
    )
    styles = getSampleStyleSheet()
    out = BytesIO()
    doc = SimpleDocTemplate(out, pagesize=letter, title=template["title"], author=clinic.name)
    story = [Paragraph(clinic.name, styles["Title"])]
    if location is not None:
        where = ", ".join(x for x in (location.address_line1, location.city, location.state) if x)
        if where:
            story.append(Paragraph(where, styles["Normal"]))
    story += [
        Spacer(1, 18),
        Paragraph(clinic_today(clinic).strftime("%B %d, %Y"), styles["Normal"]),
        Spacer(1, 18),
        Paragraph(template["title"], styles["Heading2"]),
    ]
    for para in body.split("\n\n"):
        story.append(Paragraph(para.replace("\n", "<br/>"), styles["Normal"]))
        story.append(Spacer(1, 10))
    doc.build(story)
    audit_record(
        actor=actor, action=AuditEvent.Action.EXPORT, object_type="assistant.letter",
        object_id=kind, patient=patient,
    )
    return out.getvalue()
