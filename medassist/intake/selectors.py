"""Reads of rooming and vital signs. Callers fetch the appointment with
scheduling.selectors.access_appointment (scoped and audited) before reading its details here."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.access import get_scoped
from medassist.core.clock import clinic_today
from medassist.core.inbox import InboxItem, InboxStatus
from medassist.intake.models import (
    IntakeAlert,
    Questionnaire,
    QuestionnaireResponse,
    Rooming,
    Vitals,
)
from medassist.practice.models import Location, Room
from medassist.practice.roles import can, require
from medassist.scheduling.models import Appointment, Status

OCCUPYING_STATUSES = (Status.ROOMED, Status.WITH_PROVIDER)


def free_rooms(*, user, location: Location) -> QuerySet[Room]:
    """Active rooms of a location with nobody in them (no visit roomed or with the provider)."""
    require(user, "schedule.view")
    busy = Appointment.objects.filter(room=OuterRef("pk"), status__in=OCCUPYING_STATUSES)
    return (
        Room.objects.filter(location=location, location__clinic_id=user.clinic_id, active=True)
        .annotate(busy=Exists(busy))
        .filter(busy=False)
        .order_by("name")
    )


def rooming_for(*, appointment: Appointment) -> Rooming | None:
    return (
        Rooming.objects.filter(appointment=appointment).select_related("room", "roomed_by").first()
    )


def roomings_by_appointment(*, appointment_ids: Iterable[int]) -> dict[int, Rooming]:
    rows = Rooming.objects.filter(appointment_id__in=list(appointment_ids)).select_related("room")
    return {r.appointment_id: r for r in rows}


def visit_vitals(*, appointment: Appointment) -> list[Vitals]:
    """Every set of vitals of a visit, newest first (entered-in-error ones included, marked)."""
    return list(
        Vitals.objects.filter(appointment=appointment)
        .select_related("recorded_by")
        .order_by("-taken_at", "-id")
    )


def latest_vitals_by_appointment(*, appointment_ids: Iterable[int]) -> dict[int, Vitals]:
    """The newest valid set of vitals of each visit, in one query."""
    latest: dict[int, Vitals] = {}
    rows = Vitals.objects.filter(
        appointment_id__in=list(appointment_ids), entered_in_error=False
    ).order_by("appointment_id", "-taken_at", "-id")
    for vitals in rows:
        if vitals.appointment_id is not None:
            latest.setdefault(vitals.appointment_id, vitals)
    return latest


# ----------------------------------------------------------------------------- questionnaires


def clinic_questionnaires(*, user, active_only: bool = False) -> QuerySet[Questionnaire]:
    require(user, "schedule.view")
    qs = Questionnaire.objects.filter(clinic_id=user.clinic_id)
    if active_only:
        qs = qs.filter(status=Questionnaire.Status.ACTIVE)
    return qs.order_by("title", "id")


def access_questionnaire(*, user, id) -> Questionnaire:
    require(user, "schedule.view")
    return get_scoped(
        Questionnaire.objects.all(), public_id=id, what="questionnaire", clinic_id=user.clinic_id
    )


def active_questionnaire(*, clinic, id) -> Questionnaire:
    """For a patient's own channels (link, portal, tablet): one of the clinic's offered ones."""
    return get_scoped(
        Questionnaire.objects.all(),
        public_id=id,
        what="questionnaire",
        clinic_id=clinic.pk,
        status=Questionnaire.Status.ACTIVE,
    )


def access_response(*, user, id, audit: bool = True) -> QuestionnaireResponse:
    """One response within the user's clinic (scores are read separately: score_view)."""
    require(user, "patient.view")
    response = get_scoped(
        QuestionnaireResponse.objects.select_related("questionnaire", "patient", "appointment"),
        public_id=id,
        what="questionnaire response",
        clinic_id=user.clinic_id,
    )
    if audit:
        audit_record(
            actor=user, action=AuditEvent.Action.READ, obj=response, patient=response.patient
        )
    return response


def patient_responses(*, patient, appointment=None) -> QuerySet[QuestionnaireResponse]:
    """A patient's responses (newest first), with their questionnaire; callers fetched the
    patient through a scoped, audited selector."""
    qs = QuestionnaireResponse.objects.filter(patient=patient).select_related("questionnaire")
    if appointment is not None:
        qs = qs.filter(appointment=appointment)
    return qs.order_by("-created_at", "-id")


def due_questionnaires(*, patient, appointment=None) -> list[Questionnaire]:
    """What the patient should answer for this visit: the visit intake, and the standard
    instruments they have not completed in the last year (PHQ-2/GAD-7/AUDIT-C/STEADI for
    adults; STEADI from 65), each at most once per visit. An unfinished one comes first."""
    from datetime import timedelta

    from django.utils import timezone

    clinic = patient.clinic
    age = patient.age_on(clinic_today(clinic))
    wanted = ["visit-intake"]
    if age >= 12:
        wanted += ["phq-2", "gad-7"]
    if age >= 18:
        wanted.append("audit-c")
    if age >= 65:
        wanted.append("steadi")
    offered = {
        q.name: q
        for q in Questionnaire.objects.filter(
            clinic_id=patient.clinic_id, name__in=wanted, status=Questionnaire.Status.ACTIVE
        )
    }
    since = timezone.now() - timedelta(days=365)
    recent = QuestionnaireResponse.objects.filter(
        patient=patient, status=QuestionnaireResponse.Status.COMPLETED
    )
    done_recently = set(
        recent.filter(completed_at__gte=since)
        .exclude(questionnaire__name="visit-intake")
        .values_list("questionnaire__name", flat=True)
    )
    if appointment is not None:
        done_recently |= set(
            recent.filter(appointment=appointment).values_list("questionnaire__name", flat=True)
        )
    return [offered[n] for n in wanted if n in offered and n not in done_recently]


def response_scores(*, user, responses) -> dict[int, dict]:
    """Scores of these responses by id, for staff who may see them (empty otherwise)."""
    if not can(user, "questionnaire.score_view"):
        return {}
    return {r.pk: r.score for r in responses if r.score}


def inbox_items(*, clinic, user) -> list[InboxItem]:
    """Open intake alerts (emergency answers, PHQ-9 item 9) for the staff inbox; clinician-only
    ones only for physicians. Urgent first."""
    from django.urls import reverse

    if not can(user, "questionnaire.score_view") or user.clinic_id != clinic.pk:
        return []
    rows = IntakeAlert.objects.filter(clinic=clinic, done_at__isnull=True).select_related(
        "patient", "response"
    )
    if not can(user, "note.sign"):
        rows = rows.filter(clinician_only=False)
    return [
        InboxItem(
            kind="emergency" if a.urgent else "intake",
            title=a.title,
            created_at=a.created_at,
            url=reverse("intake:response", kwargs={"id": a.response.public_id}),
            status=InboxStatus.NEW,
            patient_id=a.patient_id,
            patient_name=a.patient.display_name,
            clinician_only=a.clinician_only,
            urgent=a.urgent,
            sla_hours=0.25 if a.urgent else 48.0,
        )
        for a in rows.order_by("-urgent", "-created_at", "-id")
    ]


# ------------------------------------------------------------------- rooming checklist, board


def checklist_steps(*, appointment: Appointment) -> list[dict]:
    """The visit type's checklist, else the clinic's default one, else the standard steps."""
    from medassist.intake.models import RoomingChecklist
    from medassist.intake.services.rooming_steps import STANDARD_STEPS

    rows = {
        r.visit_type_id: r
        for r in RoomingChecklist.objects.filter(clinic_id=appointment.clinic_id).filter(
            Q(visit_type_id=appointment.visit_type_id) | Q(visit_type__isnull=True)
        )
    }
    chosen = rows.get(appointment.visit_type_id) or rows.get(None)
    if chosen is not None:
        return list(chosen.steps)
    return [{"key": k, "label": label} for k, label in STANDARD_STEPS]


def checklist_for(*, appointment: Appointment) -> list[dict]:
    """Each step with done (bool) and, for hand-checked steps, who and when."""
    from medassist.intake.models import AllergyConfirmation, ChecklistTick, MedReconciliation

    ticks = {t.key: t for t in ChecklistTick.objects.filter(appointment=appointment)}
    auto = {
        "reason": Rooming.objects.filter(appointment=appointment).exists(),
        "vitals": Vitals.objects.filter(appointment=appointment, entered_in_error=False).exists(),
        "medications": MedReconciliation.objects.filter(appointment=appointment).exists(),
        "allergies": AllergyConfirmation.objects.filter(appointment=appointment).exists(),
        "instruments": not due_questionnaires(patient=appointment.patient, appointment=appointment),
    }
    out = []
    for step in checklist_steps(appointment=appointment):
        key = step["key"]
        tick = ticks.get(key)
        out.append(
            {
                **step,
                "auto": key in auto,
                "done": auto.get(key, tick is not None),
                "tick": tick,
            }
        )
    return out


def room_board(*, user, location: Location, now=None) -> list[dict]:
    """Every room of the location: free, occupied (by whom, since when, for how long), needs
    cleaning (its last patient left after its last cleaning), or out of service."""
    from django.db.models import Max
    from django.utils import timezone

    from medassist.intake.models import RoomCleaning
    from medassist.scheduling.models import StatusChange

    require(user, "board.view")
    now = now or timezone.now()
    rooms = list(
        Room.objects.filter(location=location, location__clinic_id=user.clinic_id).order_by("name")
    )
    occupants = {
        a.room_id: a
        for a in Appointment.objects.filter(
            room__in=rooms, status__in=OCCUPYING_STATUSES
        ).select_related("patient", "provider")
    }
    roomed_at = {
        r.appointment_id: r.roomed_at
        for r in Rooming.objects.filter(appointment__in=list(occupants.values()))
    }
    left = dict(
        StatusChange.objects.filter(
            appointment__room__in=rooms,
            from_status__in=OCCUPYING_STATUSES,
        )
        .exclude(to_status__in=OCCUPYING_STATUSES)
        .values_list("appointment__room_id")
        .annotate(last=Max("at"))
        .values_list("appointment__room_id", "last")
    )
    cleaned = dict(
        RoomCleaning.objects.filter(room__in=rooms)
        .values_list("room_id")
        .annotate(last=Max("cleaned_at"))
        .values_list("room_id", "last")
    )
    board = []
    for room in rooms:
        appt = occupants.get(room.pk)
        entry: dict = {"room": room, "appointment": appt}
        if not room.active:
            entry["state"] = "out"
        elif appt is not None:
            since = roomed_at.get(appt.pk) or appt.start
            entry.update(
                state="occupied", since=since, minutes=int((now - since).total_seconds() // 60)
            )
        elif room.pk in left and (room.pk not in cleaned or cleaned[room.pk] < left[room.pk]):
            entry.update(state="cleaning", since=left[room.pk])
        else:
            entry["state"] = "free"
        board.append(entry)
    return board


# ------------------------------------------------------------------- preparation instructions


def prep_for_visit(appointment) -> list:
    from medassist.intake.models import PrepInstruction

    return list(
        PrepInstruction.objects.filter(
            clinic_id=appointment.clinic_id, visit_type_id=appointment.visit_type_id, active=True
        ).order_by("title")
    )


def prep_for_tests(*, clinic, codes) -> list:
    """The clinic's instructions for these test codes (for orders, which sits above intake)."""
    from medassist.intake.models import PrepInstruction

    return list(
        PrepInstruction.objects.filter(
            clinic=clinic, test_code__in=[c for c in codes if c], active=True
        ).order_by("title")
    )


def prep_text(appointment) -> str:
    """The preparation instructions of a visit as reminder text (registered in apps.py)."""
    rows = prep_for_visit(appointment)
    return "\n\n".join(f"{p.title}:\n{p.body.strip()}" for p in rows)


GROWTH_SETS_SHOWN = 120


def growth_vitals(*, patient) -> list[Vitals]:
    """The vitals sets with a weight, height/length or head circumference (not entered in
    error), for the growth percentiles and chart: one query, at most the latest 120."""
    has_growth = Q(weight_kg__isnull=False) | Q(height_cm__isnull=False)
    has_growth |= Q(head_circumference_cm__isnull=False)
    return list(
        Vitals.objects.filter(has_growth, patient=patient, entered_in_error=False).order_by(
            "-taken_at"
        )[:GROWTH_SETS_SHOWN]
    )
