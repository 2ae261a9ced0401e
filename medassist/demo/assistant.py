"""Demo assistant: the clinic's information in English and Spanish, a few real conversations
run through the assistant's own engine (an emergency on the phone line by text, a care-team
question and a refill from the portal, a question about parking, a Spanish caller asking for a
person), and a fax waiting in the office mail, so the inbox shows real work."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import BytesIO

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from medassist.assistant import engine
from medassist.assistant.mail import office_mail_upload
from medassist.assistant.models import Channel, Conversation, Task
from medassist.assistant.services import clinic_info_save
from medassist.patients.models import Patient
from medassist.pharmacy.models import RefillRequest
from medassist.practice.models import Clinic, User
from medassist.practice.roles import Role

INFO = {
    "hours": "Monday to Friday 8 am to 6 pm, Saturday 9 am to noon. Closed Sundays and holidays.",
    "hours_es": "De lunes a viernes de 8 a 18 h y los sábados de 9 a 12 h. "
                "Cerrado domingos y festivos.",
    "parking": "Free parking in the lot behind Riverside Main (enter from Congress St); "
               "Northgate has its own lot.",
    "parking_es": "Estacionamiento gratis detrás de Riverside Main (entrada por Congress St); "
                  "Northgate tiene su propio estacionamiento.",
    "what_to_bring": "Your insurance card, a photo ID, your medicines or a list of them, and "
                     "any forms you were sent.",
    "what_to_bring_es": "Su tarjeta del seguro, una identificación con foto, sus medicinas o "
                        "una lista de ellas y los formularios que le enviamos.",
    "preparation": "For a blood draw before 10 am, eat nothing after midnight; water is fine. "
                   "Please arrive 15 minutes early for a first visit.",
    "preparation_es": "Para un análisis de sangre antes de las 10, no coma nada después de "
                      "la medianoche; puede tomar agua. Llegue 15 minutos antes a su "
                      "primera visita.",
    "directions": "Bus 80 stops at River St and 4th, one block from Riverside Main.",
    "directions_es": "El autobús 80 para en River St y 4th, a una cuadra de Riverside Main.",
    "letter_signature": "The care team at Riverside Family Medicine",
}

# (hours ago, channel, patient index or None, phone from the patient?, messages)
CONVERSATIONS = [
    (0.1, Channel.SMS, 2, True,
     ["my husband has crushing chest pain and his left arm went numb"]),
    (20, Channel.PORTAL, 0, False,
     ["Can I take ibuprofen for my back while I'm on lisinopril?", "yes"]),
    (30, Channel.PORTAL, 1, False,
     ["I need a refill of my lisinopril 10 mg at Main Street Pharmacy"]),
    (3, Channel.PORTAL, None, False, ["where do I park?", "thanks!"]),
    (1.5, Channel.SMS, 3, True, ["Hola, necesito hablar con una persona por favor"]),
]


def _fax_pdf(patient: Patient) -> bytes:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    out = BytesIO()
    page = canvas.Canvas(out, pagesize=letter, invariant=1)
    page.setFont("Helvetica-Bold", 14)
    page.drawString(72, 720, "Samaritan Hospital - Discharge summary (fax)")
    page.setFont("Helvetica", 11)
    lines = [
        f"Patient: {patient.first_name} {patient.last_name}",
        f"Date of birth: {patient.date_of_birth:%m/%d/%Y}",
        "Admitted for observation after a fall; x-rays negative.",
        "Follow up with the primary care provider within 1 to 2 weeks.",
        "Fax from Samaritan Hospital Health Information, (518) 555-0199.",
    ]
    for n, line in enumerate(lines):
        page.drawString(72, 690 - 18 * n, line)
    page.save()
    return out.getvalue()


@transaction.atomic
def assistant_demo(clinic: Clinic, *, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    admin = User.objects.filter(clinic=clinic, role=Role.CLINIC_ADMIN, is_active=True).first()
    desk = (
        User.objects.filter(clinic=clinic, role=Role.FRONT_DESK, is_active=True)
        .order_by("id")
        .first()
    )
    with_phone = Patient.objects.filter(clinic=clinic, active=True).exclude(phone_mobile="")
    patients = list(with_phone.order_by("id")[:4])
    if admin is None or desk is None or len(patients) < 4:
        return {}
    clinic_info_save(actor=admin, **INFO)
    conversations = 0
    for hours_ago, channel, who, by_phone, messages in CONVERSATIONS:
        at = now - timedelta(hours=hours_ago)
        since = timezone.now()
        patient = patients[who] if who is not None else None
        c = engine.conversation_start(
            clinic=clinic, channel=channel,
            phone=patient.phone_mobile if (patient is not None and by_phone) else "",
            patient=patient if channel == Channel.PORTAL else None,  # signed in to the portal
        )
        for n, text in enumerate(messages):
            engine.respond(conversation=c, text=text, now=at + timedelta(minutes=n))
        conversations += 1
        _age(c, at, since=since)
    mail = office_mail_upload(
        actor=desk,
        uploaded_file=ContentFile(_fax_pdf(patients[1]), name="fax-samaritan-discharge.pdf"),
        title="Fax: Samaritan Hospital discharge summary",
    )
    Task.objects.filter(pk=mail.pk).update(created_at=now - timedelta(hours=50))
    return {"assistant_conversations": conversations}


def _age(conversation: Conversation, at: datetime, *, since: datetime) -> None:
    """The conversation happened at `at`: its row and the work it created say so (its tasks,
    and a refill request it put in the pharmacy's queue)."""
    Conversation.objects.filter(pk=conversation.pk).update(created_at=at)
    Task.objects.filter(conversation=conversation).update(created_at=at, updated_at=at)
    if conversation.patient_id is not None:
        RefillRequest.objects.filter(
            patient_id=conversation.patient_id, source="assistant", created_at__gte=since
        ).update(created_at=at)
