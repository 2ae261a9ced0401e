"""Pharmacy → FHIR R4 (read only): MedicationOrder → MedicationRequest, Dispense →
MedicationDispense, Administration → MedicationAdministration. A vaccine's administration
is also the chart's Immunization (served by the Immunization mapper)."""

from __future__ import annotations

from medassist.fhir.mappers.common import decimal_out, finish, instant, meta, ref
from medassist.pharmacy.models import Administration, Dispense, MedicationOrder

RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
NDC = "http://hl7.org/fhir/sid/ndc"
CVX = "http://hl7.org/fhir/sid/cvx"
REQUEST_STATUS = {"active": "active", "completed": "completed", "cancelled": "cancelled",
                  "entered-in-error": "entered-in-error"}  # fmt: skip
CATEGORY: dict[str, str] = {
    MedicationOrder.Kind.ADMINISTER: "inpatient",  # given in the office (FHIR: "inpatient")
    MedicationOrder.Kind.DISPENSE: "community",
    MedicationOrder.Kind.PRESCRIPTION: "outpatient",
}
CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/medicationrequest-category"


def _medication(name: str, rxnorm: str = "", ndc: str = "", cvx: str = "") -> dict:
    codings = []
    if rxnorm:
        codings.append({"system": RXNORM, "code": rxnorm, "display": name})
    if ndc:
        codings.append({"system": NDC, "code": f"{ndc[:5]}-{ndc[5:9]}-{ndc[9:]}"})
    if cvx:
        codings.append({"system": CVX, "code": cvx})
    return {"coding": codings, "text": name}


def _dose(amount, unit: str) -> dict:
    return {"value": decimal_out(amount), "unit": unit}


def medication_request_to_fhir(o: MedicationOrder) -> dict:
    dosage = {
        "text": f"{o}{', ' + o.frequency if o.frequency else ''}",
        "patientInstruction": o.instructions or None,
        "route": {"text": o.route},
        "timing": {"code": {"text": o.frequency}} if o.frequency else None,
        "doseAndRate": [{"doseQuantity": _dose(o.dose_amount, o.dose_unit)}],
    }
    return finish(
        {
            "resourceType": "MedicationRequest",
            "id": str(o.public_id),
            "meta": meta(o),
            "status": REQUEST_STATUS[o.status],
            "statusReason": {"text": o.status_reason} if o.status_reason else None,
            "intent": "order",
            "category": [
                {
                    "coding": [{"system": CATEGORY_SYSTEM, "code": CATEGORY[o.kind]}],
                    "text": o.get_kind_display(),
                }
            ],
            "medicationCodeableConcept": _medication(o.drug_name, o.rxnorm, o.ndc, o.cvx),
            "subject": ref("Patient", o.patient),
            "authoredOn": instant(o.created_at),
            "requester": ref("Practitioner", o.prescriber, o.prescriber.display_name),
            "reasonCode": [{"text": o.reason}] if o.reason else [],
            "dosageInstruction": [dosage],
            "dispenseRequest": {
                "validityPeriod": {"start": instant(o.not_before), "end": instant(o.not_after)},
                "numberOfRepeatsAllowed": o.refills,
                "quantity": {"value": o.quantity},
            },
            "priorPrescription": ref("MedicationRequest", o.replaces) if o.replaces_id else None,
        }
    )


def medication_dispense_to_fhir(d: Dispense) -> dict:
    o, lot = d.order, d.lot
    item = lot.item
    return finish(
        {
            "resourceType": "MedicationDispense",
            "id": str(d.public_id),
            "meta": meta(d),
            "status": "completed",
            "medicationCodeableConcept": _medication(item.name, item.rxnorm, item.ndc, item.cvx),
            "subject": ref("Patient", d.patient),
            "performer": [{"actor": {"display": d.performer.display_name}}],
            "authorizingPrescription": [ref("MedicationRequest", o)],
            "quantity": {"value": d.quantity, "unit": item.unit},
            "whenHandedOver": instant(d.at),
            "note": [{"text": f"Lot {lot.lot_number}, expires {lot.expires_on:%Y-%m-%d}"}],
        }
    )


def medication_administration_to_fhir(a: Administration) -> dict:
    o, lot = a.order, a.lot
    item = lot.item
    return finish(
        {
            "resourceType": "MedicationAdministration",
            "id": str(a.public_id),
            "meta": meta(a),
            "status": "completed",
            "medicationCodeableConcept": _medication(item.name, item.rxnorm, item.ndc, item.cvx),
            "subject": ref("Patient", a.patient),
            "effectiveDateTime": instant(a.at),
            "performer": [{"actor": {"display": a.performer.display_name}}],
            "request": ref("MedicationRequest", o),
            "supportingInformation": [ref("Immunization", a.immunization)]
            if a.immunization_id
            else [],
            "note": [
                {
                    "text": f"Lot {lot.lot_number}, expires {lot.expires_on:%Y-%m-%d}"
                    + (f"; VIS edition {a.vis_date:%Y-%m-%d}" if a.vis_date else "")
                }
            ],
            "dosage": {
                "site": {"text": a.site} if a.site else None,
                "route": {"text": a.route},
                "dose": _dose(a.dose_amount, a.dose_unit),
            },
        }
    )
