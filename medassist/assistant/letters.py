"""Outgoing letters from the clinic's templates, as PDF (reportlab): e.g. "we could not reach
you" and a recall letter. The clinic admin edits the templates (`letter_template_save`); their
placeholders come from a fixed set (`PLACEHOLDERS`) and are checked when saved. Staff produce a
letter for a patient: a preview (`letter_pdf`), or the letter filed to the chart as a document
through the records app's service (`letter_file`). Both are audited.

A clinic that has not saved a template of its own uses the reviewed defaults (`DEFAULTS`)."""

from __future__ import annotations

import re
import string
from io import BytesIO
from xml.sax.saxutils import escape

from django.core.files.base import ContentFile
from django.db import transaction

from medassist.assistant.errors import LetterTemplateInvalid
from medassist.assistant.models import ClinicInfo, LetterTemplate
from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.clock import clinic_today
from medassist.core.errors import NotFound, ValidationFailed
from medassist.core.normalize import phone_display
from medassist.practice.models import Clinic, User
from medassist.practice.roles import require, staff_clinic
from medassist.records.services.documents import document_upload

PLACEHOLDERS: dict[str, str] = {
    "patient_name": "the patient's first and last name",
    "patient_first_name": "the patient's first name",
    "patient_last_name": "the patient's last name",
    "clinic_name": "the clinic's name",
    "clinic_phone": "the clinic's phone number",
    "clinic_address": "the clinic's first location (street, city, state)",
    "today": "today's date in the clinic's time zone",
    "signature": "the letter signature (clinic information), else the clinic's name",
}

DEFAULTS: dict[str, tuple[str, str]] = {
    "unreachable": (
        "We tried to reach you",
        "Dear {patient_name},\n\n"
        "We have tried to reach you by phone and could not. Please call us at {clinic_phone} "
        "at your earliest convenience.\n\n"
        "Sincerely,\n{signature}",
    ),
    "recall": (
        "Time for your visit",
        "Dear {patient_name},\n\n"
        "Our records show that you are due for a visit. Please call us at {clinic_phone} or "
        "book online to schedule it.\n\n"
        "Sincerely,\n{signature}",
    ),
}
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
TITLE_MAX, BODY_MAX = 200, 5000


def check_placeholders(text: str, *, field: str) -> None:
    """Every {name} in `text` must be one of PLACEHOLDERS, written plainly (no attribute,
    index, conversion or format). Literal braces are written {{ and }}."""
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError:
        raise LetterTemplateInvalid(
            "A brace is not closed: write placeholders as {patient_name}, and a literal brace "
            "as {{ or }}.", field=field,
        ) from None
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            shown = "{" + name + ("!" + conversion if conversion else "") + (
                ":" + spec if spec else "") + "}"
            allowed = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
            raise LetterTemplateInvalid(
                f"{shown} is not a placeholder letters may use. Allowed: {allowed}.",
                field=field,
            )


class DefaultTemplate:
    """A reviewed default the clinic has not replaced (not stored)."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.title, self.body = DEFAULTS[key]
        self.active = True
        self.pk = None


def letter_templates(*, clinic: Clinic) -> list:
    """The clinic's letter templates, with the defaults it has not replaced, by key."""
    saved = {t.key: t for t in LetterTemplate.objects.filter(clinic=clinic)}
    rows: list = list(saved.values())
    rows += [DefaultTemplate(k) for k in DEFAULTS if k not in saved]
    return sorted(rows, key=lambda t: t.key)


def letter_template(*, clinic: Clinic, key: str, active_only: bool = False):
    found = LetterTemplate.objects.filter(clinic=clinic, key=key).first()
    if found is None and key in DEFAULTS:
        return DefaultTemplate(key)
    if found is None or (active_only and not found.active):
        raise NotFound("No such letter.")
    return found


@transaction.atomic
def letter_template_save(
    *, actor: User, key: str, title: str, body: str, active: bool = True
) -> LetterTemplate:
    """Create or change one of the clinic's letter templates (the clinic admin)."""
    require(actor, "assistant.manage")
    clinic = staff_clinic(actor)
    key = (key or "").strip().lower()
    if not KEY_RE.match(key):
        raise ValidationFailed(
            "The key is 1 to 40 lower-case letters, digits or hyphens (e.g. recall).",
            field="key",
        )
    title = (title or "").strip()
    body = (body or "").replace("\r\n", "\n").strip()
    if not title:
        raise ValidationFailed("The letter needs a title.", field="title")
    if not body:
        raise ValidationFailed("The letter needs a text.", field="body")
    if len(title) > TITLE_MAX:
        raise ValidationFailed(f"The title is limited to {TITLE_MAX} characters.", field="title")
    if len(body) > BODY_MAX:
        raise ValidationFailed(f"The text is limited to {BODY_MAX} characters.", field="body")
    check_placeholders(title, field="title")
    check_placeholders(body, field="body")
    template = LetterTemplate.objects.select_for_update().filter(clinic=clinic, key=key).first()
    before = None
    if template is None:
        template = LetterTemplate(clinic=clinic, key=key, created_by=actor)
        action = AuditEvent.Action.CREATE
    else:
        before = {"title": template.title, "body": template.body, "active": template.active}
        action = AuditEvent.Action.UPDATE
    template.title, template.body, template.active = title, body, bool(active)
    template.updated_by = actor
    template.save()
    audit_record(
        actor=actor, action=action, obj=template, clinic=clinic,
        detail={"key": key, "changed": sorted(
            k for k, v in (before or {}).items() if v != getattr(template, k)
        ) if before else ["title", "body", "active"]},
    )
    return template


def _values(clinic: Clinic, patient) -> dict[str, str]:
    info = ClinicInfo.objects.filter(clinic=clinic).first()
    location = clinic.locations.filter(active=True).order_by("name").first()
    address = ""
    if location is not None:
        address = ", ".join(
            x for x in (location.address_line1, location.city, location.state) if x
        )
    return {
        "patient_name": f"{patient.first_name} {patient.last_name}",
        "patient_first_name": patient.first_name,
        "patient_last_name": patient.last_name,
        "clinic_name": clinic.name,
        "clinic_phone": phone_display(clinic.phone) or "the clinic",
        "clinic_address": address,
        "today": clinic_today(clinic).strftime("%B %d, %Y").replace(" 0", " "),
        "signature": (info.letter_signature if info and info.letter_signature else clinic.name),
    }


def _render(clinic: Clinic, template, patient) -> tuple[str, bytes]:
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    check_placeholders(template.title, field="title")  # also a template written elsewhere
    check_placeholders(template.body, field="body")
    values = _values(clinic, patient)
    title = template.title.format(**values)
    body = template.body.format(**values)
    styles = getSampleStyleSheet()
    out = BytesIO()
    doc = SimpleDocTemplate(out, pagesize=letter, title=title, author=clinic.name)
    story = [Paragraph(escape(clinic.name), styles["Title"])]
    if values["clinic_address"]:
        story.append(Paragraph(escape(values["clinic_address"]), styles["Normal"]))
    if clinic.phone:
        story.append(Paragraph(escape(phone_display(clinic.phone)), styles["Normal"]))
    story += [
        Spacer(1, 18),
        Paragraph(escape(values["today"]), styles["Normal"]),
        Spacer(1, 18),
        Paragraph(escape(title), styles["Heading2"]),
    ]
    for para in body.split("\n\n"):
        story.append(Paragraph(escape(para).replace("\n", "<br/>"), styles["Normal"]))
        story.append(Spacer(1, 10))
    doc.build(story)
    return title, out.getvalue()


def _check(actor: User, patient) -> Clinic:
    require(actor, "assistant.letters")
    clinic = staff_clinic(actor)
    if patient.clinic_id != clinic.pk:
        raise NotFound("No such patient.")
    return clinic


def letter_pdf(*, actor: User, kind: str, patient) -> bytes:
    """A preview of the letter for the patient (not filed)."""
    clinic = _check(actor, patient)
    template = letter_template(clinic=clinic, key=kind, active_only=True)
    _, pdf = _render(clinic, template, patient)
    audit_record(
        actor=actor, action=AuditEvent.Action.EXPORT, object_type="assistant.letter",
        object_id=kind, patient=patient, detail={"filed": False},
    )
    return pdf


@transaction.atomic
def letter_file(*, actor: User, kind: str, patient):
    """Produce the letter for the patient and file it to the chart (a records document)."""
    clinic = _check(actor, patient)
    template = letter_template(clinic=clinic, key=kind, active_only=True)
    title, pdf = _render(clinic, template, patient)
    day = clinic_today(clinic).isoformat()
    doc = document_upload(
        actor=actor,
        patient=patient,
        uploaded_file=ContentFile(pdf, name=f"letter-{kind}-{day}.pdf"),
        title=f"Letter sent: {title}"[:200],
        note=f"Produced from the clinic's letter template “{kind}”.",
    )
    audit_record(
        actor=actor, action=AuditEvent.Action.EXPORT, object_type="assistant.letter",
        object_id=kind, patient=patient, detail={"filed": True, "document": str(doc.public_id)},
    )
    return doc
