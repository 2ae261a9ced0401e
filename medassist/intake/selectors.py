"""Reads of rooming and vital signs. Callers fetch the appointment with
scheduling.selectors.access_appointment (scoped and audited) before reading its details here."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, QuerySet

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
