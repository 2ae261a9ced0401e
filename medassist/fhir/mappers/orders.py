"""Orders → ServiceRequest, Specimen → Specimen, a resulted lab order → DiagnosticReport
(its results are the chart's Observations). Read only; validated with fhir.resources R4B."""

from __future__ import annotations

from medassist.fhir.mappers.common import coding, finish, instant, meta, ref
from medassist.orders.models import Order, Specimen, Tube
from medassist.records.models import CodeSystem

LOINC = "http://loinc.org"
SR_STATUS: dict[str, str] = {
    Order.Status.ORDERED: "active",
    Order.Status.COLLECTED: "active",
    Order.Status.SCHEDULED: "active",
    Order.Status.SENT: "active",
    Order.Status.RESULTED: "completed",
    Order.Status.REVIEWED: "completed",
    Order.Status.TOLD: "completed",
    Order.Status.CANCELLED: "revoked",
}
PRIORITY: dict[str, str] = {
    Order.Priority.ROUTINE: "routine",
    Order.Priority.URGENT: "urgent",
    Order.Priority.STAT: "stat",
}
CATEGORY: dict[str, tuple[str, str]] = {
    Order.Kind.LAB: ("108252007", "Laboratory procedure"),
    Order.Kind.IMAGING: ("363679005", "Imaging"),
    Order.Kind.REFERRAL: ("3457005", "Patient referral"),
}
DR_STATUS: dict[str, str] = {
    Order.Status.RESULTED: "final",
    Order.Status.REVIEWED: "final",
    Order.Status.TOLD: "final",
}
TUBE_CONTAINER = {t.value: t.label for t in Tube}
SNOMED = "http://snomed.info/sct"
V2_0916 = "http://terminology.hl7.org/CodeSystem/v2-0916"
V2_0074 = "http://terminology.hl7.org/CodeSystem/v2-0074"
UCUM = "http://unitsofmeasure.org"
LAB_CATEGORY = [{"coding": [{"system": V2_0074, "code": "LAB", "display": "Laboratory"}]}]


def _identifiers(order: Order) -> list[dict]:
    ids = [{"type": {"text": "Placer order number"}, "value": order.placer_number}]
    if order.filler_number:
        ids.append({"type": {"text": "Filler order number"}, "value": order.filler_number})
    return ids


def _occurrence(order: Order) -> str | None:
    if order.appointment_at:
        return instant(order.appointment_at)
    return order.due_date.isoformat()


def _order_code(order: Order) -> dict:
    if order.kind == Order.Kind.LAB:
        tests = list(order.tests.all())
        if len(tests) == 1:
            t = tests[0]
            return {"coding": [coding(CodeSystem.LOINC, t.loinc, t.name)], "text": t.name}
        return {
            "coding": [coding(CodeSystem.LOINC, t.loinc, t.name) for t in tests],
            "text": order.title,
        }
    if order.kind == Order.Kind.IMAGING and order.procedure_code:
        return {"text": order.title, "coding": [{"code": order.procedure_code}]}
    return {"text": order.title}


def service_request_to_fhir(order: Order) -> dict:
    code, display = CATEGORY[order.kind]
    notes = [t for t in (order.note, order.review_comment) if t]
    return finish(
        {
            "resourceType": "ServiceRequest",
            "id": str(order.public_id),
            "meta": meta(order, versioned=False),
            "identifier": [{"type": {"text": "Placer order number"}, "value": order.placer_number}]
            + (
                [{"type": {"text": "Filler order number"}, "value": order.filler_number}]
                if order.filler_number
                else []
            ),
            "status": SR_STATUS[order.status],
            "intent": "order",
            "category": [
                {"coding": [{"system": "http://snomed.info/sct", "code": code, "display": display}]}
            ],
            "priority": PRIORITY[order.priority],
            "code": _order_code(order),
            "subject": ref("Patient", order.patient),
            "authoredOn": instant(order.signed_at),
            "requester": ref("Practitioner", order.ordering_provider),
            "performer": [{"display": order.lab.name}]
            if order.lab_id and order.lab
            else ([{"display": order.refer_to}] if order.refer_to else []),
            "reasonCode": [{"text": t} for t in (order.reason, order.diagnosis) if t],
            "bodySite": [{"text": order.body_site}] if order.body_site else [],
            "occurrenceDateTime": instant(order.appointment_at)
            if order.appointment_at
            else order.due_date.isoformat(),
            "specimen": [ref("Specimen", s) for s in order.specimens.all()],
            "note": [{"text": t} for t in notes],
        }
    )


def specimen_to_fhir(s: Specimen) -> dict:
    return finish(
        {
            "resourceType": "Specimen",
            "id": str(s.public_id),
            "meta": meta(s, versioned=False),
            "accessionIdentifier": {"value": s.accession},
            "status": "available",
            "type": {"text": s.specimen_type},
            "subject": ref("Patient", s.order.patient),
            "request": [ref("ServiceRequest", s.order)],
            "collection": {
                "collectedDateTime": instant(s.collected_at),
                "collector": {"display": s.collected_by.get_full_name() or s.collected_by.username},
                "quantity": {
                    "value": float(s.volume_ml),
                    "unit": "mL",
                    "system": "http://unitsofmeasure.org",
                    "code": "mL",
                },
                "bodySite": {"text": s.site},
                **(
                    {
                        "fastingStatusCodeableConcept": {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/v2-0916",
                                    "code": "F" if s.fasting_confirmed else "NF",
                                }
                            ]
                        }
                    }
                    if s.fasting_confirmed is not None
                    else {}
                ),
            },
            "container": [{"type": {"text": TUBE_CONTAINER.get(s.tube, s.tube)}}],
        }
    )


def diagnostic_report_to_fhir(order: Order) -> dict:
    links = list(order.results.all())
    specimens = list(order.specimens.all())
    taken = specimens[0].collected_at if specimens else order.resulted_at
    interpreter = [ref("Practitioner", order.ordering_provider)] if order.reviewed_at else []
    return finish(
        {
            "resourceType": "DiagnosticReport",
            "id": str(order.public_id),
            "meta": meta(order, versioned=False),
            "identifier": [{"value": order.filler_number or order.placer_number}],
            "basedOn": [ref("ServiceRequest", order)],
            "status": DR_STATUS.get(order.status, "partial"),
            "category": LAB_CATEGORY,
            "code": _order_code(order),
            "subject": ref("Patient", order.patient),
            "effectiveDateTime": instant(taken),
            "issued": instant(order.resulted_at),
            "performer": [{"display": order.lab.name}] if order.lab else [],
            "resultsInterpreter": interpreter,
            "specimen": [ref("Specimen", s) for s in specimens],
            "result": [ref("Observation", link.observation) for link in links],
            "conclusion": order.review_comment or None,
        }
    )
