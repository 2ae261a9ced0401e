"""Writes for the coded chart lists: encounters, problems, allergies and "no known allergies",
medications, immunizations, past medical / surgical / family history, social history,
procedures and observations."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone

from medassist.core.errors import Conflict, ValidationFailed
from medassist.practice.roles import require
from medassist.records.codes import cvx_check, icd10_check
from medassist.records.models import (
    Allergy,
    ChartHistory,
    CodeSystem,
    Encounter,
    HistoryEntry,
    Immunization,
    MedicationStatement,
    NoKnownAllergies,
    Observation,
    Problem,
    Procedure,
    SocialHistory,
)
from medassist.records.services._common import (
    _check_fields,
    _update,
    chart_item_enter_in_error,
    check_not_future,
    check_order,
    check_patient_in_clinic,
    clean_text,
    clinic_today,
    diff,
    lock,
    record_change,
    save_new,
    snapshot,
)

_CODE_SHAPES: dict[str, tuple[re.Pattern[str], str]] = {
    CodeSystem.RXNORM: (re.compile(r"^\d{1,10}$"), "RxNorm codes are digits only"),
    CodeSystem.LOINC: (re.compile(r"^\d{1,7}-\d$"), "LOINC codes look like 8480-6"),
    CodeSystem.SNOMED: (re.compile(r"^\d{6,18}$"), "SNOMED CT codes are 6 to 18 digits"),
    CodeSystem.CPT: (re.compile(r"^[0-9A-Z]{5}$"), "CPT codes are 5 characters"),
}


def coded(code_system: str, code: str, display: str, *, label: str = "Description"):
    """Check a (system, code, display) triple and return it cleaned. ICD-10-CM and CVX codes
    must exist; the display defaults to the official description when left blank."""
    system = code_system or CodeSystem.TEXT
    if system not in CodeSystem.values:
        raise ValidationFailed(f"Unknown code system {system!r}.", field="code_system")
    code = (code or "").strip()
    display = clean_text(display, field="display", label=label, max_length=300)
    if system == CodeSystem.ICD10CM:
        code, official = icd10_check(code)
        display = display or official
    elif system == CodeSystem.CVX:
        vaccine = cvx_check(code)
        code, display = vaccine.cvx, display or vaccine.name
    elif system == CodeSystem.TEXT:
        code = ""
    elif code:
        pattern, message = _CODE_SHAPES[system]
        if not pattern.match(code.upper()):
            raise ValidationFailed(f"{code} is not valid: {message}.", field="code")
        code = code.upper()
    if not display:
        raise ValidationFailed(f"{label} is required.", field="display")
    return system, code, display


def _check_encounter(encounter, patient) -> None:
    if encounter is not None and encounter.patient_id != patient.pk:
        raise ValidationFailed("That encounter belongs to another patient.", field="encounter")


def _recode(obj, changes: dict, label: str = "Description") -> None:
    """When an update touches the code, re-check the coded triple."""
    if {"code", "code_system", "display"} & set(changes):
        code_changed = "code" in changes and changes["code"] != obj.code
        system = changes.pop("code_system", obj.code_system)
        code = changes.pop("code", obj.code)
        display = changes.pop("display", "" if code_changed else obj.display)
        changes["code_system"], changes["code"], changes["display"] = coded(
            system, code, display, label=label
        )


# --- encounters -------------------------------------------------------------------------


def _validate_encounter(actor):
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
    actor,
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
        reason_text=clean_text(reason_text, field="reason_text", label="Reason", max_length=1000),
        status=status,
        source_identifier=source_identifier,
    )
    _validate_encounter(actor)(encounter)
    save_new(actor=actor, obj=encounter)
    return encounter


@transaction.atomic
def encounter_for_appointment(*, actor, appointment) -> Encounter:
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
def encounter_update(*, actor, encounter: Encounter, reason: str = "", **changes) -> Encounter:
    return _update(
        actor=actor,
        obj=encounter,
        changes=changes,
        allowed=ENCOUNTER_FIELDS,
        validate=_validate_encounter(actor),
        reason=reason,
    )


def encounter_enter_in_error(*, actor, encounter: Encounter, reason: str) -> Encounter:
    return chart_item_enter_in_error(actor=actor, item=encounter, reason=reason)


# --- problems ---------------------------------------------------------------------------


def _validate_problem(today):
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
    actor,
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
    _check_encounter(encounter, patient)
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
    _validate_problem(clinic_today(actor))(problem)
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
def problem_update(*, actor, problem: Problem, reason: str = "", **changes) -> Problem:
    _check_fields(changes, PROBLEM_FIELDS)
    _recode(problem, changes, label="Problem")
    return _update(
        actor=actor,
        obj=problem,
        changes=changes,
        allowed=PROBLEM_FIELDS,
        validate=_validate_problem(clinic_today(actor)),
        reason=reason,
    )


def problem_enter_in_error(*, actor, problem: Problem, reason: str) -> Problem:
    return chart_item_enter_in_error(actor=actor, item=problem, reason=reason)


# --- allergies and "no known allergies" ---------------------------------------------------


def current_nka(patient) -> NoKnownAllergies | None:
    return NoKnownAllergies.objects.filter(
        patient=patient, status=NoKnownAllergies.Status.CURRENT
    ).first()


def _validate_allergy(today):
    def check(a: Allergy) -> None:
        if a.status == Allergy.Status.ENTERED_IN_ERROR:
            raise ValidationFailed("Use entered-in-error to withdraw an allergy.")
        check_not_future(a.onset_date, field="onset_date", label="Onset date", today=today)

    return check


def _end_nka(*, actor, patient, why: str) -> None:
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
    actor,
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
    _validate_allergy(clinic_today(actor))(allergy)
    save_new(actor=actor, obj=allergy)
    if allergy.status == Allergy.Status.ACTIVE:
        _end_nka(actor=actor, patient=patient, why=f"Allergy recorded: {display}")
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
def allergy_update(*, actor, allergy: Allergy, reason: str = "", **changes) -> Allergy:
    if "substance" in changes:
        changes["display"] = changes.pop("substance")
    _check_fields(changes, ALLERGY_FIELDS)
    _recode(allergy, changes, label="Substance")
    for name in ("severity", "criticality", "category"):
        if name in changes and changes[name] is None:
            changes[name] = ""
    updated = _update(
        actor=actor,
        obj=allergy,
        changes=changes,
        allowed=ALLERGY_FIELDS,
        validate=_validate_allergy(clinic_today(actor)),
        reason=reason,
    )
    if updated.status == Allergy.Status.ACTIVE:
        _end_nka(actor=actor, patient=updated.patient, why=f"Allergy recorded: {updated.display}")
    return updated


def allergy_enter_in_error(*, actor, allergy: Allergy, reason: str) -> Allergy:
    return chart_item_enter_in_error(actor=actor, item=allergy, reason=reason)


@transaction.atomic
def nka_record(*, actor, patient, note: str = "") -> NoKnownAllergies:
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


def nka_enter_in_error(*, actor, nka: NoKnownAllergies, reason: str) -> NoKnownAllergies:
    return chart_item_enter_in_error(actor=actor, item=nka, reason=reason)


# --- medications ------------------------------------------------------------------------


def _validate_medication(actor):
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
    actor,
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
    _check_encounter(encounter, patient)
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
    _validate_medication(actor)(med)
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
    *, actor, medication: MedicationStatement, reason_for_change: str = "", **changes
) -> MedicationStatement:
    if "drug_name" in changes:
        changes["display"] = changes.pop("drug_name")
    _check_fields(changes, MEDICATION_FIELDS)
    if {"code", "display"} & set(changes) and "code_system" not in changes:
        code = changes.get("code", medication.code)
        changes["code_system"] = CodeSystem.RXNORM if (code or "").strip() else CodeSystem.TEXT
    _recode(medication, changes, label="Drug name")
    return _update(
        actor=actor,
        obj=medication,
        changes=changes,
        allowed=MEDICATION_FIELDS,
        validate=_validate_medication(actor),
        reason=reason_for_change,
    )


def medication_stop(
    *, actor, medication: MedicationStatement, stop_date=None, reason: str = ""
) -> MedicationStatement:
    return medication_update(
        actor=actor,
        medication=medication,
        status=MedicationStatement.Status.STOPPED,
        stop_date=stop_date or clinic_today(actor),
        reason_for_change=clean_text(reason, field="reason", label="Reason", max_length=500),
    )


def medication_enter_in_error(
    *, actor, medication: MedicationStatement, reason: str
) -> MedicationStatement:
    return chart_item_enter_in_error(actor=actor, item=medication, reason=reason)


# --- immunizations ----------------------------------------------------------------------


def _validate_immunization(actor, today):
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


@transaction.atomic
def immunization_create(
    *,
    actor,
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
) -> Immunization:
    require(actor, "chart.edit")
    check_patient_in_clinic(actor, patient)
    _check_encounter(encounter, patient)
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
        note=text(note, "note", "Note", 5000),
        source_identifier=source_identifier,
    )
    _validate_immunization(actor, clinic_today(actor))(imm)
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
    "note",
}


@transaction.atomic
def immunization_update(
    *, actor, immunization: Immunization, reason: str = "", **changes
) -> Immunization:
    if "cvx_code" in changes:
        changes["code"] = changes.pop("cvx_code")
    if "vaccine_name" in changes:
        changes["display"] = changes.pop("vaccine_name")
    _check_fields(changes, IMMUNIZATION_FIELDS)
    if {"code", "display"} & set(changes):
        changes["code_system"] = CodeSystem.CVX
        _recode(immunization, changes, label="Vaccine")
        changes.pop("code_system")
    return _update(
        actor=actor,
        obj=immunization,
        changes=changes,
        allowed=IMMUNIZATION_FIELDS,
        validate=_validate_immunization(actor, clinic_today(actor)),
        reason=reason,
    )


def immunization_enter_in_error(*, actor, immunization: Immunization, reason: str):
    return chart_item_enter_in_error(actor=actor, item=immunization, reason=reason)


# --- past medical, surgical and family history ------------------------------------------


def _validate_history(today):
    def check(h: HistoryEntry) -> None:
        if h.status == HistoryEntry.Status.ENTERED_IN_ERROR:
            raise ValidationFailed("Use entered-in-error to withdraw a history entry.")
        if h.kind not in HistoryEntry.Kind.values:
            raise ValidationFailed("Choose past medical, surgical or family.", field="kind")
        check_not_future(h.date, field="date", label="Date", today=today)
        if h.kind == HistoryEntry.Kind.FAMILY:
            if not h.relation:
                raise ValidationFailed("Choose the family member.", field="relation")
        else:
            if h.relation or h.onset_age is not None or h.deceased is not None:
                raise ValidationFailed(
                    "Relation, onset age and deceased apply to family history only.",
                    field="relation",
                )
        if h.onset_age is not None and h.onset_age > 130:
            raise ValidationFailed("Onset age must be between 0 and 130.", field="onset_age")

    return check


@transaction.atomic
def history_entry_create(
    *,
    actor,
    patient,
    kind: str,
    display: str,
    code_system: str = CodeSystem.TEXT,
    code: str = "",
    date=None,
    date_text: str = "",
    relation: str = "",
    onset_age: int | None = None,
    deceased: bool | None = None,
    note: str = "",
    source_identifier: str = "",
) -> HistoryEntry:
    require(actor, "chart.edit")
    check_patient_in_clinic(actor, patient)
    label = "Procedure" if kind == HistoryEntry.Kind.SURGICAL else "Condition"
    system, code, display = coded(code_system, code, display, label=label)
    entry = HistoryEntry(
        patient=patient,
        kind=kind,
        code_system=system,
        code=code,
        display=display,
        date=date,
        date_text=clean_text(date_text, field="date_text", label="When", max_length=60),
        relation=relation or "",
        onset_age=onset_age,
        deceased=deceased,
        note=clean_text(note, field="note", label="Note", max_length=5000),
        source_identifier=source_identifier,
    )
    _validate_history(clinic_today(actor))(entry)
    save_new(actor=actor, obj=entry)
    return entry


HISTORY_FIELDS = {
    "display",
    "code",
    "code_system",
    "date",
    "date_text",
    "relation",
    "onset_age",
    "deceased",
    "note",
}


@transaction.atomic
def history_entry_update(*, actor, entry: HistoryEntry, reason: str = "", **changes):
    _check_fields(changes, HISTORY_FIELDS)
    _recode(entry, changes)
    for name in ("relation", "date_text"):
        if name in changes and changes[name] is None:
            changes[name] = ""
    return _update(
        actor=actor,
        obj=entry,
        changes=changes,
        allowed=HISTORY_FIELDS,
        validate=_validate_history(clinic_today(actor)),
        reason=reason,
    )


def history_entry_enter_in_error(*, actor, entry: HistoryEntry, reason: str) -> HistoryEntry:
    return chart_item_enter_in_error(actor=actor, item=entry, reason=reason)


# --- social history ---------------------------------------------------------------------

SOCIAL_FIELDS = {
    "smoking_status",
    "pack_years",
    "tobacco_other",
    "alcohol_use",
    "drug_use",
    "occupation",
    "living_situation",
    "sexual_history",
    "exercise",
    "note",
}


def current_social_history(patient) -> SocialHistory | None:
    return SocialHistory.objects.filter(
        patient=patient, status=SocialHistory.Status.CURRENT
    ).first()


def _validate_social(s: SocialHistory) -> None:
    if s.pack_years is not None and not (0 <= s.pack_years <= 300):
        raise ValidationFailed("Pack-years must be between 0 and 300.", field="pack_years")


@transaction.atomic
def social_history_save(
    *, actor, patient, reason: str = "", source_identifier: str = "", **fields
) -> SocialHistory:
    """Create the patient's social history, or update the current one (with history)."""
    require(actor, "chart.edit")
    check_patient_in_clinic(actor, patient)
    _check_fields(fields, SOCIAL_FIELDS)
    for name in SOCIAL_FIELDS - {"pack_years"}:
        if name in fields:
            fields[name] = clean_text(
                fields[name],
                field=name,
                label=name.replace("_", " ").capitalize(),
                max_length=5000 if name == "note" else 300,
            )
    existing = current_social_history(patient)
    if existing is not None:
        return _update(
            actor=actor,
            obj=existing,
            changes=fields,
            allowed=SOCIAL_FIELDS,
            validate=_validate_social,
            reason=reason,
        )
    social = SocialHistory(patient=patient, source_identifier=source_identifier, **fields)
    _validate_social(social)
    save_new(actor=actor, obj=social)
    return social


def social_history_enter_in_error(*, actor, social: SocialHistory, reason: str):
    return chart_item_enter_in_error(actor=actor, item=social, reason=reason)


# --- procedures -------------------------------------------------------------------------


def _validate_procedure(now):
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
    actor,
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
    _check_encounter(encounter, patient)
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
    _validate_procedure(timezone.now())(proc)
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
def procedure_update(*, actor, procedure: Procedure, reason_for_change: str = "", **changes):
    _check_fields(changes, PROCEDURE_FIELDS)
    _recode(procedure, changes, label="Procedure")
    return _update(
        actor=actor,
        obj=procedure,
        changes=changes,
        allowed=PROCEDURE_FIELDS,
        validate=_validate_procedure(timezone.now()),
        reason=reason_for_change,
    )


def procedure_enter_in_error(*, actor, procedure: Procedure, reason: str) -> Procedure:
    return chart_item_enter_in_error(actor=actor, item=procedure, reason=reason)


# --- observations -----------------------------------------------------------------------


def _validate_observation(now):
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
    actor,
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
    _check_encounter(encounter, patient)
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
    _validate_observation(timezone.now())(obs)
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
def observation_update(*, actor, observation: Observation, reason: str = "", **changes):
    _check_fields(changes, OBSERVATION_FIELDS)
    _recode(observation, changes, label="Test name")
    return _update(
        actor=actor,
        obj=observation,
        changes=changes,
        allowed=OBSERVATION_FIELDS,
        validate=_validate_observation(timezone.now()),
        reason=reason,
    )


def observation_enter_in_error(*, actor, observation: Observation, reason: str) -> Observation:
    return chart_item_enter_in_error(actor=actor, item=observation, reason=reason)
