"""Encounter ↔ Encounter."""

from __future__ import annotations

from medassist.fhir.mappers.common import (
    Resolver,
    choose,
    concept,
    concept_in,
    datetime_in,
    finish,
    first,
    instant,
    meta,
    ref,
)
from medassist.records.models import Encounter

ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
STATUSES = {v: v for v in Encounter.Status.values if v != "entered-in-error"}
CLASSES = {v: v for v in Encounter.Class.values}


def encounter_to_fhir(encounter: Encounter) -> dict:
    e = encounter
    provider = e.provider if e.provider_id else None
    return finish(
        {
            "resourceType": "Encounter",
            "id": str(e.public_id),
            "meta": meta(e),
            "status": e.status,
            "class": {
                "system": ACT_CODE,
                "code": e.class_code,
                "display": e.get_class_code_display().lower(),
            },
            "type": [concept(e.type_code_system, e.type_code, e.type_display)]
            if e.type_display or e.type_code
            else [],
            "subject": ref("Patient", e.patient),
            "participant": [{"individual": ref("Practitioner", provider, provider.display_name)}]
            if provider is not None
            else [],
            "appointment": [ref("Appointment", e.appointment)] if e.appointment_id else [],
            "period": {"start": instant(e.start), "end": instant(e.end)},
            "reasonCode": [concept(e.reason_code_system, e.reason_code, e.reason_text)]
            if e.reason_text or e.reason_code
            else [],
        }
    )


def encounter_from_fhir(data: dict, resolve: Resolver, *, tz) -> dict:
    """Arguments for encounter_create (patient, appointment included) / encounter_update."""
    klass = data.get("class") or {}
    type_system, type_code, type_display = concept_in(first(data.get("type")))
    provider = None
    for p in data.get("participant") or []:
        individual = p.get("individual") or {}
        if (individual.get("reference") or "").startswith(("Practitioner/", "urn:uuid:")):
            provider = resolve(individual, ("Practitioner",))
            break
    period = data.get("period") or {}
    appointment = first(data.get("appointment"))
    return {
        "patient": resolve(data.get("subject"), ("Patient",)),
        "appointment": resolve(appointment, ("Appointment",)) if appointment else None,
        "provider": provider,
        "start": datetime_in(period.get("start"), field="Encounter.period.start", tz=tz),
        "end": datetime_in(period.get("end"), field="Encounter.period.end", tz=tz),
        "class_code": choose(
            klass.get("code") or "", CLASSES, field="Encounter.class", default="AMB"
        ),
        "type_code_system": type_system,
        "type_code": type_code,
        "type_display": type_display,
        "reason_text": concept_in(first(data.get("reasonCode")))[2],
        "status": choose(data.get("status") or "", STATUSES, field="Encounter.status"),
    }
