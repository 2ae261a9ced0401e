"""Procedure → Procedure (read only: procedures come from importers and the chart)."""

from __future__ import annotations

from medassist.fhir.mappers.common import concept, finish, instant, meta, ref
from medassist.fhir.mappers.procedure_ma import ma_notes, ma_performers
from medassist.records.models import Procedure


def procedure_to_fhir(proc: Procedure) -> dict:
    p = proc
    performed: dict = {}
    if p.performed_end:
        performed["performedPeriod"] = {
            "start": instant(p.performed_start),
            "end": instant(p.performed_end),
        }
    elif p.performed_start:
        performed["performedDateTime"] = instant(p.performed_start)
    return finish(
        {
            "resourceType": "Procedure",
            "id": str(p.public_id),
            "meta": meta(p),
            "status": p.status,
            "code": concept(p.code_system, p.code, p.display),
            "subject": ref("Patient", p.patient),
            "encounter": ref("Encounter", p.encounter) if p.encounter_id else None,
            **performed,
            "bodySite": [{"text": p.body_site}] if p.body_site else [],
            "reasonCode": [{"text": p.reason}] if p.reason else [],
            "note": ([{"text": p.note}] if p.note else []) + ma_notes(p),
            "performer": ma_performers(p),
            "usedCode": [
                {"text": f"{s['name']} × {s['quantity']}"} for s in (p.supplies or [])
            ],
        }
    )
