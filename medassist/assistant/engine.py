"""The conversation engine: one patient message in, one reply out, the same for every channel
(portal chat, SMS, voice, terminal). Each turn, in one transaction:

1. the safety layer and the understanding (`understand.decide`) read the message;
2. an emergency gets the emergency template at once, an urgent staff alert, and the
   conversation is flagged; a clinical question gets no answer, only the offer to send it to
   the care team (a clinician inbox item with the patient's words) or to book;
3. otherwise the request is done through the owning app's services (booking, availability,
   portal), after identity is verified (name + date of birth, and the phone number on SMS and
   voice) for anything personal;
4. both turns are stored: the patient's words, the intent, entities, safety decision, action
   and the reply's template.

Every reply comes from `templates_text` filled with service data. Unverified callers hear the
same words whether or not the name belongs to a patient; five failed verifications lock the
conversation and alert staff."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from medassist.assistant import understand
from medassist.assistant.models import Channel, ClinicInfo, Conversation, Task, Turn
from medassist.assistant.services import task_create
from medassist.assistant.templates_text import INFO_LABELS, render
from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.errors import ApplicationError
from medassist.core.normalize import name_key
from medassist.patients.models import Patient
from medassist.practice.models import Clinic, Location, Payer, Provider, User, VisitType

MAX_MESSAGE = 2000  # characters the assistant works with; longer: asked for a shorter one
MAX_STORED = 4000  # characters of a patient's message kept on the turn
MAX_FAILED_VERIFICATIONS = 5
MISUNDERSTANDINGS_BEFORE_HANDOFF = 2
SLOTS_OFFERED = 3

YES = re.compile(r"^\s*(?:yes|y|yeah|yep|yup|sure|ok|okay|please|please do|send it|send|si|sí|claro|correct|confirm)\b[\s.!]*$", re.I)  # noqa: E501
NO = re.compile(r"^\s*(?:no|n|nope|no thanks|no thank you|don't|do not|keep it|cancel that)\b[\s.!]*$", re.I)  # noqa: E501
BOOK_WORD = re.compile(r"^\s*(?:book|cita|book a visit|book it)\b[\s.!]*$", re.I)
ORDINALS = {
    "first": 1, "1st": 1, "one": 1, "primero": 1, "primera": 1, "uno": 1,
    "second": 2, "2nd": 2, "two": 2, "segundo": 2, "segunda": 2, "dos": 2,
    "third": 3, "3rd": 3, "three": 3, "tercero": 3, "tercera": 3, "tres": 3,
}
SPANISH = re.compile(
    r"\b(?:hola|quiero|necesito|cita|gracias|por favor|puedo|tengo|cuanto|cuál|cual|donde|"
    r"dónde|mañana|manana|usted|médico|medico|doctora|receta|farmacia|resultados|qué|que|"
    r"estoy|está|mi|buenos|buenas|sí)\b",
    re.I,
)
DAYS = {
    "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    "es": ["lun", "mar", "mié", "jue", "vie", "sáb", "dom"],
}
MONTHS = {
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    "es": ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"],
}
ASIDE_CONFIDENCE = 0.6  # a non-question taken as a request, not a name, above this
PERSONAL = frozenset(
    {"book", "reschedule", "cancel", "confirm", "refill", "message_care_team", "billing",
     "results_status"}
)


@dataclass
class Reply:
    text: str
    template: str
    action: str = ""
    handoff: bool = False  # the patient should reach a person (voice: transfer to the desk)
    emergency: bool = False


# --- starting and recording --------------------------------------------------------------


def conversation_start(
    *, clinic: Clinic, channel: str, phone: str = "", patient: Patient | None = None
) -> Conversation:
    """A new conversation; `patient` only when the channel already proved who it is (a signed-in
    portal session)."""
    if channel not in Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    if patient is not None and patient.clinic_id != clinic.pk:
        raise ValueError("the patient belongs to another clinic")
    return Conversation.objects.create(
        clinic=clinic,
        channel=channel,
        phone=phone,
        patient=patient,
        verified_at=timezone.now() if patient is not None else None,
    )


def _record(conversation: Conversation, u: understand.Understanding | None, text: str,
            reply: Reply, now: datetime) -> None:
    Turn.objects.create(
        conversation=conversation,
        at=now,
        speaker=Turn.Speaker.PATIENT,
        text=text[:MAX_STORED],
        intent=u.intent if u else "",
        confidence=round(u.confidence, 4) if u else None,
        entities=understand._jsonable(u.entities) if u else {},
        decision=str(u.decision) if u else "",
        safety=u.as_dict()["safety"] | {"reason": u.reason} if u else {},
    )
    Turn.objects.create(
        conversation=conversation,
        at=now,
        speaker=Turn.Speaker.ASSISTANT,
        text=reply.text,
        action=reply.action,
        template=reply.template,
    )
    conversation.last_turn_at = now
    conversation.save()


# --- the turn -------------------------------------------------------------------------------


def respond(
    *, conversation: Conversation, text: Any, now: datetime | None = None,
    backend=None,
) -> Reply:
    """Answer one patient message (see the module's docstring). Never raises for bad input: a
    message that is not text, empty, or too long gets a clear reply."""
    now = now or timezone.now()
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        raw = text if isinstance(text, str) else ""
        raw = raw.replace("\x00", "")
        if SPANISH.search(raw[:500]) and len(SPANISH.findall(raw[:500])) >= 1:
            if _spanish(raw):
                conversation.language = "es"
        elif re.search(r"[a-z]{3,}", raw[:500], re.I) and not _spanish(raw):
            conversation.language = "en"
        if backend is None:
            from medassist.assistant.backend import configured

            backend = configured()
        engine = _Turn(conversation, now)
        u, reply = engine.run(raw, backend=backend)
        _record(conversation, u, raw or "", reply, now)
        return reply


def _spanish(text: str) -> bool:
    words = re.findall(r"\w+", text.lower())
    if not words:
        return False
    hits = len(SPANISH.findall(text))
    return hits >= 2 or (hits >= 1 and len(words) <= 4)


class _Turn:
    def __init__(self, conversation: Conversation, now: datetime) -> None:
        self.c = conversation
        self.clinic = conversation.clinic
        self.now = now
        self.lang = conversation.language
        self.state: dict = dict(conversation.state or {})

    # replies
    def say(self, key: str, action: str = "", **data) -> Reply:
        data.setdefault("clinic", self.clinic.name)
        data.setdefault("phone", self.clinic.phone or "the clinic")
        from medassist.assistant.templates_text import TEMPLATES, placeholders

        wanted = placeholders(TEMPLATES[key]["en"])
        return Reply(render(key, self.lang, **{k: v for k, v in data.items() if k in wanted}),
                     key, action)

    def save_state(self) -> None:
        self.c.state = self.state

    @property
    def actor(self) -> User:
        from medassist.portal.selectors import portal_user

        return portal_user(self.clinic)

    def run(self, raw: str, *, backend=None) -> tuple[understand.Understanding | None, Reply]:
        if not raw.strip():
            return None, self.say("empty", "refused_empty")
        providers = list(Provider.objects.filter(clinic=self.clinic, active=True))
        local_now = self.now.astimezone(self.clinic.tz)
        backend_result = None
        backend_name = ""
        if backend is not None:
            backend_result = backend.understand(raw[:MAX_MESSAGE])  # None when it failed
            backend_name = getattr(backend, "name", "backend") if backend_result else ""
        u = understand.decide(
            raw, now=local_now, providers=providers, backend_result=backend_result,
            backend_name=backend_name,
        )
        if u.decision == understand.Decision.EMERGENCY:
            reply = self.emergency(raw, u)
            self.save_state()
            return u, reply
        if self.c.status == Conversation.Status.LOCKED:
            return u, self.say("locked", "locked")
        if len(raw) > MAX_MESSAGE:
            return u, self.say("too_long", "refused_too_long")
        reply = self.dispatch(raw, u)
        if self.state.get("clinical_words") and not self.state.get("await"):
            # the question of a mixed message is still waiting for the patient's yes
            self.state["await"] = "send_clinical"
            offer = self.say("clinical")
            reply = Reply(f"{reply.text} {offer.text}", f"{reply.template}+clinical",
                          f"{reply.action}+clinical_offered", reply.handoff)
        self.save_state()
        return u, reply

    # --- emergencies and clinical questions --------------------------------------------------

    def emergency(self, raw: str, u: understand.Understanding) -> Reply:
        self.c.emergency = True
        task_create(
            actor=None,
            clinic=self.clinic,
            kind=Task.Kind.EMERGENCY,
            title=f"Emergency words in a {self.c.get_channel_display().lower()}: "
            f"{u.safety.category.replace('_', ' ') or 'emergency'}",
            words=raw[:MAX_STORED],
            patient=self.c.patient,
            conversation=self.c,
        )
        self.state = {}
        key = "emergency_crisis" if u.safety.crisis else "emergency"
        reply = self.say(key, "emergency_alert")
        reply.emergency = True
        return reply

    def clinical(self, raw: str, u: understand.Understanding) -> Reply:
        words = raw[:MAX_STORED]
        op = u.operational_intent
        if op and op in PERSONAL | {"clinic_info", "human_handoff"}:
            # a mixed message: do the operational part, and hold the question for the team
            self.state["clinical_words"] = words
            done = self.operational(raw, op, u)
            offer = self.say("clinical")
            self.state["await"] = self.state.get("await") or "send_clinical"
            return Reply(f"{done.text} {offer.text}", f"{done.template}+clinical",
                         f"{done.action}+clinical_offered", done.handoff)
        self.state["clinical_words"] = words
        self.state["await"] = "send_clinical"
        return self.say("clinical", "clinical_offered")

    def send_clinical(self) -> Reply:
        words = self.state.pop("clinical_words", "")
        if not words:
            return self.say("anything_else")
        if not self.verified:
            self.state["pending"] = {"intent": "send_clinical", "text": words}
            self.state["clinical_words"] = words
            return self.start_verification()
        task_create(
            actor=self.actor,
            clinic=self.clinic,
            kind=Task.Kind.CARE_TEAM,
            title="Question for the care team",
            words=words,
            patient=self.c.patient,
            conversation=self.c,
        )
        return self.say("clinical_sent", "care_team_question_sent")

    # --- dispatch -------------------------------------------------------------------------

    def dispatch(self, raw: str, u: understand.Understanding) -> Reply:
        waiting = self.state.get("await")
        routed = u.decision == understand.Decision.ROUTE
        rule_clinical = routed and u.safety.category != "classifier"
        if waiting in ("name", "dob"):
            if rule_clinical:
                return self.clinical(raw, u)
            if not self.answers_identity(raw, waiting, u):
                return self.aside(raw, waiting, u)
            return self.verify_step(raw)
        if waiting == "send_clinical":
            self.state.pop("await", None)
            if YES.match(raw):
                return self.send_clinical()
            if NO.match(raw):
                self.state.pop("clinical_words", None)
                return self.say("clinical_declined", "care_team_declined")
            if BOOK_WORD.match(raw):
                return self.personal("book", raw, u)
        if waiting == "slot" and u.decision != understand.Decision.ROUTE:
            picked = self.slot_choice(raw)
            if picked is not None:
                return picked
        if waiting == "cancel_confirm":
            self.state.pop("await", None)
            if YES.match(raw):
                return self.cancel_do()
            if NO.match(raw):
                return self.say("kept", "cancel_declined")
        if waiting == "refill_details" and u.decision != understand.Decision.ROUTE:
            self.state.pop("await", None)
            return self.refill_take(raw, u, details=True)
        if waiting == "message_text" and u.decision != understand.Decision.ROUTE:
            self.state.pop("await", None)
            return self.message_take(raw)
        if u.decision == understand.Decision.ROUTE:
            return self.clinical(raw, u)
        return self.operational(raw, u.intent, u)

    def operational(self, raw: str, intent: str, u: understand.Understanding) -> Reply:
        if intent == "human_handoff":
            return self.handoff(raw, "Patient asked for a person")
        if intent == "clinic_info":
            self.c.misunderstandings = 0
            return self.clinic_info(raw)
        if intent in PERSONAL:
            self.c.misunderstandings = 0
            return self.personal(intent, raw, u)
        # greeting_other
        norm = understand.safety.normalize(raw)
        if re.search(r"\b(?:thanks?|thank you|gracias|bye|adios|great|perfect|ok|okay|cool)\b",
                     norm):
            return self.say("thanks", "small_talk")
        if understand.SMALL_TALK.search(norm) or re.search(r"\b(?:hi|hello|hey|hola|buen\w*)\b",
                                                           norm):
            return self.say("greeting", "greeting")
        self.c.misunderstandings += 1
        if self.c.misunderstandings >= MISUNDERSTANDINGS_BEFORE_HANDOFF:
            self.c.misunderstandings = 0
            return self.handoff(raw, "The assistant did not understand twice")
        return self.say("not_understood", "not_understood")

    def handoff(self, raw: str, title: str) -> Reply:
        self.c.status = Conversation.Status.HANDOFF
        task_create(
            actor=None, clinic=self.clinic, kind=Task.Kind.HANDOFF, title=title,
            words=raw[:MAX_STORED], patient=self.c.patient, conversation=self.c,
        )
        reply = self.say("handoff", "handed_to_staff")
        reply.handoff = True
        return reply

    # --- identity -------------------------------------------------------------------------

    @property
    def verified(self) -> bool:
        return self.c.patient_id is not None and self.c.verified_at is not None

    def start_verification(self) -> Reply:
        self.state["await"] = "name"
        return self.say("ask_name", "verification_asked")

    def personal(self, intent: str, raw: str, u: understand.Understanding) -> Reply:
        if not self.verified:
            self.state["pending"] = {
                "intent": intent,
                "text": raw[:MAX_MESSAGE],
                "entities": understand._jsonable(u.entities),
            }
            return self.start_verification()
        return self.do(intent, raw, u.entities)

    def answers_identity(self, raw: str, waiting: str, u: understand.Understanding) -> bool:
        """Whether a message sent while we wait for a name or a date of birth is one (and
        counts as an attempt): a question, or a request the understanding is sure of, is not."""
        if waiting == "dob" and _parse_dob(raw, self.lang) is not None:
            return True
        if u.intent not in ("clinic_info", "human_handoff", *PERSONAL):
            return True
        if "?" in raw or "¿" in raw:
            return False
        if waiting == "name":
            return _name_like(raw)
        return u.confidence < ASIDE_CONFIDENCE

    def aside(self, raw: str, waiting: str, u: understand.Understanding) -> Reply:
        """A question or a new request in the middle of the identity check: clinic facts are
        answered (they need no identity), a person is reached, a new request replaces the
        waiting one; then the check goes on where it was."""
        if u.intent == "human_handoff":
            return self.handoff(raw, "Patient asked for a person")
        if u.intent in PERSONAL:
            return self.personal(u.intent, raw, u)  # asks for the name again, for this request
        answer = self.clinic_info(raw)
        again = self.say("ask_name" if waiting == "name" else "ask_dob")
        return Reply(f"{answer.text} {again.text}", f"{answer.template}+{again.template}",
                     f"{answer.action}+verification_resumed")

    def verify_step(self, raw: str) -> Reply:
        if self.state.get("await") == "name":
            first, last = _split_name(raw)
            if not first:
                return self.fail_verification()
            self.state["verify"] = {"first": first, "last": last}
            self.state["await"] = "dob"
            return self.say("ask_dob", "verification_name_taken")
        born = _parse_dob(raw, self.lang)
        if born is None:
            return self.say("dob_unclear", "verification_dob_unclear")
        names = self.state.pop("verify", {}) or {}
        patient = self.match(names.get("first", ""), names.get("last", ""), born)
        if patient is None:
            return self.fail_verification()
        self.c.patient = patient
        self.c.verified_at = self.now
        self.c.failed_verifications = 0
        self.state.pop("await", None)
        audit_record(
            actor=None, action=AuditEvent.Action.READ, obj=self.c, patient=patient,
            clinic=self.clinic, detail={"verified": self.c.channel},
        )
        hello = self.say("verified", "verified", first_name=patient.preferred_name or
                         patient.first_name)
        pending = self.state.pop("pending", None)
        if not pending:
            return hello
        if pending["intent"] == "send_clinical":
            nxt = self.send_clinical()
        else:
            entities = _entities_back(pending.get("entities") or {})
            nxt = self.do(pending["intent"], pending["text"], entities)
        if self.state.get("clinical_words") and self.state.get("await") is None:
            self.state["await"] = "send_clinical"
        return Reply(f"{hello.text} {nxt.text}", f"verified+{nxt.template}",
                     f"verified+{nxt.action}", nxt.handoff)

    def match(self, first: str, last: str, born: date) -> Patient | None:
        found = list(
            Patient.objects.filter(
                clinic=self.clinic,
                active=True,
                first_name_key=name_key(first),
                last_name_key=name_key(last),
                date_of_birth=born,
            )[:2]
        )
        if len(found) != 1:
            return None
        patient = found[0]
        by_phone = self.c.channel in (Channel.SMS, Channel.VOICE)
        if by_phone and (
            not self.c.phone or self.c.phone not in (patient.phone_mobile, patient.phone_home)
        ):
            return None
        return patient

    def fail_verification(self) -> Reply:
        self.c.failed_verifications += 1
        self.state.pop("verify", None)
        if self.c.failed_verifications >= MAX_FAILED_VERIFICATIONS:
            self.c.status = Conversation.Status.LOCKED
            self.state = {}
            task_create(
                actor=None, clinic=self.clinic, kind=Task.Kind.LOCKED,
                title=f"{MAX_FAILED_VERIFICATIONS} failed identity checks "
                f"({self.c.get_channel_display().lower()}{', ' + self.c.phone if self.c.phone else ''})",  # noqa: E501
                conversation=self.c,
            )
            return self.say("locked", "verification_locked")
        self.state["await"] = "name"
        return self.say("verify_failed", "verification_failed")

    # --- the requests -----------------------------------------------------------------------

    def do(self, intent: str, raw: str, entities: dict) -> Reply:
        if intent == "book":
            return self.offer_slots(entities, mode="book", raw=raw)
        if intent == "reschedule":
            visit = self.next_visit()
            if visit is None:
                return self.say("no_visit", "no_visit")
            self.state["appointment"] = visit.pk
            return self.offer_slots(entities, mode="reschedule", visit_type=visit.visit_type)
        if intent == "cancel":
            visit = self.next_visit()
            if visit is None:
                return self.say("no_visit", "no_visit")
            self.state["appointment"] = visit.pk
            self.state["await"] = "cancel_confirm"
            return self.say("cancel_ask", "cancel_asked", when=self.when(visit.start),
                            provider=visit.provider.display_name)
        if intent == "confirm":
            visit = self.next_visit()
            if visit is None:
                return self.say("no_visit", "no_visit")
            return self.say("next_visit", "next_visit_told", **self.visit_facts(visit))
        if intent == "refill":
            return self.refill_take(raw, None, entities=entities)
        if intent == "message_care_team":
            if len(re.findall(r"\w+", raw)) <= 9 and ":" not in raw:
                self.state["await"] = "message_text"
                return self.say("message_ask", "message_asked")
            return self.message_take(raw)
        if intent == "billing":
            return self.balance(raw)
        if intent == "results_status":
            return self.results(raw)
        return self.say("not_understood", "not_understood")

    def balance(self, raw: str) -> Reply:
        from medassist.billing.selectors import patient_balance

        amount = patient_balance(patient=self.c.patient)
        if re.search(r"\b(?:balance|owe|debo|saldo|how much)\b", raw.lower()):
            if amount > 0:
                return self.say("balance", "balance_told", amount=f"${amount:,.2f}")
            return self.say("balance_none", "balance_told")
        self.task(Task.Kind.BILLING, "Bill question", raw)
        return self.say("balance_callback", "billing_callback_asked")

    def results(self, raw: str) -> Reply:
        """Whether results are in — never what they mean."""
        from medassist.orders.models import Order

        orders = Order.objects.filter(patient=self.c.patient).exclude(
            status=Order.Status.CANCELLED
        )
        done = orders.filter(status__in=[Order.Status.REVIEWED, Order.Status.TOLD]).exists()
        waiting_review = orders.filter(status=Order.Status.RESULTED).exists()
        pending = orders.filter(
            status__in=[Order.Status.ORDERED, Order.Status.COLLECTED, Order.Status.SCHEDULED,
                        Order.Status.SENT]
        ).exists()
        if waiting_review or done:
            self.task(Task.Kind.RESULTS, "Asks about results that are in", raw)
            key = "results_reviewed" if done and not waiting_review else "results_in"
            return self.say(key, "results_status_told")
        if pending:
            return self.say("results_pending", "results_status_told")
        self.task(Task.Kind.RESULTS, "Asks whether results are ready", raw)
        return self.say("results_callback", "results_callback_asked")

    def task(self, kind: str, title: str, words: str, **extra) -> Task:
        return task_create(
            actor=self.actor, clinic=self.clinic, kind=kind, title=title, words=words[:MAX_STORED],
            patient=self.c.patient, conversation=self.c, **extra,
        )

    def refill_take(self, raw: str, u, *, details: bool = False, entities=None) -> Reply:
        entities = entities if entities is not None else (u.entities if u else {})
        meds = entities.get("medications") or []
        medication = ", ".join(meds) if meds else ""
        if not medication and details:
            medication = raw.strip()[:200]
        if not medication:
            self.state["await"] = "refill_details"
            return self.say("refill_which", "refill_details_asked")
        pharmacy = entities.get("pharmacy") or ""
        from medassist.pharmacy.services import refill_request_create

        try:
            # the clinic's one refill queue (pharmacy), checked against its protocol there
            refill_request_create(
                actor=self.actor, patient=self.c.patient, medication_text=medication,
                pharmacy_text=pharmacy, source="assistant",
                note=f"From the assistant ({self.c.get_channel_display()}): {raw[:400]}",
            )
        except ApplicationError:
            self.task(Task.Kind.REFILL, f"Refill request: {medication}"[:200], raw,
                      medication_text=medication, pharmacy_text=pharmacy)
        shown = pharmacy or ("la farmacia registrada" if self.lang == "es" else "pharmacy on file")
        return self.say("refill_taken", "refill_requested", medication=medication, pharmacy=shown)

    def message_take(self, raw: str) -> Reply:
        self.task(Task.Kind.CARE_TEAM, "Message for the care team", raw)
        return self.say("message_taken", "care_team_message_taken")

    # --- visits ---------------------------------------------------------------------------

    def next_visit(self):
        from medassist.portal.selectors import upcoming_visits

        visits = upcoming_visits(self.c.patient)
        return next((v for v in visits if v.start > self.now), None)

    def when(self, start: datetime) -> str:
        local = start.astimezone(self.clinic.tz)
        day = DAYS[self.lang][local.weekday()]
        month = MONTHS[self.lang][local.month - 1]
        if self.lang == "es":
            return f"{day} {local.day} {month} {local:%H:%M}"
        hour = local.strftime("%I:%M %p").lstrip("0")
        return f"{day} {month} {local.day} at {hour}"

    def visit_facts(self, visit) -> dict:
        return {
            "when": self.when(visit.start),
            "provider": visit.provider.display_name,
            "location": visit.location.name if visit.location_id else self.clinic.name,
        }

    def visit_type_for(self, raw: str) -> VisitType | None:
        from medassist.portal.selectors import settings_for

        settings = settings_for(self.clinic)
        if not settings.enabled or settings.pk is None:
            return None
        allowed = list(settings.visit_types.filter(active=True).order_by("name"))
        if not allowed:
            return None
        words = set(re.findall(r"[a-z]{4,}", raw.lower()))
        for vt in allowed:
            if words & set(re.findall(r"[a-z]{4,}", vt.name.lower())):
                return vt
        return allowed[0]

    def offer_slots(self, entities: dict, *, mode: str, visit_type=None,
                    after: datetime | None = None, raw: str = "") -> Reply:
        from medassist.availability.selectors import first_available
        from medassist.portal.selectors import booking_window, settings_for

        visit_type = visit_type or self.visit_type_for(raw)
        settings = settings_for(self.clinic)
        if visit_type is None or not settings.enabled:
            self.task(Task.Kind.HANDOFF, "Wants a visit the assistant cannot book", raw or mode)
            return self.say("cannot_book_online", "booking_handed_to_staff")
        start_day, end_day = booking_window(self.clinic, settings)
        wanted = entities.get("date")
        if isinstance(wanted, date):
            if wanted > end_day:
                return self.say("no_slots", "no_slots")
            start_day = max(start_day, wanted)
            if not entities.get("date_is_start"):
                end_day = start_day
        if after is not None:
            start_day = max(start_day, after.astimezone(self.clinic.tz).date())
        window = None
        if entities.get("after") or entities.get("before") or entities.get("at"):
            at = entities.get("at")
            lo = entities.get("after") or (at if at else time(0, 0))
            hi = entities.get("before") or (
                (datetime.combine(date.today(), at) + timedelta(minutes=59)).time()
                if at else time(23, 59)
            )
            if hi > lo:
                window = (lo, hi)
        provider = None
        if entities.get("provider_id"):
            provider = Provider.objects.filter(
                pk=entities["provider_id"], clinic=self.clinic, active=True
            ).first()
        try:
            slots = first_available(
                user=self.actor, visit_type=visit_type, provider=provider, date_from=start_day,
                date_to=end_day, time_of_day=window, patient=self.c.patient, limit=12,
                now=self.now,
            )
        except ApplicationError:
            slots = []
        if after is not None:
            slots = [s for s in slots if s.start > after]
        slots = slots[:SLOTS_OFFERED]
        if not slots:
            self.state.pop("await", None)
            return self.say("no_slots", "no_slots")
        self.state["await"] = "slot"
        self.state["mode"] = mode
        self.state["visit_type"] = visit_type.pk
        self.state["entities"] = understand._jsonable(entities)
        self.state["slots"] = [
            {"provider": s.provider.pk, "location": s.location.pk, "start": s.start.isoformat()}
            for s in slots
        ]
        options = "; ".join(
            f"{i}) {self.when(s.start)}, {s.provider.display_name}, {s.location.name}"
            for i, s in enumerate(slots, 1)
        )
        return self.say("slots", "slots_offered", options=options)

    def slot_choice(self, raw: str) -> Reply | None:
        slots = self.state.get("slots") or []
        norm = raw.strip().lower().rstrip(".!")
        if NO.match(raw) and slots:
            last = datetime.fromisoformat(slots[-1]["start"])
            vt = VisitType.objects.filter(pk=self.state.get("visit_type") or 0).first()
            entities = _entities_back(self.state.get("entities") or {})
            return self.offer_slots(entities, mode=self.state.get("mode", "book"),
                                    visit_type=vt, after=last)
        m = re.match(r"^(?:#|option |number |la |el |opcion |the )?(\d)(?:st|nd|rd|th)?\b", norm)
        choice = int(m.group(1)) if m else None
        if choice is None:
            for word, n in ORDINALS.items():
                if re.search(rf"\b{word}\b", norm):
                    choice = n
                    break
        if choice is None:
            return None
        if not 1 <= choice <= len(slots):
            return self.say("pick_slot", "slot_choice_unclear",
                            numbers=", ".join(str(i) for i in range(1, len(slots) + 1)))
        picked = slots[choice - 1]
        self.state.pop("await", None)
        self.state.pop("slots", None)
        return self.book_slot(picked)

    def book_slot(self, picked: dict) -> Reply:
        from medassist.booking.services import appointment_book, appointment_reschedule
        from medassist.scheduling.models import Appointment

        provider = Provider.objects.get(pk=picked["provider"], clinic=self.clinic)
        location = Location.objects.get(pk=picked["location"], clinic=self.clinic)
        start = datetime.fromisoformat(picked["start"])
        vt = VisitType.objects.get(pk=self.state.get("visit_type") or 0, clinic=self.clinic)
        mode = self.state.pop("mode", "book")
        patient = self.c.patient
        if patient is None:
            return self.start_verification()
        try:
            with transaction.atomic():
                if mode == "reschedule":
                    appt = Appointment.objects.get(
                        pk=self.state.pop("appointment", None), patient=self.c.patient
                    )
                    appt = appointment_reschedule(
                        actor=self.actor, appointment=appt, start=start, provider=provider,
                        location=location, reason="Patient moved it through the assistant",
                    )
                    key, action = "moved", "appointment_rescheduled"
                else:
                    appt = appointment_book(
                        actor=self.actor, patient=patient, visit_type=vt,
                        provider=provider, start=start, location=location, booked_online=True,
                        note="Booked through the assistant",
                    )
                    key, action = "booked", "appointment_booked"
        except (ApplicationError, Appointment.DoesNotExist):
            return self.say("slot_gone", "slot_taken")
        return self.say(key, action, **self.visit_facts(appt))

    def cancel_do(self) -> Reply:
        from medassist.booking.services import appointment_cancel
        from medassist.scheduling.models import Appointment

        appt = Appointment.objects.filter(
            pk=self.state.pop("appointment", None), patient=self.c.patient
        ).first()
        if appt is None:
            return self.say("no_visit", "no_visit")
        when = self.when(appt.start)
        try:
            appointment_cancel(
                actor=self.actor, appointment=appt,
                reason=f"Patient cancelled through the assistant ({self.c.get_channel_display()})",
            )
        except ApplicationError:
            return self.handoff("cancel", "The assistant could not cancel a visit")
        return self.say("cancelled", "appointment_cancelled", when=when)

    # --- clinic information ------------------------------------------------------------------

    def clinic_info(self, raw: str) -> Reply:
        norm = understand.safety.normalize(raw)
        info = ClinicInfo.objects.filter(clinic=self.clinic).first()
        topics = []
        for topic, rx in INFO_TOPICS:
            if rx.search(norm):
                topics.append(topic)
        if not topics:
            topics = ["hours", "locations"]
        parts = []
        for topic in dict.fromkeys(topics):
            value = self.info_value(topic, info)
            if value:
                parts.append(f"{INFO_LABELS[topic][self.lang]}: {value}")
        if not parts:
            return self.say("info_missing", "info_missing")
        return self.say("info", "clinic_info_given", info=" ".join(parts))

    def info_value(self, topic: str, info: ClinicInfo | None) -> str:
        if topic == "locations":
            rows = Location.objects.filter(clinic=self.clinic, active=True).order_by("name")
            return "; ".join(
                ", ".join(x for x in (loc.name, loc.address_line1, loc.city, loc.state) if x)
                for loc in rows
            )
        if topic == "phone":
            return self.clinic.phone
        if topic == "insurance":
            text = self.info_text(info, "insurance")
            if not text:
                names = Payer.objects.filter(clinic=self.clinic, active=True).order_by("name")
                text = ", ".join(p.name for p in names[:30])
            return text
        return self.info_text(info, topic)

    def info_text(self, info: ClinicInfo | None, topic: str) -> str:
        """The clinic's own words on a topic, in Spanish when the conversation is in Spanish
        and the clinic wrote them (else its English text)."""
        if info is None:
            return ""
        spanish = str(getattr(info, f"{topic}_es", "") or "")
        if self.lang == "es" and spanish:
            return spanish
        return str(getattr(info, topic, "") or "")


INFO_TOPICS = [
    ("hours", re.compile(r"\b(?:hours?|open|opening|close|closed|closing|holiday\w*|weekend|"
                         r"saturday|sunday|horario|abren|cierran|abierto)\b")),
    ("parking", re.compile(r"\b(?:park|parking|estacionamiento|garage)\b")),
    ("insurance", re.compile(r"\b(?:insurance\w*|accept|take|medicare|medicaid|plan|plans|"
                             r"seguro|aceptan|cigna|aetna|humana|blue|united|kaiser|tricare)\b")),
    ("what_to_bring", re.compile(r"\b(?:bring|traer|llevar|need to have)\b")),
    ("preparation", re.compile(r"\b(?:prep\w*|fast|fasting|before my|ayuno|instructions)\b")),
    ("locations", re.compile(r"\b(?:where|address|located|location\w*|donde|queda|direccion|"
                             r"ubicad\w+)\b")),
    ("directions", re.compile(r"\b(?:directions|bus|get there|get to|como llego|llegar)\b")),
    ("phone", re.compile(r"\b(?:phone|number|fax|call you|telefono)\b")),
]


NAME_PREFIX = re.compile(
    r"^\s*(?:my name is|name is|i am|i'm|im|this is|it's|its|me llamo|mi nombre es|soy)\s+", re.I
)
# Words of a sentence, not of a name: "I want to cancel instead" is a request.
NOT_NAME_WORDS = frozenset(re.findall(r"\S+", (
    "i you we my your me want need would like to the a an and or can could please do does "
    "what where when how why is are am appointment visit cancel reschedule refill "
    "hours parking insurance instead actually quiero necesito cita para mi "
    "una un por favor cuando donde como"
)))


def _name_like(raw: str) -> bool:
    words = re.findall(r"[^\W\d_]+", NAME_PREFIX.sub("", raw.strip()).lower())
    return bool(_split_name(raw)[0]) and not NOT_NAME_WORDS.intersection(words)


def _split_name(raw: str) -> tuple[str, str]:
    text = NAME_PREFIX.sub("", raw.strip())
    words = re.findall(r"[^\W\d_][^\W\d_'.-]*(?:['.-][^\W\d_]+)*", text)
    if len(words) < 2 or len(words) > 6:
        return "", ""
    return words[0], words[-1]


def _parse_dob(raw: str, lang: str) -> date | None:
    import dateparser

    text = raw.strip()
    if not re.search(r"\d", text):
        return None
    m = re.search(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", text)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    parsed = dateparser.parse(
        text,
        languages=["es", "en"] if lang == "es" else ["en", "es"],
        settings={"DATE_ORDER": "DMY" if lang == "es" else "MDY",
                  "PREFER_DATES_FROM": "past", "STRICT_PARSING": True},
    )
    if parsed is None:
        return None
    born = parsed.date()
    if born > date.today() or born.year < 1900:
        return None
    return born


def _entities_back(data: dict) -> dict:
    """Entities kept in the conversation's state (JSON) back to dates and times."""
    out = dict(data)
    if isinstance(out.get("date"), str):
        try:
            out["date"] = date.fromisoformat(out["date"])
        except ValueError:
            out.pop("date")
    for key in ("after", "before", "at"):
        if isinstance(out.get(key), str):
            try:
                out[key] = time.fromisoformat(out[key])
            except ValueError:
                out.pop(key)
    return out
