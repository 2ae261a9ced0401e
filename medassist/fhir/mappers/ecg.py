"""An ECG recording's measurements (ecg.EcgRecording) → one Observation per measured value:
heart rate, PR, QRS, QT and QTc (Bazett, Fridericia), with their LOINC codes (ecg/loinc.py,
each with its source) and UCUM units. Read only; the values are measurements, never an
interpretation.

A recording has no Observation id of its own: each value is `<recording public id>-<key>`
(`…-ecghr`, `…-ecgqtc`). Until the physician signs the tracing the values are
`preliminary`; signed, `final`; a recording entered in error gives `entered-in-error`."""

from __future__ import annotations

from dataclasses import dataclass

from medassist.ecg import loinc
from medassist.ecg.loinc import Term
from medassist.fhir.mappers.common import UCUM, decimal_out, finish, fixed, instant, meta, ref
from medassist.fhir.mappers.observation import CATEGORY, LOINC


@dataclass(frozen=True)
class EcgMeasure:
    key: str
    field: str  # the key in EcgRecording.measurements
    term: Term
    unit: str  # UCUM
    extra: tuple[Term, ...] = ()


ECG_MEASURES: tuple[EcgMeasure, ...] = (
    EcgMeasure("ecghr", "hr_bpm", loinc.ECG_HR, "/min"),
    EcgMeasure("ecgpr", "pr_ms", loinc.ECG_PR, "ms"),
    EcgMeasure("ecgqrs", "qrs_ms", loinc.ECG_QRS, "ms"),
    EcgMeasure("ecgqt", "qt_ms", loinc.ECG_QT, "ms"),
    EcgMeasure("ecgqtc", "qtc_bazett_ms", loinc.ECG_QTC, "ms", (loinc.ECG_QTC_BAZETT,)),
    EcgMeasure("ecgqtcf", "qtc_fridericia_ms", loinc.ECG_QTC_FRIDERICIA, "ms"),
)
ECG_BY_KEY = {m.key: m for m in ECG_MEASURES}
# every LOINC code an ECG measurement answers to → its keys
ECG_BY_LOINC: dict[str, list[str]] = {}
for _m in ECG_MEASURES:
    for _t in (_m.term, *_m.extra):
        ECG_BY_LOINC.setdefault(_t.code, []).append(_m.key)

STATUS = {"recorded": "preliminary", "reviewed": "final", "entered-in-error": "entered-in-error"}
METHOD = "Measured by medassist from the median beat of the leads of acceptable quality"


def ecg_present(rec) -> list[str]:
    """The measurement keys a recording holds a value for."""
    values = rec.measurements or {}
    return [m.key for m in ECG_MEASURES if values.get(m.field) is not None]


def ecg_observation_to_fhir(rec, key: str) -> dict:
    m = ECG_BY_KEY[key]
    codings = [{"system": LOINC, "code": t.code, "display": t.display} for t in (m.term, *m.extra)]
    value = float((rec.measurements or {})[m.field])
    data: dict = {
        "resourceType": "Observation",
        "id": f"{rec.public_id}-{key}",
        "meta": meta(rec, versioned=False),
        "status": STATUS.get(rec.status, "preliminary"),
        "category": [{**fixed(CATEGORY, "procedure", "Procedure"), "text": "Procedure"}],
        "code": {"coding": codings, "text": m.term.display},
        "subject": ref("Patient", rec.patient),
        "encounter": ref("Encounter", rec.encounter) if rec.encounter_id else None,
        "effectiveDateTime": instant(rec.recorded_at),
        "issued": instant(rec.created_at),
        "valueQuantity": {
            "value": decimal_out(round(value, 1)),
            "unit": m.unit,
            "system": UCUM,
            "code": m.unit,
        },
        "method": {"text": f"{METHOD}; {len(rec.lead_names)}-lead ECG, "
                           f"{rec.sampling_rate:g} Hz, {rec.duration_s:g} s"},
        "note": [{"text": "A measurement, not an interpretation."}],
    }
    return finish(data)
