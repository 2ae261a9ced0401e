"""The patient's own questionnaire pages: from a signed link, the portal (its link or its
sign-in session) and the clinic tablet (kiosk). One page per questionnaire page; each page is
saved on its own (a page sent twice writes once) so a half-finished form resumes where it
stopped. Nothing here tells the patient what the answers mean: no scores, no flags. An answer
that signals an emergency shows the emergency message."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from medassist.core.errors import ApplicationError, NotFound
from medassist.core.extensions import prep_extras
from medassist.core.web import clinic_zone
from medassist.intake import engine, links
from medassist.intake.models import Questionnaire, QuestionnaireResponse
from medassist.intake.selectors import (
    active_questionnaire,
    due_questionnaires,
    patient_responses,
    prep_for_visit,
)
from medassist.intake.services import response_complete, response_save_page, response_start
from medassist.intake.services.questionnaires import AnswersInvalid, next_page
from medassist.patients.models import Patient
from medassist.scheduling.models import Appointment

EMERGENCY_MESSAGE = (
    "If you have chest pain right now, or are thinking about harming yourself, call 911 now. "
    "You can also call or text 988 (Suicide & Crisis Lifeline) at any time. If you are in the "
    "clinic, tell a member of staff right away. The clinic's staff have been alerted."
)
FOOTER = "For medical questions call the clinic. In an emergency call 911."


@dataclass
class Pass:
    """Who is answering, proven by the channel: a signed link, a portal session, the tablet."""

    patient: Patient
    appointment: Appointment | None
    channel: str
    home: str  # the list of this patient's forms
    form_name: str  # url name of one form, takes (*args, qid)
    args: tuple = ()

    def form_url(self, questionnaire: Questionnaire) -> str:
        return reverse(self.form_name, args=[*self.args, questionnaire.public_id])


def _page(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    context.setdefault("footer", FOOTER)
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    return response


def _invalid(request, message: str, status: int = 404) -> HttpResponse:
    return _page(request, "intake/fill.html", {"invalid": message}, status=status)


# ------------------------------------------------------------------------------ channels


def link_pass(token: str) -> Pass:
    appt = links.appointment_from_token(token)
    return Pass(
        patient=appt.patient,
        appointment=appt,
        channel=QuestionnaireResponse.Channel.LINK,
        home=reverse("intake:fill", args=[token]),
        form_name="intake:fill_form",
        args=(token,),
    )


def portal_pass(request: HttpRequest, token: str | None) -> Pass:
    from medassist.portal.selectors import patient_from_link, upcoming_visits
    from medassist.portal.signin import SESSION_COOKIE, SessionEnded, patient_from_session

    args: tuple = ()
    if token:
        patient = patient_from_link(token)
        home, form_name, args = (
            reverse("intake:portal_link_forms", args=[token]),
            "intake:portal_link_form",
            (token,),
        )
    else:
        try:
            patient = patient_from_session(request.COOKIES.get(SESSION_COOKIE))
        except SessionEnded as exc:
            raise NotFound(exc.message) from None
        home, form_name, args = reverse("intake:portal_forms"), "intake:portal_form", ()
    upcoming = list(upcoming_visits(patient))
    return Pass(
        patient=patient,
        appointment=upcoming[0] if upcoming else None,
        channel=QuestionnaireResponse.Channel.PORTAL,
        home=home,
        form_name=form_name,
        args=args,
    )


@require_http_methods(["GET"])
def fill(request: HttpRequest, token: str) -> HttpResponse:
    try:
        who = link_pass(token)
    except NotFound as exc:
        return _invalid(request, exc.message)
    return forms_home(request, who)


@require_http_methods(["GET", "POST"])
def fill_form(request: HttpRequest, token: str, qid) -> HttpResponse:
    try:
        who = link_pass(token)
    except NotFound as exc:
        return _invalid(request, exc.message)
    return form_page(request, who, qid)


@require_http_methods(["GET"])
def portal_forms(request: HttpRequest, token: str | None = None) -> HttpResponse:
    try:
        who = portal_pass(request, token)
    except NotFound as exc:
        return _invalid(request, exc.message)
    return forms_home(request, who)


@require_http_methods(["GET", "POST"])
def portal_form(request: HttpRequest, qid, token: str | None = None) -> HttpResponse:
    try:
        who = portal_pass(request, token)
    except NotFound as exc:
        return _invalid(request, exc.message)
    return form_page(request, who, qid)


# ------------------------------------------------------------------------------ the pages


def forms_home(request: HttpRequest, who: Pass, extra: dict | None = None) -> HttpResponse:
    """The patient's forms for this visit: to do, started, done (never a score)."""
    clinic = who.patient.clinic
    clinic_zone(clinic)
    due = due_questionnaires(patient=who.patient, appointment=who.appointment)
    mine = list(patient_responses(patient=who.patient, appointment=who.appointment))
    open_ids = {
        r.questionnaire_id for r in mine if r.status == QuestionnaireResponse.Status.IN_PROGRESS
    }
    done = [r for r in mine if r.status == QuestionnaireResponse.Status.COMPLETED]
    rows = [{"q": q, "url": who.form_url(q), "started": q.pk in open_ids} for q in due]
    context = {
        "clinic": clinic,
        "clinic_tz": clinic.tz,
        "patient": who.patient,
        "appointment": who.appointment,
        "rows": rows,
        "done": done,
        "who": who,
        "flash": request.GET.get("sent") == "1",
        "prep": _prep(who.appointment),
        **(extra or {}),
    }
    return _page(request, "intake/fill.html", context)


def _values_from_post(request: HttpRequest, page: engine.Page) -> dict:
    raw: dict = {}
    for item in page.items:
        if item.get("type") not in engine.ANSWER_TYPES:
            continue
        name = f"a:{item['linkId']}"
        raw[item["linkId"]] = (
            request.POST.getlist(name) if item.get("repeats") else request.POST.get(name, "")
        )
    return raw


def _fields(page: engine.Page, items: list[dict], answers: dict, shown: dict, errors: dict):
    """What the template draws for each item of the page: the widget, the current value,
    the message, and (for a question that depends on another on the same page) the condition
    the page's script uses to show it."""
    on_page = {i["linkId"] for i in page.items}
    on = engine.enabled(items, {k: v for k, v in answers.items() if k not in on_page})
    out = []
    for item in page.items:
        link = item["linkId"]
        conds = item.get("enableWhen") or []
        local = [c for c in conds if c["question"] in on_page]
        if not local and link not in on and item.get("type") != "display":
            continue
        value = shown.get(link, answers.get(link))
        when = None
        if local and len(conds) == 1 and conds[0]["operator"] in ("=", "exists"):
            c = conds[0]
            key = next(k for k in c if k.startswith("answer"))
            v = c[key]
            if c["operator"] == "exists":
                when = {"q": c["question"], "v": "*"}
            elif isinstance(v, bool):
                when = {"q": c["question"], "v": "true" if v else "false"}
            elif isinstance(v, dict):
                when = {"q": c["question"], "v": str(v.get("code"))}
            else:
                when = {"q": c["question"], "v": str(v)}
        if isinstance(value, bool):
            value = "true" if value else "false"
        out.append(
            {
                "item": item,
                "link": link,
                "name": f"a:{link}",
                "type": item.get("type"),
                "value": value if value is not None else "",
                "values": value if isinstance(value, list) else [value],
                "options": [
                    (
                        str(o["valueCoding"]["code"]),
                        o["valueCoding"].get("display") or o["valueCoding"]["code"],
                    )
                    for o in item.get("answerOption") or []
                ],
                "min": engine.ext(item, engine.MIN_VALUE),
                "max": engine.ext(item, engine.MAX_VALUE),
                "long": item.get("type") == "string"
                and item.get("maxLength", engine.STRING_MAX) > 300,
                "error": errors.get(link, [""])[0] if errors.get(link) else "",
                "when": when,
            }
        )
    return out


def form_page(request: HttpRequest, who: Pass, qid) -> HttpResponse:
    clinic = who.patient.clinic
    clinic_zone(clinic)
    try:
        questionnaire = active_questionnaire(clinic=clinic, id=qid)
    except NotFound as exc:
        return _invalid(request, exc.message)
    items = questionnaire.items
    all_pages = engine.pages(items)
    existing = (
        patient_responses(patient=who.patient, appointment=who.appointment)
        .filter(questionnaire=questionnaire, status=QuestionnaireResponse.Status.IN_PROGRESS)
        .first()
    )
    answers = existing.answers if existing else {}
    errors: dict = {}
    shown: dict = {}
    status = 200
    asked = request.POST.get("page") or request.GET.get("page") or ""
    if request.method == "POST":
        try:
            response = response_start(
                actor=None,
                patient=who.patient,
                questionnaire=questionnaire,
                channel=who.channel,
                appointment=who.appointment,
            )
            if request.POST.get("action") == "send":
                response_complete(actor=None, response=response)
                return redirect(f"{who.home}?sent=1")
            page = next((p for p in all_pages if p.key == asked), None)
            if page is None:
                raise NotFound("This form has no such page.")
            saved = response_save_page(
                actor=None,
                response=response,
                page=page.key,
                answers=_values_from_post(request, page),
                token=request.POST.get("token", ""),
            )
        except AnswersInvalid as exc:
            errors = exc.errors
            page = next((p for p in all_pages if p.key == asked), None)
            if page is None:
                # the send step found questions left: go to the first page holding one
                page = next(
                    (p for p in all_pages if any(i["linkId"] in errors for i in p.items)),
                    all_pages[0],
                )
                answers = response.answers
            else:
                shown = _values_from_post(request, page)
            return _form(request, who, questionnaire, page, answers, shown, errors, False, 422)
        except ApplicationError as exc:
            return _invalid(request, exc.message, status=exc.status)
        emergency = bool(saved.emergency)
        answers = saved.response.answers
        following = next_page(saved.response)
        if emergency:
            context = {
                "clinic": clinic,
                "emergency": EMERGENCY_MESSAGE,
                "next_url": f"{who.form_url(questionnaire)}?page={following.key}"
                if following
                else who.form_url(questionnaire),
                "who": who,
            }
            return _page(request, "intake/fill.html", context)
        target = following.key if following else "review"
        return redirect(f"{who.form_url(questionnaire)}?page={target}")
    response_obj = existing
    if asked == "review" or (
        response_obj is not None and asked == "" and next_page(response_obj) is None
    ):
        return _review(request, who, questionnaire, answers)
    page = next((p for p in all_pages if p.key == asked), None)
    if page is None:
        page = next_page(response_obj) if response_obj else all_pages[0]
        if page is None:
            return _review(request, who, questionnaire, answers)
    return _form(request, who, questionnaire, page, answers, shown, errors, False, status)


def _form(request, who, questionnaire, page, answers, shown, errors, emergency, status):
    items = questionnaire.items
    pages = engine.pages(items)
    context = {
        "clinic": who.patient.clinic,
        "who": who,
        "questionnaire": questionnaire,
        "page": page,
        "step": next((n for n, p in enumerate(pages, 1) if p.key == page.key), 1),
        "steps": len(pages),
        "fields": _fields(page, items, answers, shown, errors),
        "errors": errors,
        "token": uuid.uuid4(),
        "form_url": who.form_url(questionnaire),
        "draft_key": f"intake:{questionnaire.public_id}:{who.patient.public_id}:{page.key}",
    }
    return _page(request, "intake/fill.html", context, status=status)


def _review(request, who, questionnaire, answers):
    items = questionnaire.items
    on = engine.enabled(items, answers)
    rows = []
    for page in engine.pages(items):
        for item in page.items:
            if item.get("type") not in engine.ANSWER_TYPES or item["linkId"] not in on:
                continue
            rows.append(
                {
                    "text": item.get("text", ""),
                    "answer": display_answer(item, answers.get(item["linkId"])),
                    "page": page.key,
                }
            )
    context = {
        "clinic": who.patient.clinic,
        "who": who,
        "questionnaire": questionnaire,
        "review": rows,
        "form_url": who.form_url(questionnaire),
    }
    return _page(request, "intake/fill.html", context)


def display_answer(item: dict, value) -> str:
    if value in (None, []):
        return "—"
    if item["type"] == "choice":
        codes = value if isinstance(value, list) else [value]
        return ", ".join(engine.option_display(item, c) for c in codes)
    if item["type"] == "boolean":
        return "Yes" if value else "No"
    return str(value)


# What proves who may open these (tests/core/test_url_protection.py): no staff role, the
# patient's own proof, checked in each view before anything is read.
fill.permission = "signed link (the visit's fill token)"  # type: ignore[attr-defined]
fill_form.permission = "signed link (the visit's fill token)"  # type: ignore[attr-defined]
portal_forms.permission = "portal link or patient session cookie"  # type: ignore[attr-defined]
portal_form.permission = "portal link or patient session cookie"  # type: ignore[attr-defined]


def _prep(appointment) -> list:
    """The visit type's instructions, then those other apps add (tests waiting for
    collection, from orders), each once."""
    if appointment is None:
        return []
    rows = prep_for_visit(appointment)
    seen = {p.pk for p in rows}
    for p in prep_extras(appointment):
        if getattr(p, "pk", None) not in seen:
            rows.append(p)
            seen.add(getattr(p, "pk", None))
    return rows
