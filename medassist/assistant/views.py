"""Screens and webhooks of the assistant: the portal chat widget (htmx, no inline script), the
SMS webhook (Twilio-style form post in, TwiML out, signature checked; reminder keywords still
answered by the reminders app), the voice webhook (TwiML <Say>/<Gather input="speech">), and
the one staff inbox with office mail. Clinic information and letters: `setup_views`."""

from __future__ import annotations

import hmac
from xml.sax.saxutils import escape

from django.core import signing
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from medassist.assistant import engine, selectors, services
from medassist.assistant.models import Channel, Conversation, Task
from medassist.core.errors import ApplicationError, NotFound, ValidationFailed
from medassist.core.normalize import phone_e164
from medassist.core.web import StaffRequest, clinic_zone, staff_view
from medassist.patients.models import Patient
from medassist.practice.models import Clinic
from medassist.practice.roles import can

CHAT_COOKIE = "medassist_chat"
CHAT_SALT = "medassist.assistant.chat"
MAX_POST_MESSAGE = 100_000  # characters accepted from a form post; longer is refused whole
VOICE_LANG = {"en": "en-US", "es": "es-US"}


# --- portal chat ----------------------------------------------------------------------------


def _clinic(clinic_id) -> Clinic:
    clinic = Clinic.objects.filter(public_id=clinic_id).first()
    if clinic is None:
        raise NotFound("No such clinic.")
    return clinic


def _chat_conversation(request: HttpRequest, clinic: Clinic) -> Conversation | None:
    raw = request.COOKIES.get(CHAT_COOKIE)
    if not raw:
        return None
    try:
        data = signing.loads(raw, salt=CHAT_SALT, max_age=60 * 60 * 12)
    except signing.BadSignature:
        return None
    return Conversation.objects.filter(
        public_id=data.get("c"), clinic=clinic, channel=Channel.PORTAL
    ).first()


def _portal_patient(request: HttpRequest, clinic: Clinic) -> Patient | None:
    from medassist.portal.signin import SESSION_COOKIE, patient_from_session

    try:
        patient = patient_from_session(request.COOKIES.get(SESSION_COOKIE))
    except NotFound:
        return None
    return patient if patient.clinic_id == clinic.pk else None


@require_http_methods(["GET", "POST"])
def chat(request: HttpRequest, clinic: str) -> HttpResponse:
    """The patient's chat with the assistant (portal). A signed-in portal patient is already
    verified; anyone else is asked for name and date of birth before anything personal."""
    try:
        the_clinic = _clinic(clinic)
    except NotFound:
        return HttpResponse("No such clinic.", status=404, content_type="text/plain")
    clinic_zone(the_clinic)
    conversation = _chat_conversation(request, the_clinic)
    context: dict = {
        "clinic": the_clinic,
        "signed_in": _portal_patient(request, the_clinic) is not None,
    }
    status = 200
    if request.method == "POST":
        text = request.POST.get("message", "")
        if len(text) > MAX_POST_MESSAGE:
            context["error"] = "That message is too long. Please send a shorter one."
            status = 422
        else:
            if conversation is None:
                conversation = engine.conversation_start(
                    clinic=the_clinic,
                    channel=Channel.PORTAL,
                    patient=_portal_patient(request, the_clinic),
                )
            engine.respond(conversation=conversation, text=text)
    if conversation is not None:
        context["turns"] = list(conversation.turns.all())
    template = "assistant/chat.html#box" if getattr(request, "htmx", False) else "assistant/chat.html"  # noqa: E501
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "no-store"
    if conversation is not None:
        response.set_cookie(
            CHAT_COOKIE,
            signing.dumps({"c": str(conversation.public_id)}, salt=CHAT_SALT),
            max_age=60 * 60 * 12,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


chat.permission = "patient: none (identity asked in the chat)"  # type: ignore[attr-defined]


# --- SMS and voice webhooks -------------------------------------------------------------------


def _webhook_allowed(request: HttpRequest) -> bool:
    """The provider proves itself like the reminders webhook: the shared secret
    (X-Webhook-Secret) or Twilio's request signature (X-Twilio-Signature)."""
    from medassist.reminders import conf, signature

    secret = conf.get("MEDASSIST_SMS_INBOUND_SECRET")
    key = request.headers.get("X-Webhook-Secret", "")
    if secret and key and hmac.compare_digest(key.encode(), secret.encode()):
        return True
    return signature.signed_by_twilio(request, request.headers.get("X-Twilio-Signature"))


def _twiml(body: str, status: int = 200) -> HttpResponse:
    return HttpResponse(
        f'<?xml version="1.0" encoding="UTF-8"?><Response>{body}</Response>',
        status=status,
        content_type="application/xml",
    )


def _clinic_for_number(number: str) -> Clinic | None:
    from medassist.reminders.models import Message

    last = Message.objects.filter(to=number).order_by("-id").select_related("clinic").first()
    if last is not None:
        return last.clinic
    seen = Conversation.objects.filter(phone=number).order_by("-id").select_related("clinic")
    if seen.exists():
        return seen[0].clinic
    clinics = list(Clinic.objects.all()[:2])
    return clinics[0] if len(clinics) == 1 else None


def _phone_conversation(clinic: Clinic, channel: str, number: str, call: str = "") -> Conversation:
    qs = Conversation.objects.filter(
        clinic=clinic, channel=channel, phone=number,
        status__in=[Conversation.Status.OPEN, Conversation.Status.HANDOFF,
                    Conversation.Status.LOCKED],
    )
    if call:
        qs = qs.filter(state__call=call)
    found = qs.order_by("-id").first()
    if found is None:
        found = engine.conversation_start(clinic=clinic, channel=channel, phone=number)
        if call:
            found.state = {"call": call}
            found.save(update_fields=["state"])
    return found


@csrf_exempt
@require_POST
def sms(request: HttpRequest) -> HttpResponse:
    """A text from a patient. Reminder keywords (C, R, X, ...) on a number we sent a reminder
    to are answered by the reminders app as before; anything else goes to the assistant."""
    if not _webhook_allowed(request):
        return _twiml("<Message>Not authorized.</Message>", status=403)
    sender, body = request.POST.get("From", ""), request.POST.get("Body", "")
    if not isinstance(sender, str) or len(sender) > 40 or len(body) > MAX_POST_MESSAGE:
        return _twiml("<Message>We could not read that message.</Message>", status=400)
    try:
        number = phone_e164(sender, field="From")
    except ValidationFailed:
        number = ""
    if not number:
        return _twiml("<Message>We could not read that message.</Message>", status=400)
    clinic = _clinic_for_number(number)
    if clinic is None:
        return _twiml("<Message>Please call the clinic.</Message>")
    conversation = _phone_conversation(clinic, Channel.SMS, number)
    word = body.strip().upper().strip(".!")
    if not conversation.state.get("await") and word in _keywords():
        from medassist.reminders.services import inbound_sms_receive

        try:
            with transaction.atomic():
                answer = inbound_sms_receive(from_number=number, body=body)
            return _twiml(f"<Message>{escape(answer['reply'])}</Message>")
        except ApplicationError:
            pass  # no reminder to this number: the assistant answers
    reply = engine.respond(conversation=conversation, text=body)
    return _twiml(f"<Message>{escape(reply.text)}</Message>")


def _keywords() -> set[str]:
    from medassist.reminders.services.answers import KEYWORDS

    return set(KEYWORDS)


sms.permission = "webhook: shared secret or Twilio signature"  # type: ignore[attr-defined]

PERSON = ("person", "persona", "operator", "representative", "human", "agent")


@csrf_exempt
@require_POST
def voice(request: HttpRequest) -> HttpResponse:
    """A phone call: the provider's speech recognition hands us text (SpeechResult) and we
    answer with <Say>, then <Gather input="speech dtmf"> for the next sentence. "Press 0 or say
    person" reaches the front desk (<Dial> the clinic's number)."""
    if not _webhook_allowed(request):
        return _twiml("<Say>Sorry, this call cannot be taken.</Say><Hangup/>", status=403)
    sender = request.POST.get("From", "")
    call = request.POST.get("CallSid", "")[:64]
    speech = request.POST.get("SpeechResult", "")
    digits = request.POST.get("Digits", "")
    try:
        number = phone_e164(sender, field="From") if isinstance(sender, str) else ""
    except ValidationFailed:
        number = ""
    clinic = _clinic_for_number(number) if number else None
    if clinic is None or not call or len(speech) > MAX_POST_MESSAGE:
        return _twiml("<Say>Sorry, we could not take this call. Please call the clinic.</Say>"
                      "<Hangup/>")
    conversation = _phone_conversation(clinic, Channel.VOICE, number, call)
    lang = VOICE_LANG.get(conversation.language, "en-US")
    if digits.strip() == "0" or speech.strip().lower().rstrip(".!") in PERSON:
        reply = engine.respond(conversation=conversation, text="person")
        dial = f"<Dial>{escape(clinic.phone)}</Dial>" if clinic.phone else ""
        return _twiml(f'<Say language="{lang}">{escape(reply.text)}</Say>{dial}')
    if not speech.strip():
        from medassist.assistant.templates_text import render as say

        text = say("greeting", conversation.language, clinic=clinic.name)
        text += " Press 0 or say person to reach the front desk."
    else:
        reply = engine.respond(conversation=conversation, text=speech)
        text = reply.text
        if reply.emergency:
            return _twiml(f'<Say language="{lang}">{escape(text)}</Say><Hangup/>')
        if reply.handoff and clinic.phone:
            return _twiml(f'<Say language="{lang}">{escape(text)}</Say>'
                          f"<Dial>{escape(clinic.phone)}</Dial>")
    gather = (
        f'<Gather input="speech dtmf" numDigits="1" speechTimeout="auto" language="{lang}" '
        f'action="{escape(request.path)}" method="POST">'
        f'<Say language="{lang}">{escape(text)}</Say></Gather>'
    )
    return _twiml(gather)


voice.permission = "webhook: shared secret or Twilio signature"  # type: ignore[attr-defined]


# --- the staff inbox ------------------------------------------------------------------------

KIND_LABELS = selectors.KIND_LABELS


@staff_view("assistant.inbox")
def inbox(request: StaffRequest) -> HttpResponse:
    clinic_zone(request.user.clinic)
    status = request.GET.get("status", "open")
    if status not in ("open", *Task.Status.values):
        status = "open"
    rows = selectors.inbox(user=request.user, status=status)
    context = {
        "rows": rows,
        "status": status,
        "labels": KIND_LABELS,
        "statuses": Task.Status.choices,
        "can_mail": can(request.user, "document.upload"),
        "conversations": selectors.conversations(user=request.user, limit=20),
        "clinic_tz": request.user.clinic.tz,
    }
    return render(request, "assistant/inbox.html", context)


@staff_view("assistant.inbox")
def task(request: StaffRequest, id) -> HttpResponse:
    clinic_zone(request.user.clinic)
    item = selectors.access_task(user=request.user, id=id)
    error = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "status":
                services.task_set_status(
                    actor=request.user, task=item, status=request.POST.get("status", "")
                )
            elif action == "file":
                from medassist.patients.selectors import access_patient

                patient = _patient_by_mrn(request, request.POST.get("mrn", ""))
                patient = access_patient(user=request.user, id=patient.public_id)
                services.office_mail_file(
                    actor=request.user, task=item, patient=patient,
                    title=request.POST.get("title", ""),
                )
            else:
                raise ValidationFailed("Unknown action.")
            return redirect("assistant:task", id=item.public_id)
        except ApplicationError as exc:
            error = exc.message
    turns = list(item.conversation.turns.all()) if item.conversation is not None else []
    return render(
        request,
        "assistant/task.html",
        {"task": item, "turns": turns, "error": error, "statuses": Task.Status.choices,
         "labels": KIND_LABELS, "clinic_tz": request.user.clinic.tz,
         "can_letters": can(request.user, "assistant.letters")},
        status=422 if error else 200,
    )


def _patient_by_mrn(request: StaffRequest, mrn: str) -> Patient:
    found = Patient.objects.filter(clinic=request.user.clinic, mrn=(mrn or "").strip()).first()
    if found is None:
        raise ValidationFailed("No patient has that MRN.", field="mrn")
    return found


@staff_view("document.upload")
@require_POST
def mail_upload(request: StaffRequest) -> HttpResponse:
    try:
        services.office_mail_upload(
            actor=request.user, uploaded_file=request.FILES.get("file"),
            title=request.POST.get("title", ""),
        )
    except ApplicationError as exc:
        clinic_zone(request.user.clinic)
        rows = selectors.inbox(user=request.user)
        return render(
            request, "assistant/inbox.html",
            {"rows": rows, "status": "open", "labels": KIND_LABELS, "mail_error": exc.message,
             "can_mail": True, "statuses": Task.Status.choices,
             "conversations": [], "clinic_tz": request.user.clinic.tz},
            status=422,
        )
    return redirect("assistant:inbox")


@staff_view("assistant.inbox")
def mail_pdf(request: StaffRequest, id) -> HttpResponse:
    """The office mail's PDF, to read it before matching it to a patient (audited read)."""
    item = selectors.access_task(user=request.user, id=id)
    if item.kind != Task.Kind.OFFICE_MAIL or not item.file:
        raise NotFound("No such office mail.")
    with item.file.open("rb") as fh:
        data = fh.read()
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="office-mail.pdf"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_view("assistant.inbox")
def conversation(request: StaffRequest, id) -> HttpResponse:
    clinic_zone(request.user.clinic)
    c = selectors.access_conversation(user=request.user, id=id)
    return render(
        request, "assistant/conversation.html",
        {"conversation": c, "turns": list(c.turns.all()), "clinic_tz": request.user.clinic.tz},
    )
