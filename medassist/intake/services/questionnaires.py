"""Questionnaires (the clinic's, as data) and patients' responses: start or resume, save one page
(a page sent twice writes once), complete (validated, scored), alerts for emergency answers.

Patients answer without a staff account (signed link, portal, clinic tablet): those calls pass
`actor=None` and the view has already proved who the patient is; staff calls pass their user
and need `questionnaire.answer`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.clock import clinic_today
from medassist.core.errors import Conflict, ValidationFailed
from medassist.intake import engine, instruments, starter
from medassist.intake.errors import Code
from medassist.intake.models import IntakeAlert, Questionnaire, QuestionnaireResponse, ResponseSave
from medassist.patients.models import Patient
from medassist.practice.models import Clinic, User
from medassist.practice.roles import require, staff_clinic
from medassist.scheduling.models import Appointment

Status = QuestionnaireResponse.Status
Channel = QuestionnaireResponse.Channel
PATIENT_CHANNELS = (Channel.LINK, Channel.PORTAL, Channel.KIOSK)


class AnswersInvalid(ValidationFailed):
    code: str = Code.ANSWERS_INVALID


class QuestionnaireLocked(Conflict):
    code: str = Code.QUESTIONNAIRE_LOCKED


class ResponseClosed(Conflict):
    code: str = Code.RESPONSE_CLOSED


class DefinitionInvalid(ValidationFailed):
    code: str = Code.QUESTIONNAIRE_INVALID


# ------------------------------------------------------------------------ the clinic's set


def questionnaire_seed(*, clinic: Clinic) -> list[Questionnaire]:
    """Give a clinic the standard instruments and the starter visit intake (idempotent: a
    clinic's existing ones, edited or retired, are left as they are)."""
    made = []
    have = set(Questionnaire.objects.filter(clinic=clinic).values_list("name", flat=True))
    for inst in instruments.INSTRUMENTS.values():
        if inst.key not in have:
            made.append(
                Questionnaire(
                    clinic=clinic,
                    name=inst.key,
                    title=inst.title,
                    description=inst.description,
                    instrument=inst.key,
                    code=inst.code,
                    items=inst.items,
                )
            )
    if starter.KEY not in have:
        made.append(
            Questionnaire(clinic=clinic, name=starter.KEY, title=starter.TITLE, items=starter.ITEMS)
        )
    Questionnaire.objects.bulk_create(made)
    return made


def _definition(items) -> list[dict]:
    try:
        return engine.validate_definition(items)
    except engine.DefinitionError as exc:
        raise DefinitionInvalid(
            f"The questionnaire cannot be used: {exc.errors[0]}",
            errors={"items": exc.errors},
        ) from None


@transaction.atomic
def questionnaire_save(
    *,
    actor: User,
    questionnaire: Questionnaire | None = None,
    name: str = "",
    title: str,
    description: str = "",
    items=None,
    status: str = Questionnaire.Status.ACTIVE,
) -> Questionnaire:
    """Create or edit one of the clinic's own questionnaires. A standard instrument's items
    are locked (its status may change: a clinic can stop offering it)."""
    require(actor, "questionnaire.manage")
    clinic_id = staff_clinic(actor).pk
    title = (title or "").strip()
    errors: dict[str, list[str]] = {}
    if not title or len(title) > 200:
        errors["title"] = ["Give the questionnaire a title (up to 200 characters)."]
    if status not in Questionnaire.Status.values:
        errors["status"] = ["Status is draft, active or retired."]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], errors=errors)
    if questionnaire is None:
        from django.utils.text import slugify

        slug = slugify(name or title)[:64]
        if not slug:
            raise ValidationFailed("Give the questionnaire a name.", field="name")
        if Questionnaire.objects.filter(clinic_id=clinic_id, name=slug).exists():
            raise Conflict(f"A questionnaire named {slug!r} exists already.", field="name")
        questionnaire = Questionnaire(clinic_id=clinic_id, name=slug)
        questionnaire.items = _definition(items)
        action = AuditEvent.Action.CREATE
    else:
        if questionnaire.clinic_id != clinic_id:
            raise ValidationFailed("Unknown questionnaire.")
        if items is not None and items != questionnaire.items:
            if questionnaire.locked:
                raise QuestionnaireLocked(
                    f"{questionnaire.title} is a standard instrument: its questions and "
                    "scoring are published and cannot be edited.",
                    field="items",
                )
            questionnaire.items = _definition(items)
            questionnaire.version += 1
        if questionnaire.locked and title != questionnaire.title:
            raise QuestionnaireLocked(
                f"{questionnaire.title} keeps its published name.", field="title"
            )
        action = AuditEvent.Action.UPDATE
    questionnaire.title = title
    questionnaire.description = (description or "").strip()
    questionnaire.status = status
    questionnaire.stamp(actor)
    questionnaire.save()
    audit_record(
        actor=actor,
        action=action,
        obj=questionnaire,
        detail={"version": questionnaire.version, "status": status},
    )
    return questionnaire


# ------------------------------------------------------------------------------ responses


def _check_actor(actor: User | None, channel: str, clinic_id: int) -> None:
    if actor is None:
        if channel not in PATIENT_CHANNELS:
            raise ValidationFailed(
                "Only a patient's own link, the portal or the tablet may answer."
            )
        return
    require(actor, "questionnaire.answer")
    if actor.clinic_id != clinic_id:
        raise ValidationFailed("Unknown patient.")


def context_for(response: QuestionnaireResponse) -> engine.Context:
    clinic = response.clinic
    return engine.Context(today=clinic_today(clinic), birth_date=response.patient.date_of_birth)


@transaction.atomic
def response_start(
    *,
    actor: User | None,
    patient: Patient,
    questionnaire: Questionnaire,
    channel: str,
    appointment: Appointment | None = None,
) -> QuestionnaireResponse:
    """The patient's unfinished response to this questionnaire (for this visit) to resume, or
    a new one."""
    if channel not in Channel.values:
        raise ValidationFailed("Unknown channel.", field="channel")
    _check_actor(actor, channel, patient.clinic_id)
    if questionnaire.clinic_id != patient.clinic_id:
        raise ValidationFailed("Unknown questionnaire.", field="questionnaire")
    if questionnaire.status != Questionnaire.Status.ACTIVE:
        raise ValidationFailed(f"{questionnaire.title} is not offered now.", field="questionnaire")
    if appointment is not None and appointment.patient_id != patient.pk:
        raise ValidationFailed("That visit is not this patient's.", field="appointment")
    open_ = (
        QuestionnaireResponse.objects.select_for_update()
        .filter(
            patient=patient,
            questionnaire=questionnaire,
            appointment=appointment,
            status=Status.IN_PROGRESS,
        )
        .first()
    )
    if open_ is not None:
        return open_
    response = QuestionnaireResponse(
        clinic_id=patient.clinic_id,
        questionnaire=questionnaire,
        questionnaire_version=questionnaire.version,
        patient=patient,
        appointment=appointment,
        channel=channel,
    )
    response.stamp(actor)
    response.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=response,
        patient=patient,
        clinic=response.clinic,
        detail={"questionnaire": questionnaire.name, "channel": channel},
    )
    return response


@dataclass
class PageSaved:
    response: QuestionnaireResponse
    replayed: bool = False  # the same page save arrived again: nothing was written
    emergency: list[str] = field(default_factory=list)  # linkIds that signal an emergency


def _page(response: QuestionnaireResponse, key: str) -> engine.Page:
    for page in engine.pages(response.questionnaire.items):
        if page.key == key:
            return page
    raise ValidationFailed("This questionnaire has no such page.", field="page")


def _token(token) -> uuid.UUID:
    try:
        return token if isinstance(token, uuid.UUID) else uuid.UUID(str(token))
    except (ValueError, TypeError):
        raise ValidationFailed("The page's save token is missing; reload the page.") from None


@transaction.atomic
def response_save_page(
    *,
    actor: User | None,
    response: QuestionnaireResponse,
    page: str,
    answers: dict,
    token,
) -> PageSaved:
    """Save the answers of one page. The page's answers replace what it held; answers that no
    longer apply (a changed answer turned their question off) are dropped. Invalid answers
    raise AnswersInvalid with a message per question and write nothing. A save whose token was
    seen already returns the response as it is (a retry after a network hiccup)."""
    key = _token(token)
    response = QuestionnaireResponse.objects.select_for_update().get(pk=response.pk)
    _check_actor(actor, response.channel if actor is None else Channel.STAFF, response.clinic_id)
    if ResponseSave.objects.filter(response=response, token=key).exists():
        return PageSaved(response=response, replayed=True)
    if response.status != Status.IN_PROGRESS:
        raise ResponseClosed("These answers were already sent and can no longer be changed.")
    if not isinstance(answers, dict):
        raise ValidationFailed("Answers must be an object of linkId → answer.")
    items = response.questionnaire.items
    the_page = _page(response, page)
    on_page = {i["linkId"]: i for i in the_page.items if i.get("type") in engine.ANSWER_TYPES}
    errors: dict[str, list[str]] = {}
    coerced: dict = {}
    for link, raw in answers.items():
        item = on_page.get(link)
        if item is None:
            errors[str(link)] = ["This page has no such question."]
            continue
        try:
            coerced[link] = engine.coerce(item, raw)
        except ValueError as exc:
            errors[link] = [str(exc)]
    if errors:
        raise AnswersInvalid("Some answers need attention.", errors=errors)
    merged = {k: v for k, v in response.answers.items() if k not in on_page}
    merged.update({k: v for k, v in coerced.items() if v not in (None, [])})
    found = engine.validate_answers(items, merged, context_for(response), only=on_page)
    if found:
        raise AnswersInvalid(
            "Some answers need attention.", errors={k: [v] for k, v in found.items()}
        )
    merged = engine.drop_disabled(items, merged)
    response.answers = merged
    if page not in response.pages_done:
        response.pages_done = [*response.pages_done, page]
    emergency = [link for link in engine.emergencies(items, merged) if link in on_page]
    if emergency:
        response.emergency = True
    try:
        with transaction.atomic():
            ResponseSave.objects.create(
                response=response, token=key, page=page, saved_at=timezone.now()
            )
    except IntegrityError:
        # The same save raced in on another request and won: this one writes nothing.
        return PageSaved(response=QuestionnaireResponse.objects.get(pk=response.pk), replayed=True)
    response.stamp(actor)
    response.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=response,
        patient=response.patient,
        clinic=response.clinic,
        detail={"page": page, "answered": sorted(k for k in merged if k in on_page)},
    )
    for link in emergency:
        _alert_emergency(response, link)
    return PageSaved(response=response, emergency=emergency)


def _alert_emergency(response: QuestionnaireResponse, link: str) -> None:
    item = engine.answerable(response.questionnaire.items)[link]
    instrument = response.questionnaire.instrument
    self_harm = instrument == "phq-9" and link == instruments.PHQ9_ITEMS[8][0]
    kind = IntakeAlert.Kind.SELF_HARM if self_harm else IntakeAlert.Kind.EMERGENCY
    title = (
        "PHQ-9 item 9 positive (thoughts of self-harm): see the patient now"
        if self_harm
        else f"Emergency answer: {item.get('text', link)}"
    )
    _, created = IntakeAlert.objects.get_or_create(
        response=response,
        kind=kind,
        link_id=link,
        defaults={
            "clinic_id": response.clinic_id,
            "patient": response.patient,
            "title": title[:300],
            "urgent": True,
            "clinician_only": self_harm,
        },
    )
    if created:
        audit_record(
            actor=None,
            action=AuditEvent.Action.CREATE,
            object_type="intake.IntakeAlert",
            object_id=str(response.public_id),
            patient=response.patient,
            clinic=response.clinic,
            detail={"kind": kind, "link_id": link},
        )


def next_page(response: QuestionnaireResponse) -> engine.Page | None:
    """The first page that applies and has not been saved (None: ready to send)."""
    items = response.questionnaire.items
    on = engine.enabled(items, response.answers)
    for page in engine.pages(items):
        if page.key not in on and not any(i["linkId"] in on for i in page.items):
            continue
        if page.key not in response.pages_done:
            return page
    return None


@transaction.atomic
def response_complete(
    *, actor: User | None, response: QuestionnaireResponse
) -> QuestionnaireResponse:
    """Send the answers: every question that applies answered as required, then scored (standard
    instruments) and closed. Completing twice is harmless (the second returns it as it is)."""
    response = QuestionnaireResponse.objects.select_for_update().get(pk=response.pk)
    _check_actor(actor, response.channel if actor is None else Channel.STAFF, response.clinic_id)
    if response.status == Status.COMPLETED:
        return response
    if response.status != Status.IN_PROGRESS:
        raise ResponseClosed("These answers were marked entered in error.")
    items = response.questionnaire.items
    found = engine.validate_answers(items, response.answers, context_for(response))
    if found:
        raise AnswersInvalid(
            "Some questions still need an answer.", errors={k: [v] for k, v in found.items()}
        )
    key = response.questionnaire.instrument
    if key:
        result = instruments.score(key, response.answers, sex=response.patient.sex)
        response.score = result.as_dict()
    response.status = Status.COMPLETED
    response.completed_at = timezone.now()
    response.stamp(actor)
    response.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=response,
        patient=response.patient,
        clinic=response.clinic,
        detail={"completed": True, "scored": bool(key)},
    )
    return response


@transaction.atomic
def response_mark_error(
    *, actor: User, response: QuestionnaireResponse, reason: str
) -> QuestionnaireResponse:
    require(actor, "questionnaire.answer")
    if response.clinic_id != actor.clinic_id:
        raise ValidationFailed("Unknown response.")
    reason = (reason or "").strip()
    if not reason or len(reason) > 300:
        raise ValidationFailed("Say why (up to 300 characters).", field="reason")
    if response.status == Status.ENTERED_IN_ERROR:
        raise ResponseClosed("Already marked entered in error.")
    response.status = Status.ENTERED_IN_ERROR
    response.error_reason = reason
    response.stamp(actor)
    response.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=response,
        patient=response.patient,
        detail={"entered_in_error": True, "reason": reason},
    )
    return response


@transaction.atomic
def alert_done(*, actor: User, alert: IntakeAlert) -> IntakeAlert:
    require(actor, "questionnaire.score_view")
    if alert.clinic_id != actor.clinic_id:
        raise ValidationFailed("Unknown alert.")
    if alert.clinician_only:
        require(actor, "note.sign")
    if alert.done_at is None:
        alert.done_at = timezone.now()
        alert.done_by = actor
        alert.stamp(actor)
        alert.save()
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=alert,
            patient=alert.patient,
            detail={"done": True},
        )
    return alert
