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

# The reviewed defaults, by key and language ("en", "es"): a patient whose preferred language
# is Spanish gets the Spanish text; a clinic's own text replaces a default per language.
DEFAULTS: dict[str, dict[str, tuple[str, str]]] = {
    "unreachable": {
        "en": (
            "We tried to reach you",
            "Dear {patient_name},\n\n"
            "We have tried to reach you by phone and could not. Please call us at "
            "{clinic_phone} at your earliest convenience.\n\n"
            "Sincerely,\n{signature}",
        ),
        "es": (
            "Intentamos comunicarnos con usted",
            "Estimado/a {patient_name}:\n\n"
            "Hemos intentado comunicarnos con usted por teléfono y no lo logramos. Por favor, "
            "llámenos al {clinic_phone} lo antes posible.\n\n"
            "Atentamente,\n{signature}",
        ),
    },
    "recall": {
        "en": (
            "Time for your visit",
            "Dear {patient_name},\n\n"
            "Our records show that you are due for a visit. Please call us at {clinic_phone} or "
            "book online to schedule it.\n\n"
            "Sincerely,\n{signature}",
        ),
        "es": (
            "Es hora de su consulta",
            "Estimado/a {patient_name}:\n\n"
            "Según nuestros registros, le corresponde una consulta. Por favor, llámenos al "
            "{clinic_phone} o reserve en línea para programarla.\n\n"
            "Atentamente,\n{signature}",
        ),
    },
}
LANGUAGES = {"en": "English", "es": "Spanish"}
MONTHS_ES = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
             "septiembre", "octubre", "noviembre", "diciembre"]
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

    def __init__(self, key: str, language: str = "en") -> None:
        self.key = key
        self.language = language
        self.title, self.body = DEFAULTS[key][language]
        self.active = True
        self.pk = None

    def get_language_display(self) -> str:
        return LANGUAGES[self.language]


def letter_templates(*, clinic: Clinic) -> list:
    """The clinic's letter templates in every language, with the defaults it has not
    replaced, by key then language."""
    saved = {(t.key, t.language): t for t in LetterTemplate.objects.filter(clinic=clinic)}
    rows: list = list(saved.values())
    rows += [
        DefaultTemplate(k, lang)
        for k, texts in DEFAULTS.items()
        for lang in texts
        if (k, lang) not in saved
    ]
    return sorted(rows, key=lambda t: (t.key, t.language != "en", t.language))


def _language(language: str) -> str:
    if language not in LANGUAGES:
        raise ValidationFailed("Letters are written in English or Spanish.", field="language")
    return language


def letter_template(*, clinic: Clinic, key: str, language: str = "en", active_only: bool = False):
    """The template of `key` in `language`: the clinic's own, else the reviewed default."""
    found = LetterTemplate.objects.filter(clinic=clinic, key=key, language=_language(language))
    template = found.first()
    if template is None and language in DEFAULTS.get(key, {}):
        return DefaultTemplate(key, language)
    if template is None or (active_only and not template.active):
        raise NotFound("No such letter.")
    return template


def letter_for_patient(*, clinic: Clinic, key: str, patient):
    """The letter in the patient's language when the clinic has it in use, else in English."""
    language = patient.language_code
    if language != "en":
        try:
            return letter_template(clinic=clinic, key=key, language=language, active_only=True)
        except NotFound:
            pass
    return letter_template(clinic=clinic, key=key, active_only=True)


@transaction.atomic
def letter_template_save(
    *, actor: User, key: str, title: str, body: str, active: bool = True, language: str = "en"
) -> LetterTemplate:
    """Create or change one of the clinic's letter templates in one language (the clinic
    admin)."""
    require(actor, "assistant.manage")
    clinic = staff_clinic(actor)
    language = _language(language)
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
    template = (
        LetterTemplate.objects.select_for_update()
        .filter(clinic=clinic, key=key, language=language)
        .first()
    )
    before = None
    if template is None:
        template = LetterTemplate(clinic=clinic, key=key, language=language, created_by=actor)
        action = AuditEvent.Action.CREATE
    else:
        before = {"title": template.title, "body": template.body, "active": template.active}
        action = AuditEvent.Action.UPDATE
    template.title, template.body, template.active = title, body, bool(active)
    template.updated_by = actor
    template.save()
    audit_record(
        actor=actor, action=action, obj=template, clinic=clinic,
        detail={"key": key, "language": language, "changed": sorted(
            k for k, v in (before or {}).items() if v != getattr(template, k)
        ) if before else ["title", "body", "active"]},
    )
    return template


def _date_text(day, language: str) -> str:
    if language == "es":
        return f"{day.day} de {MONTHS_ES[day.month - 1]} de {day.year}"
    return day.strftime("%B %d, %Y").replace(" 0", " ")


def _values(clinic: Clinic, patient, language: str = "en") -> dict[str, str]:
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
        "clinic_phone": phone_display(clinic.phone)
        or ("la clínica" if language == "es" else "the clinic"),
        "clinic_address": address,
        "today": _date_text(clinic_today(clinic), language),
        "signature": (info.letter_signature if info and info.letter_signature else clinic.name),
    }


def _render(clinic: Clinic, template, patient) -> tuple[str, bytes]:
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    check_placeholders(template.title, field="title")  # also a template written elsewhere
    check_placeholders(template.body, field="body")
    values = _values(clinic, patient, getattr(template, "language", "en"))
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
    template = letter_for_patient(clinic=clinic, key=kind, patient=patient)
    _, pdf = _render(clinic, template, patient)
    audit_record(
        actor=actor, action=AuditEvent.Action.EXPORT, object_type="assistant.letter",
        object_id=kind, patient=patient, detail={"filed": False, "language": template.language},
    )
    return pdf


@transaction.atomic
def letter_file(*, actor: User, kind: str, patient):
    """Produce the letter for the patient and file it to the chart (a records document)."""
    clinic = _check(actor, patient)
    template = letter_for_patient(clinic=clinic, key=kind, patient=patient)
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
        object_id=kind, patient=patient,
        detail={"filed": True, "document": str(doc.public_id), "language": template.language},
    )
    return doc
