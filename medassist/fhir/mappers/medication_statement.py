"""MedicationStatement ↔ MedicationStatement."""

from __future__ import annotations

from medassist.fhir.errors import unprocessable
from medassist.fhir.mappers.common import (
    Resolver,
    choose,
    concept,
    concept_in,
    date,
    date_in,
    finish,
    first,
    instant,
    meta,
    note_in,
    ref,
)
from medassist.records.models import CodeSystem, MedicationStatement

STRENGTH_URL = "https://medassist.example.org/fhir/StructureDefinition/medication-strength"
STATUSES = {v: v for v in MedicationStatement.Status.values if v != "entered-in-error"}


def medication_to_fhir(med: MedicationStatement) -> dict:
    m = med
    source = None
    prescriber = m.prescriber if m.prescriber_id else None
    if prescriber is not None:
        source = ref("Practitioner", prescriber, prescriber.display_name)
    elif m.prescriber_text:
        source = {"display": m.prescriber_text}
    dosage = {
        "text": m.dose,
        "route": {"text": m.route} if m.route else None,
        "timing": {"code": {"text": m.frequency}} if m.frequency else None,
    }
    return finish(
        {
            "resourceType": "MedicationStatement",
            "id": str(m.public_id),
            "meta": meta(m),
            "extension": [{"url": STRENGTH_URL, "valueString": m.strength}] if m.strength else [],
            "status": m.status,
            "medicationCodeableConcept": concept(m.code_system, m.code, m.display),
            "subject": ref("Patient", m.patient),
            "context": ref("Encounter", m.encounter) if m.encounter_id else None,
            "effectivePeriod": {"start": date(m.start_date), "end": date(m.stop_date)},
            "dateAsserted": instant(m.created_at),
            "informationSource": source,
            "reasonCode": [{"text": m.reason}] if m.reason else [],
            "note": [{"text": m.note}] if m.note else [],
            "dosage": [dosage],
        }
    )


def medication_from_fhir(data: dict, resolve: Resolver) -> dict:
    """Arguments for medication_create (patient, encounter included) / medication_update."""
    if "medicationReference" in data:
        raise unprocessable(
            "Send the drug as medicationCodeableConcept (RxNorm or text).",
            expression="MedicationStatement.medicationReference",
        )
    system, code, display = concept_in(
        data.get("medicationCodeableConcept"), preferred=(CodeSystem.RXNORM,)
    )
    if system not in (CodeSystem.RXNORM, CodeSystem.TEXT):
        system, code = CodeSystem.TEXT, ""
    source = data.get("informationSource") or {}
    prescriber = None
    prescriber_text = ""
    if source.get("reference"):
        prescriber = resolve(source, ("Practitioner",))
    else:
        prescriber_text = source.get("display") or ""
    dosage = first(data.get("dosage"))
    period = data.get("effectivePeriod") or {}
    strength = next(
        (
            e.get("valueString", "")
            for e in data.get("extension") or []
            if e.get("url") == STRENGTH_URL
        ),
        "",
    )
    return {
        "patient": resolve(data.get("subject"), ("Patient",)),
        "encounter": resolve(data.get("context"), ("Encounter",)) if data.get("context") else None,
        "code_system": system,
        "code": code,
        "drug_name": display,
        "strength": strength,
        "dose": dosage.get("text") or "",
        "route": (dosage.get("route") or {}).get("text") or "",
        "frequency": ((dosage.get("timing") or {}).get("code") or {}).get("text") or "",
        "prescriber": prescriber,
        "prescriber_text": prescriber_text,
        "start_date": date_in(
            period.get("start") or data.get("effectiveDateTime"),
            field="MedicationStatement.effectivePeriod.start",
        ),
        "stop_date": date_in(period.get("end"), field="MedicationStatement.effectivePeriod.end"),
        "status": choose(
            data.get("status") or "", STATUSES, field="MedicationStatement.status", default="active"
        ),
        "reason": first(data.get("reasonCode")).get("text") or "",
        "note": note_in(data),
    }
