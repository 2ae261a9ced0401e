"""Immunization ↔ Immunization (CVX)."""

from __future__ import annotations

import re

from medassist.fhir.errors import unprocessable
from medassist.fhir.mappers.common import (
    UCUM,
    Resolver,
    choose,
    code_of,
    concept,
    date,
    date_in,
    decimal_out,
    finish,
    first,
    meta,
    note_in,
    ref,
)
from medassist.records.models import SYSTEM_URIS, CodeSystem, Immunization

STATUSES = {"completed": "completed", "not-done": "not-done"}
_DOSE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]+)?\s*$")
_UNITS = {"ml": "mL", "mcg": "ug", "ug": "ug", "mg": "mg"}


def _dose_quantity(text: str) -> dict | None:
    m = _DOSE.match(text or "")
    if not m:
        return None
    q: dict = {"value": decimal_out(m[1])}
    if m[2]:
        q["unit"] = m[2]
        code = _UNITS.get(m[2].lower())
        if code:
            q.update(system=UCUM, code=code)
    return q


def immunization_to_fhir(imm: Immunization) -> dict:
    i = imm
    dose = _dose_quantity(i.dose_quantity)
    notes = [i.note] if i.note else []
    if i.dose_quantity and dose is None:
        notes.append(f"Dose: {i.dose_quantity}")
    performer = i.performer if i.performer_id else None
    performer_name = i.performer_text or (
        (performer.get_full_name() or performer.username) if performer is not None else ""
    )
    return finish(
        {
            "resourceType": "Immunization",
            "id": str(i.public_id),
            "meta": meta(i),
            "status": i.status,
            "statusReason": {"text": i.status_reason} if i.status_reason else None,
            "vaccineCode": concept(i.code_system, i.code, i.display),
            "patient": ref("Patient", i.patient),
            "encounter": ref("Encounter", i.encounter) if i.encounter_id else None,
            "occurrenceDateTime": date(i.occurrence_date),
            "primarySource": i.primary_source,
            "manufacturer": {"display": i.manufacturer} if i.manufacturer else None,
            "lotNumber": i.lot_number,
            "expirationDate": date(i.expiration_date),
            "site": {"text": i.site} if i.site else None,
            "route": {"text": i.route} if i.route else None,
            "doseQuantity": dose,
            "performer": [{"actor": {"display": performer_name}}] if performer_name else [],
            "note": [{"text": n} for n in notes],
        }
    )


def immunization_from_fhir(data: dict, resolve: Resolver) -> dict:
    """Arguments for immunization_create (patient, encounter included) / immunization_update."""
    vaccine = data.get("vaccineCode") or {}
    cvx = code_of(vaccine, SYSTEM_URIS[CodeSystem.CVX])
    if not cvx:
        raise unprocessable(
            "Immunization.vaccineCode needs a CVX coding (http://hl7.org/fhir/sid/cvx).",
            expression="Immunization.vaccineCode",
        )
    name = vaccine.get("text") or next(
        (
            c.get("display", "")
            for c in vaccine.get("coding") or []
            if c.get("system") == SYSTEM_URIS[CodeSystem.CVX]
        ),
        "",
    )
    dose = data.get("doseQuantity") or {}
    dose_text = ""
    if dose.get("value") is not None:
        dose_text = f"{dose['value']} {dose.get('unit') or dose.get('code') or ''}".strip()
    if "occurrenceString" in data:
        raise unprocessable(
            "Give the date as occurrenceDateTime.", expression="Immunization.occurrenceDateTime"
        )
    return {
        "patient": resolve(data.get("patient"), ("Patient",)),
        "encounter": resolve(data.get("encounter"), ("Encounter",))
        if data.get("encounter")
        else None,
        "cvx_code": cvx,
        "vaccine_name": name,
        "occurrence_date": date_in(
            data.get("occurrenceDateTime"), field="Immunization.occurrenceDateTime"
        ),
        "status": choose(data.get("status") or "", STATUSES, field="Immunization.status"),
        "status_reason": (data.get("statusReason") or {}).get("text") or "",
        "primary_source": data.get("primarySource", True) is not False,
        "manufacturer": (data.get("manufacturer") or {}).get("display") or "",
        "lot_number": data.get("lotNumber") or "",
        "expiration_date": date_in(data.get("expirationDate"), field="Immunization.expirationDate"),
        "site": (data.get("site") or {}).get("text") or "",
        "route": (data.get("route") or {}).get("text") or "",
        "dose_quantity": dose_text,
        "performer_text": (first(data.get("performer")).get("actor") or {}).get("display") or "",
        "note": note_in(data),
    }
