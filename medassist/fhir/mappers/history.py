"""Past medical history → Condition, surgical history → Procedure, family history →
FamilyMemberHistory, and the social history's smoking status → Observation (LOINC 72166-2).
Read only: histories are kept on the chart screen."""

from __future__ import annotations

from medassist.fhir.mappers.common import (
    UCUM,
    concept,
    date,
    finish,
    fixed,
    instant,
    meta,
    ref,
)
from medassist.records.models import (
    ENTERED_IN_ERROR,
    SYSTEM_URIS,
    CodeSystem,
    HistoryEntry,
    SocialHistory,
)

ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
SMOKING_STATUS = ("72166-2", "Tobacco smoking status")
PAST_MEDICAL = {"text": "Past medical history"}
SURGICAL = {"text": "Surgical history"}


def _in_error(h) -> bool:
    return h.status == ENTERED_IN_ERROR


def _notes(*texts: str) -> list[dict]:
    return [{"text": t} for t in texts if t]


def past_medical_to_fhir(h: HistoryEntry) -> dict:
    return finish(
        {
            "resourceType": "Condition",
            "id": str(h.public_id),
            "meta": meta(h),
            "verificationStatus": fixed(
                VERIFICATION, "entered-in-error" if _in_error(h) else "confirmed"
            ),
            "category": [PAST_MEDICAL],
            "code": concept(h.code_system, h.code, h.display),
            "subject": ref("Patient", h.patient),
            "onsetDateTime": date(h.date),
            "onsetString": None if h.date else h.date_text,
            "recordedDate": instant(h.created_at),
            "note": _notes(h.note),
        }
    )


def surgical_to_fhir(h: HistoryEntry) -> dict:
    return finish(
        {
            "resourceType": "Procedure",
            "id": str(h.public_id),
            "meta": meta(h),
            "status": "entered-in-error" if _in_error(h) else "completed",
            "category": SURGICAL,
            "code": concept(h.code_system, h.code, h.display),
            "subject": ref("Patient", h.patient),
            "performedDateTime": date(h.date),
            "performedString": None if h.date else h.date_text,
            "note": _notes(h.note),
        }
    )


def family_history_to_fhir(h: HistoryEntry) -> dict:
    condition: dict = {"code": concept(h.code_system, h.code, h.display)}
    if h.onset_age is not None:
        condition["onsetAge"] = {"value": h.onset_age, "unit": "a", "system": UCUM, "code": "a"}
    return finish(
        {
            "resourceType": "FamilyMemberHistory",
            "id": str(h.public_id),
            "meta": meta(h),
            "status": "entered-in-error" if _in_error(h) else "completed",
            "patient": ref("Patient", h.patient),
            "date": instant(h.created_at),
            "relationship": {
                "coding": [
                    {"system": ROLE_CODE, "code": h.relation, "display": h.get_relation_display()}
                ],
                "text": h.get_relation_display(),
            },
            "deceasedBoolean": h.deceased,
            "condition": [condition],
            "note": _notes(h.note),
        }
    )


def smoking_status_to_fhir(social: SocialHistory) -> dict:
    s = social
    details = [
        f"{label}: {value}"
        for label, value in (
            ("Pack-years", s.pack_years),
            ("Other tobacco", s.tobacco_other),
            ("Alcohol", s.alcohol_use),
            ("Drugs", s.drug_use),
            ("Occupation", s.occupation),
            ("Living situation", s.living_situation),
            ("Exercise", s.exercise),
        )
        if value not in (None, "")
    ]
    loinc = SYSTEM_URIS[CodeSystem.LOINC]
    return finish(
        {
            "resourceType": "Observation",
            "id": str(s.public_id),
            "meta": meta(s),
            "status": "entered-in-error" if _in_error(s) else "final",
            "category": [fixed(OBSERVATION_CATEGORY, "social-history", "Social History")],
            "code": {
                "coding": [
                    {"system": loinc, "code": SMOKING_STATUS[0], "display": SMOKING_STATUS[1]}
                ],
                "text": SMOKING_STATUS[1],
            },
            "subject": ref("Patient", s.patient),
            "effectiveDateTime": instant(s.updated_at),
            "valueCodeableConcept": concept(
                CodeSystem.SNOMED, s.smoking_status, s.get_smoking_status_display()
            ),
            "note": _notes("; ".join(details), s.note),
        }
    )
