"""Writes for the problem list and the allergy list, with "no known allergies"."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from medassist.core.errors import Conflict, ValidationFailed
from medassist.practice.models import User
from medassist.practice.roles import require
from medassist.records.models import (
    Allergy,
    ChartHistory,
    CodeSystem,
    NoKnownAllergies,
    Problem,
)
from medassist.records.services._common import (
    chart_item_enter_in_error,
    check_encounter,
    check_fields,
    check_not_future,
    check_order,
    check_patient_in_clinic,
    clean_text,
    clinic_today,
    coded,
    diff,
    lock,
    recode,
    record_change,
    save_new,
    snapshot,
    update_item,
)

# --- problems ---------------------------------------------------------------------------


def validate_problem(today):
    def check(p: Problem) -> None:
        if p.verification_status == Problem.Verification.ENTERED_IN_ERROR:
            raise ValidationFailed("Use entered-in-error to withdraw a problem.")
        check_not_future(p.onset_date, field="onset_date", label="Onset date", today=today)
        check_not_future(
            p.abatement_date, field="abatement_date", label="Resolution date", today=today
        )
        check_order(
            p.onset_date,
            p.abatement_date,
            field="abatement_date",
            message="The resolution date is before the onset date.",
        )
        if p.abatement_date and p.clinical_status in Problem.ACTIVE_STATUSES:
            raise ValidationFailed(
                "A problem with a resolution date must be inactive, in remission or resolved.",
                field="clinical_status",
            )

    return check


@transaction.atomic
def problem_create(
    *,
    actor: User,
    patient,
    code: str,
    display: str = "",
    code_system: str = CodeSystem.ICD10CM,
    onset_date=None,
    abatement_date=None,
    clinical_status: str = Problem.ClinicalStatus.ACTIVE,
    verification_status: str = Problem.Verification.CONFIRMED,
    category: str = Problem.Category.PROBLEM_LIST,
    note: str = "",
    encounter=None,
    recorded_date=None,
    source_identifier: str = "",
) -> Problem:
    """Add a problem. ICD-10-CM codes must be billable codes of the bundled release."""
    require(actor, "chart.edit")
    check_patient_in_clinic(actor, patient)
    check_encounter(encounter, patient)
    system, code, display = coded(code_system, code, display, label="Problem")
    if system == CodeSystem.ICD10CM and (
        Problem.objects.filter(
            patient=patient,
            code_system=system,
            code=code,
            clinical_status__in=Problem.ACTIVE_STATUSES,
        )
        .exclude(verification_status=Problem.Verification.ENTERED_IN_ERROR)
        .exists()
    ):
        raise Conflict(f"{code} is already an active problem.", field="code")
    problem = Problem(
        patient=patient,
        encounter=encounter,
        code_system=system,
        code=code,
        display=display,
        onset_date=onset_date,
        abatement_date=abatement_date,
        clinical_status=clinical_status,
        verification_status=verification_status,
        category=category,
        note=clean_text(note, field="note", label="Note", max_length=5000),
        recorded_date=recorded_date or clinic_today(actor),
        source_identifier=source_identifier,
    )
    validate_problem(clinic_today(actor))(problem)
    save_new(actor=actor, obj=problem)
    return problem


PROBLEM_FIELDS = {
    "code",
    "code_system",
    "display",
    "onset_date",
    "abatement_date",
    "clinical_status",
    "verification_status",
    "category",
    "note",
}


@transaction.atomic
def problem_update(*, actor: User, problem: Problem, reason: str = "", **changes) -> Problem:
    check_fields(changes, PROBLEM_FIELDS)
    recode(problem, changes, label="Problem")
    return update_item(
        actor=actor,
        obj=problem,
        changes=changes,
        allowed=PROBLEM_FIELDS,
        validate=validate_problem(clinic_today(actor)),
        reason=reason,
    )


def problem_enter_in_error(*, actor: User, problem: Problem, reason: str) -> Problem:
    return chart_item_enter_in_error(actor=actor, item=problem, reason=reason)


# --- allergies and "no known allergies" ---------------------------------------------------


def current_nka(patient) -> NoKnownAllergies | None:
    return NoKnownAllergies.objects.filter(
        patient=patient, status=NoKnownAllergies.Status.CURRENT
    ).first()


def validate_allergy(today):
    def check(a: Allergy) -> None:
        if a.status == Allergy.Status.ENTERED_IN_ERROR:
            raise ValidationFailed("Use entered-in-error to withdraw an allergy.")
        check_not_future(a.onset_date, field="onset_date", label="Onset date", today=today)

    return check


def end_nka(*, actor: User, patient, why: str) -> None:
    nka = current_nka(patient)
    if nka is None:
        return
    nka = lock(nka)
    before = snapshot(nka)
    nka.status = NoKnownAllergies.Status.ENDED
    nka.ended_at = timezone.now()
    nka.ended_reason = why[:300]
    nka.version += 1
    nka.stamp(actor)
    nka.save()
    record_change(
        actor=actor,
        obj=nka,
        action=ChartHistory.Action.UPDATE,
        changes=diff(before, snapshot(nka)),
        reason=why[:500],
    )


@transaction.atomic
def allergy_create(
    *,
    actor: User,
    patient,
    substance: str,
    code_system: str = CodeSystem.TEXT,
    code: str = "",
    reaction: str = "",
    severity: str = "",
    criticality: str = "",
    category: str = "",
    allergy_type: str = Allergy.Type.ALLERGY,
    status: str = Allergy.Status.ACTIVE,
    onset_date=None,
    note: str = "",
    source_identifier: str = "",
) -> Allergy:
    """Record an allergy. An active allergy ends a current "no known allergies" statement."""
    require(actor, "chart.edit")
    check_patient_in_clinic(actor, patient)
    system, code, display = coded(code_system, code, substance, label="Substance")
    if (
        Allergy.objects.filter(
            patient=patient, display__iexact=display, status=Allergy.Status.ACTIVE
        ).exists()
        and status == Allergy.Status.ACTIVE
    ):
        raise Conflict(f"{display} is already on the allergy list.", field="display")
    allergy = Allergy(
        patient=patient,
        code_system=system,
        code=code,
        display=display,
        reaction=clean_text(reaction, field="reaction", label="Reaction", max_length=300),
        severity=severity or "",
        criticality=criticality or "",
        category=category or "",
        allergy_type=allergy_type,
        status=status,
        onset_date=onset_date,
        note=clean_text(note, field="note", label="Note", max_length=5000),
        source_identifier=source_identifier,
    )
    validate_allergy(clinic_today(actor))(allergy)
    save_new(actor=actor, obj=allergy)
    if allergy.status == Allergy.Status.ACTIVE:
        end_nka(actor=actor, patient=patient, why=f"Allergy recorded: {display}")
    return allergy


ALLERGY_FIELDS = {
    "display",
    "code",
    "code_system",
    "reaction",
    "severity",
    "criticality",
    "category",
    "allergy_type",
    "status",
    "onset_date",
    "note",
}


@transaction.atomic
def allergy_update(*, actor: User, allergy: Allergy, reason: str = "", **changes) -> Allergy:
    if "substance" in changes:
        changes["display"] = changes.pop("substance")
    check_fields(changes, ALLERGY_FIELDS)
    recode(allergy, changes, label="Substance")
    for name in ("severity", "criticality", "category"):
        if name in changes and changes[name] is None:
            changes[name] = ""
    updated = update_item(
        actor=actor,
        obj=allergy,
        changes=changes,
        allowed=ALLERGY_FIELDS,
        validate=validate_allergy(clinic_today(actor)),
        reason=reason,
    )
    if updated.status == Allergy.Status.ACTIVE:
        end_nka(actor=actor, patient=updated.patient, why=f"Allergy recorded: {updated.display}")
    return updated


def allergy_enter_in_error(*, actor: User, allergy: Allergy, reason: str) -> Allergy:
    return chart_item_enter_in_error(actor=actor, item=allergy, reason=reason)


@transaction.atomic
def nka_record(*, actor: User, patient, note: str = "") -> NoKnownAllergies:
    """Record "no known allergies" as a fact (who, when). Refused while an allergy is active."""
    require(actor, "chart.edit")
    check_patient_in_clinic(actor, patient)
    active = list(
        Allergy.objects.filter(patient=patient, status=Allergy.Status.ACTIVE).values_list(
            "display", flat=True
        )[:5]
    )
    if active:
        raise Conflict(
            "The patient has active allergies ("
            + ", ".join(active)
            + "). Mark them inactive or entered in error before recording no known allergies."
        )
    if current_nka(patient) is not None:
        raise Conflict("No known allergies is already recorded.")
    nka = NoKnownAllergies(
        patient=patient,
        recorded_at=timezone.now(),
        recorded_by=actor,
        note=clean_text(note, field="note", label="Note", max_length=500),
    )
    save_new(actor=actor, obj=nka)
    return nka


def nka_enter_in_error(*, actor: User, nka: NoKnownAllergies, reason: str) -> NoKnownAllergies:
    return chart_item_enter_in_error(actor=actor, item=nka, reason=reason)
