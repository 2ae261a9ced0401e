"""Observation ↔ results (records.Observation), and each measurement of a vitals set
(intake.Vitals) → a vital-signs Observation with its LOINC code and UCUM unit.

A vitals set has no id of its own in FHIR: each measurement is `<vitals public id>-<key>`
(e.g. `…-bp`, `…-weight`); vital-sign Observations are read only (recorded at rooming)."""

from __future__ import annotations

from dataclasses import dataclass

from medassist.fhir.errors import unprocessable
from medassist.fhir.mappers.common import (
    UCUM,
    Resolver,
    choose,
    code_of,
    concept,
    concept_in,
    datetime_in,
    decimal_in,
    decimal_out,
    finish,
    first,
    fixed,
    instant,
    meta,
    note_in,
    ref,
)
from medassist.records.models import SYSTEM_URIS, CodeSystem, Observation

CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
LOINC = SYSTEM_URIS[CodeSystem.LOINC]
STATUSES = {v: v for v in Observation.Status.values if v != "entered-in-error"}
CATEGORIES = {v: v for v in Observation.Category.values}
# units we show that are not UCUM codes themselves → their UCUM code
UCUM_CODE = {"dB HL": "dB"}


@dataclass(frozen=True)
class VitalSign:
    key: str
    loinc: str
    display: str
    field: str  # Vitals field ("" for the blood-pressure panel)
    unit: str  # UCUM
    extra_codes: tuple[tuple[str, str], ...] = ()


BP_SYSTOLIC = ("8480-6", "Systolic blood pressure")
BP_DIASTOLIC = ("8462-4", "Diastolic blood pressure")
VITAL_SIGNS: tuple[VitalSign, ...] = (
    VitalSign("bp", "85354-9", "Blood pressure panel with all children optional", "", "mm[Hg]"),
    VitalSign("hr", "8867-4", "Heart rate", "pulse", "/min"),
    VitalSign("rr", "9279-1", "Respiratory rate", "respiratory_rate", "/min"),
    VitalSign("temp", "8310-5", "Body temperature", "temperature_c", "Cel"),
    VitalSign(
        "spo2",
        "59408-5",
        "Oxygen saturation in Arterial blood by Pulse oximetry",
        "spo2",
        "%",
        (("2708-6", "Oxygen saturation in Arterial blood"),),
    ),
    VitalSign("height", "8302-2", "Body height", "height_cm", "cm"),
    VitalSign("weight", "29463-7", "Body weight", "weight_kg", "kg"),
    VitalSign("bmi", "39156-5", "Body mass index (BMI) [Ratio]", "bmi", "kg/m2"),
    VitalSign(
        "head",
        "9843-4",
        "Head Occipital-frontal circumference",
        "head_circumference_cm",
        "cm",
    ),
    VitalSign(
        "pain",
        "72514-3",
        "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
        "pain",
        "{score}",
    ),
)
VITALS_BY_KEY = {v.key: v for v in VITAL_SIGNS}
# every LOINC code a vitals set answers to (components included) → the measurement keys
VITALS_BY_LOINC: dict[str, list[str]] = {}
for _v in VITAL_SIGNS:
    for _code in (_v.loinc, *(c for c, _ in _v.extra_codes)):
        VITALS_BY_LOINC.setdefault(_code, []).append(_v.key)
VITALS_BY_LOINC.setdefault(BP_SYSTOLIC[0], []).append("bp")
VITALS_BY_LOINC.setdefault(BP_DIASTOLIC[0], []).append("bp")


def vitals_present(vitals) -> list[str]:
    """The measurement keys a vitals set holds."""
    keys = []
    for v in VITAL_SIGNS:
        if v.key == "bp":
            if vitals.bp_systolic is not None or vitals.bp_diastolic is not None:
                keys.append("bp")
        elif getattr(vitals, v.field) is not None:
            keys.append(v.key)
    return keys


def _quantity(value, unit: str) -> dict:
    return {"value": decimal_out(value), "unit": unit, "system": UCUM, "code": unit}


def vital_sign_to_fhir(vitals, key: str) -> dict:
    v = VITALS_BY_KEY[key]
    codings = [
        {"system": LOINC, "code": v.loinc, "display": v.display},
        *({"system": LOINC, "code": c, "display": d} for c, d in v.extra_codes),
    ]
    data: dict = {
        "resourceType": "Observation",
        "id": f"{vitals.public_id}-{key}",
        "meta": meta(vitals, versioned=False),
        "status": "entered-in-error" if vitals.entered_in_error else "final",
        "category": [{**fixed(CATEGORY, "vital-signs", "Vital Signs"), "text": "Vital Signs"}],
        "code": {"coding": codings, "text": v.display},
        "subject": ref("Patient", vitals.patient),
        "effectiveDateTime": instant(vitals.taken_at),
        "issued": instant(vitals.created_at),
    }
    appointment = vitals.appointment if vitals.appointment_id else None
    encounter = getattr(appointment, "encounter", None) if appointment is not None else None
    if encounter is not None:
        data["encounter"] = ref("Encounter", encounter)
    if key == "bp":
        data["component"] = [
            {
                "code": {"coding": [{"system": LOINC, "code": code, "display": display}]},
                "valueQuantity": _quantity(value, "mm[Hg]"),
            }
            for (code, display), value in (
                (BP_SYSTOLIC, vitals.bp_systolic),
                (BP_DIASTOLIC, vitals.bp_diastolic),
            )
            if value is not None
        ]
    else:
        data["valueQuantity"] = _quantity(getattr(vitals, v.field), v.unit)
    return finish(data)


def observation_to_fhir(obs: Observation) -> dict:
    o = obs
    value: dict = {}
    if o.value_quantity is not None:
        quantity: dict = {"value": decimal_out(o.value_quantity)}
        if o.value_unit:
            code = UCUM_CODE.get(o.value_unit, o.value_unit)
            quantity.update(unit=o.value_unit, system=UCUM, code=code)
        value["valueQuantity"] = quantity
    elif o.value_code:
        value["valueCodeableConcept"] = concept(
            o.value_code_system or CodeSystem.SNOMED, o.value_code, o.value_string
        )
    elif o.value_string:
        value["valueString"] = o.value_string
    category = o.get_category_display()
    return finish(
        {
            "resourceType": "Observation",
            "id": str(o.public_id),
            "meta": meta(o),
            "status": o.status,
            "category": [{**fixed(CATEGORY, o.category, category), "text": category}],
            "code": concept(o.code_system, o.code, o.display),
            "subject": ref("Patient", o.patient),
            "encounter": ref("Encounter", o.encounter) if o.encounter_id else None,
            "effectiveDateTime": instant(o.effective_at),
            "issued": instant(o.issued_at),
            **value,
            "interpretation": [fixed(INTERPRETATION, o.interpretation)] if o.interpretation else [],
            "referenceRange": [{"text": o.reference_range}] if o.reference_range else [],
            "note": [{"text": o.note}] if o.note else [],
        }
    )


def observation_from_fhir(data: dict, resolve: Resolver, *, tz) -> dict:
    """Arguments for observation_create (patient, encounter included) / observation_update."""
    system, code, display = concept_in(data.get("code"), preferred=(CodeSystem.LOINC,))
    if not display:
        raise unprocessable(
            "Observation.code needs a text or display.", expression="Observation.code"
        )
    if data.get("component"):
        raise unprocessable(
            "Observations with components (such as a blood-pressure panel) are recorded as "
            "vitals at rooming, not through FHIR.",
            expression="Observation.component",
        )
    category = next(
        (code_of(c, CATEGORY) for c in data.get("category") or [] if code_of(c, CATEGORY)), ""
    )
    values: dict = {
        "value_quantity": None,
        "value_unit": "",
        "value_string": "",
        "value_code_system": "",
        "value_code": "",
    }
    if "valueQuantity" in data:
        q = data["valueQuantity"]
        values["value_quantity"] = decimal_in(q.get("value"), field="Observation.valueQuantity")
        values["value_unit"] = q.get("code") or q.get("unit") or ""
    elif "valueCodeableConcept" in data:
        vs, vc, vd = concept_in(data["valueCodeableConcept"])
        values.update(value_code_system=vs if vc else "", value_code=vc, value_string=vd)
    elif "valueString" in data:
        values["value_string"] = data["valueString"]
    elif any(k.startswith("value") for k in data):
        kind = next(k for k in data if k.startswith("value"))
        raise unprocessable(
            f"{kind} is not supported; send valueQuantity, valueString or valueCodeableConcept.",
            expression=f"Observation.{kind}",
        )
    effective = data.get("effectiveDateTime") or (data.get("effectivePeriod") or {}).get("start")
    return {
        "patient": resolve(data.get("subject"), ("Patient",)),
        "encounter": resolve(data.get("encounter"), ("Encounter",))
        if data.get("encounter")
        else None,
        "code_system": system,
        "code": code,
        "display": display,
        "category": choose(
            category, CATEGORIES, field="Observation.category", default="laboratory"
        ),
        "status": choose(data.get("status") or "", STATUSES, field="Observation.status"),
        "effective_at": datetime_in(effective, field="Observation.effectiveDateTime", tz=tz),
        "issued_at": datetime_in(data.get("issued"), field="Observation.issued", tz=tz),
        **values,
        "interpretation": code_of(first(data.get("interpretation"))) or "",
        "reference_range": first(data.get("referenceRange")).get("text") or "",
        "note": note_in(data),
    }
