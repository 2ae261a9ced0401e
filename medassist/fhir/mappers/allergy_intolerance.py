"""Allergy ↔ AllergyIntolerance; "no known allergies" → AllergyIntolerance (SNOMED 716186003)."""

from __future__ import annotations

from medassist.fhir.errors import unprocessable
from medassist.fhir.mappers.common import (
    Resolver,
    choose,
    code_of,
    concept,
    concept_in,
    date,
    date_in,
    finish,
    first,
    fixed,
    instant,
    meta,
    note_in,
    ref,
)
from medassist.records.models import Allergy, CodeSystem, NoKnownAllergies

CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
VERIFICATION = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"
STATUSES = {"active": "active", "inactive": "inactive", "resolved": "resolved"}
TYPES = {v: v for v in Allergy.Type.values}
CATEGORIES = {v: v for v in Allergy.Category.values}
CRITICALITIES = {v: v for v in Allergy.Criticality.values}
SEVERITIES = {v: v for v in Allergy.Severity.values}
NKA_CODE = ("716186003", "No known allergy")


def allergy_to_fhir(allergy: Allergy) -> dict:
    a = allergy
    in_error = a.status == Allergy.Status.ENTERED_IN_ERROR
    reaction = None
    if a.reaction or a.severity:
        reaction = {
            "manifestation": [{"text": a.reaction or "Reaction not described"}],
            "severity": a.severity or None,
        }
    return finish(
        {
            "resourceType": "AllergyIntolerance",
            "id": str(a.public_id),
            "meta": meta(a),
            "clinicalStatus": None if in_error else fixed(CLINICAL, a.status),
            "verificationStatus": fixed(
                VERIFICATION, "entered-in-error" if in_error else "confirmed"
            ),
            "type": a.allergy_type,
            "category": [a.category] if a.category else [],
            "criticality": a.criticality or None,
            "code": concept(a.code_system, a.code, a.display),
            "patient": ref("Patient", a.patient),
            "onsetDateTime": date(a.onset_date),
            "recordedDate": instant(a.created_at),
            "reaction": [reaction] if reaction else [],
            "note": [{"text": a.note}] if a.note else [],
        }
    )


def nka_to_fhir(nka: NoKnownAllergies) -> dict:
    statuses: dict[str, str] = {
        NoKnownAllergies.Status.CURRENT: "active",
        NoKnownAllergies.Status.ENDED: "inactive",
    }
    status = statuses.get(str(nka.status))
    return finish(
        {
            "resourceType": "AllergyIntolerance",
            "id": str(nka.public_id),
            "meta": meta(nka),
            "clinicalStatus": fixed(CLINICAL, status) if status else None,
            "verificationStatus": fixed(
                VERIFICATION, "confirmed" if status else "entered-in-error"
            ),
            "code": concept(CodeSystem.SNOMED, *NKA_CODE),
            "patient": ref("Patient", nka.patient),
            "recordedDate": instant(nka.recorded_at),
            "note": [{"text": nka.note}] if nka.note else [],
        }
    )


def allergy_from_fhir(data: dict, resolve: Resolver) -> dict:
    """Arguments for allergy_create (patient included) / allergy_update."""
    system, code, display = concept_in(
        data.get("code"), preferred=(CodeSystem.RXNORM, CodeSystem.SNOMED)
    )
    if code == NKA_CODE[0]:
        raise unprocessable(
            "Record “no known allergies” in the chart, not as an AllergyIntolerance.",
            expression="AllergyIntolerance.code",
        )
    if not display:
        raise unprocessable(
            "AllergyIntolerance.code needs a text or a display (the substance).",
            expression="AllergyIntolerance.code",
        )
    if code_of(data.get("verificationStatus")) == "entered-in-error":
        raise unprocessable(
            "Mark an allergy entered in error in the chart, with a reason.",
            expression="AllergyIntolerance.verificationStatus",
        )
    reaction = first(data.get("reaction"))
    manifestation = first(reaction.get("manifestation"))
    manifestation_text = manifestation.get("text") or first(manifestation.get("coding")).get(
        "display", ""
    )
    categories = data.get("category") or []
    return {
        "patient": resolve(data.get("patient"), ("Patient",)),
        "code_system": system,
        "code": code,
        "substance": display,
        "status": choose(
            code_of(data.get("clinicalStatus")),
            STATUSES,
            field="AllergyIntolerance.clinicalStatus",
            default="active",
        ),
        "allergy_type": choose(
            data.get("type") or "", TYPES, field="AllergyIntolerance.type", default="allergy"
        ),
        "category": choose(
            categories[0] if categories else "",
            CATEGORIES,
            field="AllergyIntolerance.category",
            default="",
        ),
        "criticality": choose(
            data.get("criticality") or "",
            CRITICALITIES,
            field="AllergyIntolerance.criticality",
            default="",
        ),
        "severity": choose(
            reaction.get("severity") or "",
            SEVERITIES,
            field="AllergyIntolerance.reaction.severity",
            default="",
        ),
        "reaction": manifestation_text or "",
        "onset_date": date_in(data.get("onsetDateTime"), field="AllergyIntolerance.onsetDateTime"),
        "note": note_in(data),
    }
