"""Writes for medications (statements of what the patient takes) and immunizations."""

from __future__ import annotations

from django.db import transaction

from medassist.core.errors import ValidationFailed
from medassist.practice.models import ScopeTask, User
from medassist.practice.roles import require
from medassist.practice.scope import require_task
from medassist.records.models import (
    CodeSystem,
    Immunization,
    MedicationStatement,
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
    recode,
    save_new,
    update_item,
)

# --- medications ------------------------------------------------------------------------


def validate_medication(actor):
    def check(m: MedicationStatement) -> None:
        if m.status == MedicationStatement.Status.ENTERED_IN_ERROR:
            raise ValidationFailed("Use entered-in-error to withdraw a medication.")
        check_order(
            m.start_date,
            m.stop_date,
            field="stop_date",
            message="The stop date is before the start.",
        )
        if m.prescriber is not None and m.prescriber.clinic_id != actor.clinic_id:
            raise ValidationFailed("Unknown prescriber.", field="prescriber")

    return check


@transaction.atomic
def medication_create(
    *,
    actor: User,
    patient,
    drug_name: str,
    code: str = "",
    code_system: str | None = None,
    strength: str = "",
    dose: str = "",
    route: str = "",
    frequency: str = "",
    prescriber=None,
    prescriber_text: str = "",
    start_date=None,
    stop_date=None,
    status: str = MedicationStatement.Status.ACTIVE,
    reason: str = "",
    note: str = "",
    encounter=None,
    source_identifier: str = "",
) -> MedicationStatement:
    require(actor, "chart.edit")
    check_patient_in_clinic(actor, patient)
    check_encounter(encounter, patient)
    system = code_system or (CodeSystem.RXNORM if (code or "").strip() else CodeSystem.TEXT)
    system, code, display = coded(system, code, drug_name, label="Drug name")

    def text(value, field, label, n=100):
        return clean_text(value, field=field, label=label, max_length=n)

    med = MedicationStatement(
        patient=patient,
        encounter=encounter,
        code_system=system,
        code=code,
        display=display,
        strength=text(strength, "strength", "Strength"),
        dose=text(dose, "dose", "Dose"),
        route=text(route, "route", "Route", 60),
        frequency=text(frequency, "frequency", "Frequency"),
        prescriber=prescriber,
        prescriber_text=text(prescriber_text, "prescriber_text", "Prescriber", 200),
        start_date=start_date,
        stop_date=stop_date,
        status=status,
        reason=text(reason, "reason", "Reason", 300),
        note=text(note, "note", "Note", 5000),
        source_identifier=source_identifier,
    )
    validate_medication(actor)(med)
    save_new(actor=actor, obj=med)
    return med


MEDICATION_FIELDS = {
    "display",
    "code",
    "code_system",
    "strength",
    "dose",
    "route",
    "frequency",
    "prescriber",
    "prescriber_text",
    "start_date",
    "stop_date",
    "status",
    "reason",
    "note",
}


@transaction.atomic
def medication_update(
    *, actor: User, medication: MedicationStatement, reason_for_change: str = "", **changes
) -> MedicationStatement:
    if "drug_name" in changes:
        changes["display"] = changes.pop("drug_name")
    check_fields(changes, MEDICATION_FIELDS)
    if {"code", "display"} & set(changes) and "code_system" not in changes:
        code = changes.get("code", medication.code)
        changes["code_system"] = CodeSystem.RXNORM if (code or "").strip() else CodeSystem.TEXT
    recode(medication, changes, label="Drug name")
    return update_item(
        actor=actor,
        obj=medication,
        changes=changes,
        allowed=MEDICATION_FIELDS,
        validate=validate_medication(actor),
        reason=reason_for_change,
    )


def medication_stop(
    *, actor: User, medication: MedicationStatement, stop_date=None, reason: str = ""
) -> MedicationStatement:
    return medication_update(
        actor=actor,
        medication=medication,
        status=MedicationStatement.Status.STOPPED,
        stop_date=stop_date or clinic_today(actor),
        reason_for_change=clean_text(reason, field="reason", label="Reason", max_length=500),
    )


def medication_enter_in_error(
    *, actor: User, medication: MedicationStatement, reason: str
) -> MedicationStatement:
    return chart_item_enter_in_error(actor=actor, item=medication, reason=reason)


# --- immunizations ----------------------------------------------------------------------

# Recording a dose as given here (FHIR primarySource true) is an act of giving a vaccine: the
# same scope-of-practice task pharmacy checks when a vaccine is given from stock. A dose the
# patient or another provider reports (primary_source False) is history: chart.edit suffices.
GIVE_TASK = ScopeTask.VACCINE_ADMINISTRATION


def is_given_here(*, status: str, primary_source: bool) -> bool:
    return bool(primary_source) and status == Immunization.Status.COMPLETED


def require_give_scope(actor: User, *, supervisor_present: bool | None) -> None:
    """Refuse (ScopeRefused, audited) unless `actor` may give a vaccine here, now."""
    require_task(actor, GIVE_TASK, supervisor_present=supervisor_present)


def validate_immunization(actor, today):
    def check(i: Immunization) -> None:
        if i.status == Immunization.Status.ENTERED_IN_ERROR:
            raise ValidationFailed("Use entered-in-error to withdraw an immunization.")
        check_not_future(
            i.occurrence_date, field="occurrence_date", label="Date given", today=today
        )
        if (
            i.status == Immunization.Status.COMPLETED
            and i.expiration_date
            and i.occurrence_date
            and i.expiration_date < i.occurrence_date
        ):
            raise ValidationFailed(
                "That lot had expired on the date given; check the dates.",
                field="expiration_date",
            )
        if i.status == Immunization.Status.NOT_DONE and not i.status_reason:
            raise ValidationFailed("Say why the vaccine was not given.", field="status_reason")
        if i.performer is not None and i.performer.clinic_id != actor.clinic_id:
            raise ValidationFailed("Unknown performer.", field="performer")

    return check


def immunization_create(
    *,
    actor: User,
    patient,
    cvx_code: str,
    occurrence_date,
    vaccine_name: str = "",
    lot_number: str = "",
    expiration_date=None,
    manufacturer: str = "",
    site: str = "",
    route: str = "",
    dose_quantity: str = "",
    performer=None,
    performer_text: str = "",
    status: str = Immunization.Status.COMPLETED,
    status_reason: str = "",
    primary_source: bool = True,
    note: str = "",
    encounter=None,
    source_identifier: str = "",
    supervisor_present: bool | None = None,
) -> Immunization:
    """Record a vaccine on the chart. Given here (`primary_source`, status completed) needs the
    vaccine-administration scope task of the person recording it (with `supervisor_present`
    where the state requires a supervising physician); reported doses need only chart.edit."""
    require(actor, "chart.edit")
    check_patient_in_clinic(actor, patient)
    given_here = is_given_here(status=status, primary_source=primary_source)
    if given_here:  # before the transaction, so a direct caller's refusal audit is kept too
        require_give_scope(actor, supervisor_present=supervisor_present)
    with transaction.atomic():
        check_encounter(encounter, patient)
        if occurrence_date is None:
            raise ValidationFailed("Enter the date given.", field="occurrence_date")
        system, code, display = coded(CodeSystem.CVX, cvx_code, vaccine_name, label="Vaccine")

        def text(value, field, label, n=60):
            return clean_text(value, field=field, label=label, max_length=n)

        imm = Immunization(
            patient=patient,
            encounter=encounter,
            code_system=system,
            code=code,
            display=display,
            occurrence_date=occurrence_date,
            lot_number=text(lot_number, "lot_number", "Lot number", 40),
            expiration_date=expiration_date,
            manufacturer=text(manufacturer, "manufacturer", "Manufacturer", 100),
            site=text(site, "site", "Site"),
            route=text(route, "route", "Route"),
            dose_quantity=text(dose_quantity, "dose_quantity", "Dose", 40),
            performer=performer,
            performer_text=text(performer_text, "performer_text", "Given by", 200),
            status=status,
            status_reason=text(status_reason, "status_reason", "Reason", 300),
            primary_source=primary_source,
            supervisor_present=supervisor_present if given_here else None,
            note=text(note, "note", "Note", 5000),
            source_identifier=source_identifier,
        )
        validate_immunization(actor, clinic_today(actor))(imm)
        save_new(actor=actor, obj=imm)
    return imm


IMMUNIZATION_FIELDS = {
    "code",
    "display",
    "occurrence_date",
    "lot_number",
    "expiration_date",
    "manufacturer",
    "site",
    "route",
    "dose_quantity",
    "performer",
    "performer_text",
    "status",
    "status_reason",
    "primary_source",
    "supervisor_present",
    "note",
}


def immunization_update(
    *,
    actor: User,
    immunization: Immunization,
    reason: str = "",
    supervisor_present: bool | None = None,
    **changes,
) -> Immunization:
    """Change an immunization. Turning it into a dose given here (reported → given, or not
    done → completed while given here) needs the same scope task as recording one."""
    require(actor, "chart.edit")
    check_patient_in_clinic(actor, immunization.patient)
    was = is_given_here(status=immunization.status, primary_source=immunization.primary_source)
    now = is_given_here(
        status=changes.get("status", immunization.status),
        primary_source=changes.get("primary_source", immunization.primary_source),
    )
    if now and not was:
        require_give_scope(actor, supervisor_present=supervisor_present)
        changes["supervisor_present"] = supervisor_present
    elif not now and was:
        changes["supervisor_present"] = None
    if "cvx_code" in changes:
        changes["code"] = changes.pop("cvx_code")
    if "vaccine_name" in changes:
        changes["display"] = changes.pop("vaccine_name")
    check_fields(changes, IMMUNIZATION_FIELDS)
    if {"code", "display"} & set(changes):
        changes["code_system"] = CodeSystem.CVX
        recode(immunization, changes, label="Vaccine")
        changes.pop("code_system")
    with transaction.atomic():
        return update_item(
            actor=actor,
            obj=immunization,
            changes=changes,
            allowed=IMMUNIZATION_FIELDS,
            validate=validate_immunization(actor, clinic_today(actor)),
            reason=reason,
        )


def immunization_enter_in_error(*, actor: User, immunization: Immunization, reason: str):
    return chart_item_enter_in_error(actor=actor, item=immunization, reason=reason)
