"""Writes for what happens at a visit: encounters, the procedures performed and the results
(observations) taken."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from medassist.core.errors import Conflict, ValidationFailed
from medassist.practice.models import User
from medassist.practice.roles import require
from medassist.records.models import (
    CodeSystem,
    Encounter,
    Observation,
    Procedure,
)
from medassist.records.services._common import (
    chart_item_enter_in_error,
    check_encounter,
    check_fields,
    check_order,
    check_patient_in_clinic,
    clean_text,
    coded,
    recode,
    save_new,
    update_item,
)

# --- encounters -------------------------------------------------------------------------


def validate_encounter(actor):
    def check(e: Encounter) -> None:
        if e.status == Encounter.Status.ENTERED_IN_ERROR:
            raise ValidationFailed("Use entered-in-error to withdraw an encounter.")
        check_order(e.start, e.end, field="end", message="The encounter ends before it starts.")
        if e.provider is not None and e.provider.clinic_id != actor.clinic_id:
            raise ValidationFailed("Unknown provider.", field="provider")

    return check


@transaction.atomic
def encounter_create(
    *,
    actor: User,
    patient,
    start=None,
    end=None,
    appointment=None,
    provider=None,
    class_code: str = Encounter.Class.AMB,
    type_display: str = "",
    type_code: str = "",
    type_code_system: str = CodeSystem.TEXT,
    reason_text: str = "",
    status: str = Encounter.Status.IN_PROGRESS,
    source_identifier: str = "",
) -> Encounter:
    require(actor, "chart.edit")
    check_patient_in_clinic(actor, patient)
    if appointment is not None:
        if appointment.patient_id != patient.pk:
            raise ValidationFailed("That appointment is another patient's.", field="appointment")
        if Encounter.objects.filter(appointment=appointment).exists():
            raise Conflict("This appointment already has an encounter.")
        provider = provider or appointment.provider
        start = start or appointment.start
    encounter = Encounter(
        patient=patient,
        appointment=appointment,
        provider=provider,
        start=start or timezone.now(),
        end=end,
        class_code=class_code,
        type_code_system=type_code_system,
        type_code=(type_code or "").strip(),
        type_display=clean_text(
            type_display, field="type_display", label="Visit type", max_length=200
        ),
        reason_text=clean_text(reason_text, field="reason_text", label="Reason", max_length=2000),
        status=status,
        source_identifier=source_identifier,
    )
    validate_encounter(actor)(encounter)
    save_new(actor=actor, obj=encounter)
    return encounter


@transaction.atomic
def encounter_for_appointment(*, actor: User, appointment) -> Encounter:
    """The encounter of an appointment, created (in progress) on first use."""
    existing = Encounter.objects.filter(appointment=appointment).first()
    if existing is not None:
        require(actor, "note.write")
        check_patient_in_clinic(actor, existing.patient)
        return existing
    return encounter_create(
        actor=actor,
        patient=appointment.patient,
        appointment=appointment,
        type_display=str(appointment.visit_type),
    )


ENCOUNTER_FIELDS = {
    "start",
    "end",
    "provider",
    "class_code",
    "type_display",
    "type_code",
    "type_code_system",
    "reason_text",
    "status",
}


@transaction.atomic
def encounter_update(
    *, actor: User, encounter: Encounter, reason: str = "", **changes
) -> Encounter:
    return update_item(
        actor=actor,
        obj=encounter,
        changes=changes,
        allowed=ENCOUNTER_FIELDS,
        validate=validate_encounter(actor),
        reason=reason,
    )


def encounter_enter_in_error(*, actor: User, encounter: Encounter, reason: str) -> Encounter:
    return chart_item_enter_in_error(actor=actor, item=encounter, reason=reason)


# --- procedures -------------------------------------------------------------------------


def validate_procedure(now):
    def check(p: Procedure) -> None:
        if p.status == Procedure.Status.ENTERED_IN_ERROR:
            raise ValidationFailed("Use entered-in-error to withdraw a procedure.")
        if p.performed_start and p.performed_start > now:
            raise ValidationFailed(
                "The performed time cannot be in the future.", field="performed_start"
            )
        check_order(
            p.performed_start,
            p.performed_end,
            field="performed_end",
            message="The procedure ends before it starts.",
        )

    return check


@transaction.atomic
def procedure_create(
    *,
    actor: User,
    patient,
    display: str,
    code_system: str = CodeSystem.TEXT,
    code: str = "",
    performed_start=None,
    performed_end=None,
    status: str = Procedure.Status.COMPLETED,
    body_site: str = "",
    reason: str = "",
    note: str = "",
    encounter=None,
    source_identifier: str = "",
) -> Procedure:
    require(actor, "chart.edit")
    check_patient_in_clinic(actor, patient)
    check_encounter(encounter, patient)
    system, code, display = coded(code_system, code, display, label="Procedure")
    proc = Procedure(
        patient=patient,
        encounter=encounter,
        code_system=system,
        code=code,
        display=display,
        performed_start=performed_start,
        performed_end=performed_end,
        status=status,
        body_site=clean_text(body_site, field="body_site", label="Body site", max_length=100),
        reason=clean_text(reason, field="reason", label="Reason", max_length=300),
        note=clean_text(note, field="note", label="Note", max_length=5000),
        source_identifier=source_identifier,
    )
    validate_procedure(timezone.now())(proc)
    save_new(actor=actor, obj=proc)
    return proc


PROCEDURE_FIELDS = {
    "display",
    "code",
    "code_system",
    "performed_start",
    "performed_end",
    "status",
    "body_site",
    "reason",
    "note",
}


@transaction.atomic
def procedure_update(*, actor: User, procedure: Procedure, reason_for_change: str = "", **changes):
    check_fields(changes, PROCEDURE_FIELDS)
    recode(procedure, changes, label="Procedure")
    return update_item(
        actor=actor,
        obj=procedure,
        changes=changes,
        allowed=PROCEDURE_FIELDS,
        validate=validate_procedure(timezone.now()),
        reason=reason_for_change,
    )


def procedure_enter_in_error(*, actor: User, procedure: Procedure, reason: str) -> Procedure:
    return chart_item_enter_in_error(actor=actor, item=procedure, reason=reason)


# --- observations -----------------------------------------------------------------------


def validate_observation(now):
    def check(o: Observation) -> None:
        if o.status == Observation.Status.ENTERED_IN_ERROR:
            raise ValidationFailed("Use entered-in-error to withdraw a result.")
        if o.effective_at is None:
            raise ValidationFailed("Enter when the result was taken.", field="effective_at")
        if o.effective_at > now:
            raise ValidationFailed("The result time cannot be in the future.", field="effective_at")
        has_value = o.value_quantity is not None or o.value_string or o.value_code
        if not has_value and o.status != Observation.Status.CANCELLED:
            raise ValidationFailed("Enter a value (a number or text).", field="value_quantity")
        if o.value_unit and o.value_quantity is None:
            raise ValidationFailed("A unit needs a numeric value.", field="value_unit")

    return check


@transaction.atomic
def observation_create(
    *,
    actor: User,
    patient,
    display: str,
    effective_at,
    code_system: str = CodeSystem.LOINC,
    code: str = "",
    category: str = Observation.Category.LABORATORY,
    status: str = Observation.Status.FINAL,
    issued_at=None,
    value_quantity=None,
    value_unit: str = "",
    value_string: str = "",
    value_code_system: str = "",
    value_code: str = "",
    interpretation: str = "",
    reference_range: str = "",
    note: str = "",
    encounter=None,
    source_identifier: str = "",
) -> Observation:
    require(actor, "chart.edit")
    check_patient_in_clinic(actor, patient)
    check_encounter(encounter, patient)
    system, code, display = coded(code_system, code, display, label="Test name")
    obs = Observation(
        patient=patient,
        encounter=encounter,
        code_system=system,
        code=code,
        display=display,
        category=category,
        status=status,
        effective_at=effective_at,
        issued_at=issued_at,
        value_quantity=value_quantity,
        value_unit=clean_text(value_unit, field="value_unit", label="Unit", max_length=40),
        value_string=clean_text(value_string, field="value_string", label="Value", max_length=1000),
        value_code_system=value_code_system or "",
        value_code=(value_code or "").strip(),
        interpretation=clean_text(
            interpretation, field="interpretation", label="Interpretation", max_length=60
        ),
        reference_range=clean_text(
            reference_range, field="reference_range", label="Reference range", max_length=200
        ),
        note=clean_text(note, field="note", label="Note", max_length=5000),
        source_identifier=source_identifier,
    )
    validate_observation(timezone.now())(obs)
    save_new(actor=actor, obj=obs)
    return obs


OBSERVATION_FIELDS = {
    "display",
    "code",
    "code_system",
    "category",
    "status",
    "effective_at",
    "issued_at",
    "value_quantity",
    "value_unit",
    "value_string",
    "value_code_system",
    "value_code",
    "interpretation",
    "reference_range",
    "note",
}


@transaction.atomic
def observation_update(*, actor: User, observation: Observation, reason: str = "", **changes):
    check_fields(changes, OBSERVATION_FIELDS)
    recode(observation, changes, label="Test name")
    return update_item(
        actor=actor,
        obj=observation,
        changes=changes,
        allowed=OBSERVATION_FIELDS,
        validate=validate_observation(timezone.now()),
        reason=reason,
    )


def observation_enter_in_error(
    *, actor: User, observation: Observation, reason: str
) -> Observation:
    return chart_item_enter_in_error(actor=actor, item=observation, reason=reason)
