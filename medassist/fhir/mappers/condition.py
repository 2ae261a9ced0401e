"""Problem ↔ Condition."""

from __future__ import annotations

from medassist.fhir.mappers.common import (
    Resolver,
    choose,
    concept,
    concept_in,
    date,
    date_in,
    finish,
    fixed,
    meta,
    note_in,
    ref,
)
from medassist.records.models import CodeSystem, Problem

CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
CLINICAL_STATUSES = {v: v for v in Problem.ClinicalStatus.values}
VERIFICATION_STATUSES = {v: v for v in Problem.Verification.values if v != "entered-in-error"}
CATEGORIES = {v: v for v in Problem.Category.values}


def condition_to_fhir(problem: Problem) -> dict:
    p = problem
    in_error = p.verification_status == Problem.Verification.ENTERED_IN_ERROR
    return finish(
        {
            "resourceType": "Condition",
            "id": str(p.public_id),
            "meta": meta(p),
            # con-5: no clinical status on a condition entered in error
            "clinicalStatus": None if in_error else fixed(CLINICAL, p.clinical_status),
            "verificationStatus": fixed(VERIFICATION, p.verification_status),
            "category": [fixed(CATEGORY, p.category)],
            "code": concept(p.code_system, p.code, p.display),
            "subject": ref("Patient", p.patient),
            "encounter": ref("Encounter", p.encounter) if p.encounter_id else None,
            "onsetDateTime": date(p.onset_date),
            "abatementDateTime": date(p.abatement_date),
            "recordedDate": date(p.recorded_date),
            "note": [{"text": p.note}] if p.note else [],
        }
    )


def _code(cc: dict | None) -> str:
    for c in (cc or {}).get("coding") or []:
        if c.get("code"):
            return c["code"]
    return ""


def condition_from_fhir(data: dict, resolve: Resolver) -> dict:
    """Arguments for problem_create (patient, encounter included) / problem_update."""
    system, code, display = concept_in(
        data.get("code"), preferred=(CodeSystem.ICD10CM, CodeSystem.SNOMED)
    )
    if not display and not code:
        from medassist.fhir.errors import unprocessable

        raise unprocessable("Condition.code is required.", expression="Condition.code")
    category = next((_code(c) for c in data.get("category") or [] if _code(c)), "")
    return {
        "patient": resolve(data.get("subject"), ("Patient",)),
        "encounter": resolve(data.get("encounter"), ("Encounter",))
        if data.get("encounter")
        else None,
        "code_system": system,
        "code": code,
        "display": display,
        "clinical_status": choose(
            _code(data.get("clinicalStatus")),
            CLINICAL_STATUSES,
            field="Condition.clinicalStatus",
            default="active",
        ),
        "verification_status": choose(
            _code(data.get("verificationStatus")),
            VERIFICATION_STATUSES,
            field="Condition.verificationStatus",
            default="confirmed",
        ),
        "category": choose(
            category, CATEGORIES, field="Condition.category", default="problem-list-item"
        ),
        "onset_date": date_in(data.get("onsetDateTime"), field="Condition.onsetDateTime"),
        "abatement_date": date_in(
            data.get("abatementDateTime"), field="Condition.abatementDateTime"
        ),
        "note": note_in(data),
    }
