"""FHIR R4 resource (a plain dict, already checked with its `fhir.resources.R4B` model) → one
or more unsaved chart model instances. A resource the chart cannot hold raises `Skip` with the
reason shown in the import report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from medassist.records.models import (
    Allergy,
    CodeSystem,
    Encounter,
    Immunization,
    MedicationStatement,
    Observation,
    Problem,
    Procedure,
)

from .values import (
    codings,
    concept_text,
    decimal6,
    parse_day,
    parse_instant,
    pick_coding,
    status_code,
    ucum_unit,
)


class Skip(Exception):
    """This one resource is not imported, for the reason given."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# Resource types we do not load, and why (shown once per type in the report).
NOT_CHART = {
    "Claim": "not a chart resource (billing; claims are made by medassist billing)",
    "ExplanationOfBenefit": "not a chart resource (billing remittance)",
    "Coverage": "not imported: insurance is entered at registration (payers are clinic set-up)",
    "Organization": "not imported: the chart has no outside-organization list",
    "Practitioner": (
        "not imported as providers: a provider needs a valid NPI (Synthea's fail the check "
        "digit); names are kept as prescriber text on medications"
    ),
    "PractitionerRole": "not imported (see Practitioner)",
    "Location": "not imported: outside locations are not clinic locations",
    "DiagnosticReport": (
        "the report itself is not stored; its results are imported as Observations"
    ),
    "CarePlan": "not imported: the chart has no care plans yet",
    "CareTeam": "not imported: the chart has no care teams yet",
    "Goal": "not imported: the chart has no goals yet",
    "ImagingStudy": "not imported: imaging studies (DICOM) are not stored",
    "Device": "not imported: the chart has no device list yet",
    "SupplyDelivery": "not a chart resource (supply)",
    "Provenance": "not imported: provenance is recorded by our own history and audit",
    "Medication": "read only to name the drug of a MedicationRequest",
    "DocumentReference": "not imported: documents are uploaded as files",
    "MedicationAdministration": "not imported: in-clinic administration is recorded here",
}

ENCOUNTER_CLASSES = {
    "AMB": Encounter.Class.AMB,
    "VR": Encounter.Class.VR,
    "HH": Encounter.Class.HH,
    "EMER": Encounter.Class.EMER,
    "IMP": Encounter.Class.IMP,
    "ACUTE": Encounter.Class.IMP,
    "NONAC": Encounter.Class.IMP,
    "SS": Encounter.Class.IMP,
    "OBSENC": Encounter.Class.IMP,
    "PRENC": Encounter.Class.AMB,
    "FLD": Encounter.Class.FLD,
}
ENCOUNTER_STATUS = {
    "planned": Encounter.Status.PLANNED,
    "arrived": Encounter.Status.IN_PROGRESS,
    "triaged": Encounter.Status.IN_PROGRESS,
    "in-progress": Encounter.Status.IN_PROGRESS,
    "onleave": Encounter.Status.IN_PROGRESS,
    "finished": Encounter.Status.FINISHED,
    "cancelled": Encounter.Status.CANCELLED,
}
MEDICATION_STATUS = {
    "active": MedicationStatement.Status.ACTIVE,
    "on-hold": MedicationStatement.Status.ON_HOLD,
    "completed": MedicationStatement.Status.COMPLETED,
    "stopped": MedicationStatement.Status.STOPPED,
    "intended": MedicationStatement.Status.ACTIVE,
    "not-taken": MedicationStatement.Status.STOPPED,
}
OBSERVATION_CATEGORIES = set(Observation.Category.values) | {"vital-sign"}


@dataclass
class Context:
    """What a mapper needs from its bundle: references and already-created encounters."""

    patient_refs: set[str]
    index: dict[str, dict]  # "urn:uuid:…" and "Type/id" → resource
    encounter_pks: dict[str, int] = field(default_factory=dict)  # "Encounter/id" → pk

    def resolve(self, reference: dict | None) -> dict | None:
        ref = (reference or {}).get("reference") or ""
        if not ref:
            return None
        if ref in self.index:
            return self.index[ref]
        parts = ref.rstrip("/").split("/")
        if len(parts) >= 2:
            return self.index.get(f"{parts[-2]}/{parts[-1]}")
        return None

    def check_subject(self, resource: dict, name: str = "subject") -> None:
        ref = (resource.get(name) or {}).get("reference")
        if not ref:
            return
        target = self.resolve(resource.get(name))
        key = f"Patient/{target.get('id')}" if target else ref
        if ref not in self.patient_refs and key not in self.patient_refs:
            raise Skip("refers to a patient not in this bundle")

    def encounter_pk(self, resource: dict) -> int | None:
        target = self.resolve(resource.get("encounter") or resource.get("context"))
        if target is None or target.get("resourceType") != "Encounter":
            return None
        return self.encounter_pks.get(f"Encounter/{target.get('id')}")

    def name_of(self, reference: dict | None) -> str:
        target = self.resolve(reference)
        if target is not None:
            names = target.get("name") or []
            if isinstance(names, str):
                return names
            for n in names:
                if n.get("text"):
                    return n["text"]
                parts = [*(n.get("prefix") or []), *(n.get("given") or [])]
                parts.append(n.get("family") or "")
                text = " ".join(p for p in parts if p)
                if text:
                    return text
            code = target.get("code")
            if code:
                return concept_text(code)
        return (reference or {}).get("display") or ""

    def reasons(self, resource: dict) -> str:
        texts = [concept_text(c) for c in resource.get("reasonCode") or []]
        texts += [self.name_of(r) for r in resource.get("reasonReference") or []]
        return "; ".join(t for t in texts if t)


def _required_concept(resource: dict, name: str, what: str) -> dict:
    concept = resource.get(name)
    if not concept or not (concept_text(concept) or codings(concept)):
        raise Skip(f"no {what}")
    return concept


def map_encounter(res: dict, ctx: Context) -> list[Encounter]:
    status = res.get("status")
    if status == "entered-in-error":
        raise Skip("entered in error at the source")
    period = res.get("period") or {}
    start = parse_instant(period.get("start"))
    if start is None:
        raise Skip("no start time")
    klass = (res.get("class") or {}).get("code") or "AMB"
    types = res.get("type") or []
    t_system, t_code, t_display = pick_coding(types[0] if types else None, (CodeSystem.SNOMED,))
    reasons = res.get("reasonCode") or []
    r_system, r_code, _ = pick_coding(reasons[0] if reasons else None)
    return [
        Encounter(
            start=start,
            end=parse_instant(period.get("end")),
            class_code=ENCOUNTER_CLASSES.get(klass, Encounter.Class.AMB),
            type_code_system=t_system,
            type_code=t_code[:40],
            type_display=(t_display or "")[:200],
            reason_text=ctx.reasons(res)[:1000],
            reason_code_system=r_system,
            reason_code=r_code[:40],
            status=ENCOUNTER_STATUS.get(status or "", Encounter.Status.FINISHED),
        )
    ]


CONDITION_CLINICAL = {c: c for c in Problem.ClinicalStatus.values}


def map_condition(res: dict, ctx: Context) -> list[Problem]:
    ctx.check_subject(res)
    verification = status_code(res.get("verificationStatus")) or "confirmed"
    if verification == "entered-in-error":
        raise Skip("entered in error at the source")
    concept = _required_concept(res, "code", "condition code")
    system, code, display = pick_coding(concept, (CodeSystem.ICD10CM, CodeSystem.SNOMED))
    clinical = status_code(res.get("clinicalStatus")) or "active"
    onset = parse_day(res.get("onsetDateTime") or (res.get("onsetPeriod") or {}).get("start"))
    abatement = parse_day(
        res.get("abatementDateTime") or (res.get("abatementPeriod") or {}).get("start")
    )
    categories = [status_code(c) for c in res.get("category") or []]
    category = (
        Problem.Category.ENCOUNTER_DIAGNOSIS
        if "encounter-diagnosis" in categories
        else Problem.Category.PROBLEM_LIST
    )
    notes = "\n".join(n.get("text", "") for n in res.get("note") or [] if n.get("text"))
    return [
        Problem(
            code_system=system,
            code=code,
            display=display,
            clinical_status=CONDITION_CLINICAL.get(clinical, Problem.ClinicalStatus.ACTIVE),
            verification_status=verification
            if verification in Problem.Verification.values
            else Problem.Verification.CONFIRMED,
            onset_date=onset,
            abatement_date=abatement,
            recorded_date=parse_day(res.get("recordedDate")) or onset,
            category=category,
            note=notes,
            encounter_id=ctx.encounter_pk(res),
        )
    ]


def _observation_value(holder: dict) -> dict:
    """The value fields of an Observation or one of its components; Skip when there is none."""
    if "valueQuantity" in holder:
        q = holder["valueQuantity"] or {}
        if q.get("value") is None:
            raise Skip("no value")
        return {"value_quantity": decimal6(q["value"]), "value_unit": ucum_unit(q)}
    if "valueCodeableConcept" in holder:
        concept = holder["valueCodeableConcept"]
        system, code, display = pick_coding(concept)
        return {
            "value_string": display or concept_text(concept),
            "value_code_system": system if code else "",
            "value_code": code,
        }
    if "valueString" in holder:
        return {"value_string": holder["valueString"]}
    if "valueInteger" in holder:
        return {"value_quantity": decimal6(holder["valueInteger"])}
    if "valueBoolean" in holder:
        return {"value_string": "yes" if holder["valueBoolean"] else "no"}
    for kind in ("valueRange", "valueRatio", "valueSampledData", "valuePeriod", "valueTime"):
        if kind in holder:
            raise Skip(f"{kind} values are not stored")
    if "valueDateTime" in holder:
        return {"value_string": holder["valueDateTime"]}
    raise Skip("no value")


def _reference_range(holder: dict) -> str:
    parts = []
    for r in holder.get("referenceRange") or []:
        if r.get("text"):
            parts.append(r["text"])
            continue
        low = (r.get("low") or {}).get("value")
        high = (r.get("high") or {}).get("value")
        if low is not None or high is not None:
            unit = ucum_unit(r.get("low") or r.get("high") or {})
            parts.append(f"{'' if low is None else low}–{'' if high is None else high} {unit}")
    return "; ".join(parts).strip()


def _interpretation(holder: dict) -> str:
    return ",".join(status_code(c) for c in holder.get("interpretation") or [] if status_code(c))


def map_observation(res: dict, ctx: Context) -> list[tuple[str, Observation]]:
    """One row per value: a panel with components (a blood pressure) gives one row per
    component, each with its own code; the source id gets '#<component code>'."""
    ctx.check_subject(res)
    status = res.get("status") or "final"
    if status == "entered-in-error":
        raise Skip("entered in error at the source")
    effective = parse_instant(
        res.get("effectiveDateTime")
        or res.get("effectiveInstant")
        or (res.get("effectivePeriod") or {}).get("start")
    )
    if effective is None:
        raise Skip("no effective time")
    categories = [status_code(c) for c in res.get("category") or []]
    category = next((c for c in categories if c in OBSERVATION_CATEGORIES), "")
    category = "vital-signs" if category == "vital-sign" else category
    category = category or Observation.Category.LABORATORY
    if status not in Observation.Status.values:
        status = Observation.Status.FINAL if status == "unknown" else Observation.Status.PRELIMINARY
    common = {
        "category": category,
        "status": status,
        "effective_at": effective,
        "issued_at": parse_instant(res.get("issued")),
        "note": "\n".join(n.get("text", "") for n in res.get("note") or [] if n.get("text")),
        "encounter_id": ctx.encounter_pk(res),
    }
    concept = _required_concept(res, "code", "code")
    has_value = any(k.startswith("value") for k in res)
    components = res.get("component") or []
    if has_value or not components:
        system, code, display = pick_coding(concept, (CodeSystem.LOINC,))
        return [
            (
                "",
                Observation(
                    code_system=system,
                    code=code,
                    display=display,
                    interpretation=_interpretation(res),
                    reference_range=_reference_range(res)[:200],
                    **_observation_value(res),
                    **common,
                ),
            )
        ]
    rows = []
    problems = []
    for n, comp in enumerate(components):
        system, code, display = pick_coding(comp.get("code"), (CodeSystem.LOINC,))
        try:
            value = _observation_value(comp)
        except Skip as exc:
            problems.append(f"component {code or n}: {exc.reason}")
            continue
        rows.append(
            (
                f"#{code or n}",
                Observation(
                    code_system=system,
                    code=code,
                    display=display,
                    interpretation=_interpretation(comp),
                    reference_range=_reference_range(comp)[:200],
                    **value,
                    **common,
                ),
            )
        )
    if not rows:
        raise Skip("no value in any component" if not problems else "; ".join(problems[:3]))
    return rows


def _dosage_text(res: dict) -> tuple[str, str, str]:
    """(dose, route, frequency) from the first dosage instruction."""
    dosages = res.get("dosageInstruction") or res.get("dosage") or []
    if not dosages:
        return "", "", ""
    d = dosages[0]
    dose = ""
    for dr in d.get("doseAndRate") or []:
        q = dr.get("doseQuantity")
        if q and q.get("value") is not None:
            dose = f"{q['value']:g} {q.get('unit') or ''}".strip()
            break
    route = concept_text(d.get("route"))
    frequency = d.get("text") or ""
    repeat = (d.get("timing") or {}).get("repeat") or {}
    if not frequency and repeat.get("frequency") and repeat.get("period"):
        frequency = f"{repeat['frequency']} per {repeat['period']:g} {repeat.get('periodUnit', '')}"
    if d.get("asNeededBoolean"):
        frequency = f"{frequency} as needed".strip()
    return dose[:100], route[:60], frequency.strip()[:100]


def map_medication(res: dict, ctx: Context) -> list[MedicationStatement]:
    """MedicationRequest and MedicationStatement both become a MedicationStatement (what the
    patient takes or took)."""
    ctx.check_subject(res)
    status = res.get("status") or ""
    if status == "entered-in-error":
        raise Skip("entered in error at the source")
    if status in ("draft", "cancelled"):
        raise Skip(f"status {status}: never taken")
    if status not in MEDICATION_STATUS:
        raise Skip(f"status {status or 'missing'}: cannot tell whether it is taken")
    concept = res.get("medicationCodeableConcept")
    if concept is None and res.get("medicationReference"):
        med = ctx.resolve(res["medicationReference"])
        concept = (med or {}).get("code") or {"text": res["medicationReference"].get("display", "")}
    if not concept or not concept_text(concept):
        raise Skip("no medication")
    system, code, display = pick_coding(concept, (CodeSystem.RXNORM,))
    if system not in (CodeSystem.RXNORM, CodeSystem.TEXT):
        system, code = CodeSystem.TEXT, ""
    period = res.get("effectivePeriod") or {}
    start = parse_day(
        res.get("authoredOn") or res.get("effectiveDateTime") or period.get("start")
    ) or parse_day(res.get("dateAsserted"))
    dose, route, frequency = _dosage_text(res)
    prescriber = ctx.name_of(res.get("requester") or res.get("informationSource"))
    return [
        MedicationStatement(
            code_system=system,
            code=code,
            display=display[:300],
            dose=dose,
            route=route,
            frequency=frequency,
            prescriber_text=prescriber[:200],
            start_date=start,
            stop_date=parse_day(period.get("end")),
            status=MEDICATION_STATUS[status],
            reason=ctx.reasons(res)[:300],
            note="\n".join(n.get("text", "") for n in res.get("note") or [] if n.get("text")),
            encounter_id=ctx.encounter_pk(res),
        )
    ]


def map_immunization(res: dict, ctx: Context) -> list[Immunization]:
    ctx.check_subject(res, "patient")
    status = res.get("status") or ""
    if status == "entered-in-error":
        raise Skip("entered in error at the source")
    concept = _required_concept(res, "vaccineCode", "vaccine code")
    system, code, display = pick_coding(concept, (CodeSystem.CVX,))
    if system != CodeSystem.CVX:
        raise Skip(f"vaccine {concept_text(concept)!r} has no CVX code")
    day = parse_day(res.get("occurrenceDateTime"))
    if day is None:
        raise Skip("no date given (occurrenceString is not a date)")
    dose = res.get("doseQuantity") or {}
    performers = [ctx.name_of(p.get("actor")) for p in res.get("performer") or []]
    return [
        Immunization(
            code_system=CodeSystem.CVX,
            code=code,
            display=display,
            occurrence_date=day,
            lot_number=(res.get("lotNumber") or "")[:40],
            expiration_date=parse_day(res.get("expirationDate")),
            manufacturer=ctx.name_of(res.get("manufacturer"))[:100],
            site=concept_text(res.get("site"))[:60],
            route=concept_text(res.get("route"))[:60],
            dose_quantity=(
                f"{dose['value']:g} {dose.get('unit') or dose.get('code') or ''}".strip()
                if dose.get("value") is not None
                else ""
            )[:40],
            performer_text="; ".join(p for p in performers if p)[:200],
            status=Immunization.Status.NOT_DONE
            if status == "not-done"
            else Immunization.Status.COMPLETED,
            status_reason=concept_text(res.get("statusReason"))[:300],
            primary_source=res.get("primarySource", True) is not False,
            note="\n".join(n.get("text", "") for n in res.get("note") or [] if n.get("text")),
            encounter_id=ctx.encounter_pk(res),
        )
    ]


ALLERGY_CLINICAL = {
    "active": Allergy.Status.ACTIVE,
    "inactive": Allergy.Status.INACTIVE,
    "resolved": Allergy.Status.RESOLVED,
}


def map_allergy(res: dict, ctx: Context) -> list[Allergy]:
    ctx.check_subject(res, "patient")
    verification = status_code(res.get("verificationStatus"))
    if verification == "entered-in-error":
        raise Skip("entered in error at the source")
    if verification == "refuted":
        raise Skip("refuted at the source (not an allergy)")
    concept = _required_concept(res, "code", "substance")
    system, code, display = pick_coding(concept, (CodeSystem.RXNORM, CodeSystem.SNOMED))
    if system not in (CodeSystem.RXNORM, CodeSystem.SNOMED, CodeSystem.TEXT):
        system, code = CodeSystem.TEXT, ""
    clinical = status_code(res.get("clinicalStatus")) or "active"
    reactions, severity = [], ""
    for r in res.get("reaction") or []:
        reactions += [concept_text(m) for m in r.get("manifestation") or []]
        severity = severity or r.get("severity") or ""
    categories = res.get("category") or []
    return [
        Allergy(
            code_system=system,
            code=code,
            display=display[:300],
            allergy_type=res.get("type") or Allergy.Type.ALLERGY,
            category=categories[0] if categories else "",
            criticality=res.get("criticality") or "",
            reaction="; ".join(r for r in reactions if r)[:300],
            severity=severity,
            status=ALLERGY_CLINICAL.get(clinical, Allergy.Status.ACTIVE),
            onset_date=parse_day(res.get("onsetDateTime")),
            note="\n".join(n.get("text", "") for n in res.get("note") or [] if n.get("text")),
        )
    ]


def map_procedure(res: dict, ctx: Context) -> list[Procedure]:
    ctx.check_subject(res)
    status = res.get("status") or "completed"
    if status == "entered-in-error":
        raise Skip("entered in error at the source")
    concept = _required_concept(res, "code", "procedure code")
    system, code, display = pick_coding(concept, (CodeSystem.CPT, CodeSystem.SNOMED))
    if system not in (CodeSystem.CPT, CodeSystem.SNOMED, CodeSystem.TEXT):
        system, code = CodeSystem.TEXT, ""
    period = res.get("performedPeriod") or {}
    start = parse_instant(res.get("performedDateTime") or period.get("start"))
    sites = [concept_text(s) for s in res.get("bodySite") or []]
    return [
        Procedure(
            code_system=system,
            code=code,
            display=display[:300],
            performed_start=start,
            performed_end=parse_instant(period.get("end")),
            status=status if status in Procedure.Status.values else Procedure.Status.UNKNOWN,
            body_site="; ".join(s for s in sites if s)[:100],
            reason=ctx.reasons(res)[:300],
            note="\n".join(n.get("text", "") for n in res.get("note") or [] if n.get("text")),
            encounter_id=ctx.encounter_pk(res),
        )
    ]


Mapper = Callable[[dict, Context], list]

# Resource type → (chart model, mapper). Encounters load first so others can point at them.
MAPPERS: dict[str, tuple[type, Mapper]] = {
    "Encounter": (Encounter, map_encounter),
    "Condition": (Problem, map_condition),
    "Observation": (Observation, map_observation),
    "MedicationRequest": (MedicationStatement, map_medication),
    "MedicationStatement": (MedicationStatement, map_medication),
    "Immunization": (Immunization, map_immunization),
    "AllergyIntolerance": (Allergy, map_allergy),
    "Procedure": (Procedure, map_procedure),
}
