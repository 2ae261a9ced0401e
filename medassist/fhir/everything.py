"""Patient/$everything: the patient, their clinic, and every chart item, appointment and vital
sign, plus the practitioners and locations these refer to — one query per kind of item."""

from __future__ import annotations

from medassist.ecg.models import EcgRecording
from medassist.fhir.mappers.allergy_intolerance import allergy_to_fhir, nka_to_fhir
from medassist.fhir.mappers.appointment import appointment_to_fhir
from medassist.fhir.mappers.condition import condition_to_fhir
from medassist.fhir.mappers.document_reference import document_to_fhir, note_to_fhir
from medassist.fhir.mappers.ecg import ecg_observation_to_fhir, ecg_present
from medassist.fhir.mappers.encounter import encounter_to_fhir
from medassist.fhir.mappers.history import (
    family_history_to_fhir,
    past_medical_to_fhir,
    smoking_status_to_fhir,
    surgical_to_fhir,
)
from medassist.fhir.mappers.immunization import immunization_to_fhir
from medassist.fhir.mappers.location import location_to_fhir
from medassist.fhir.mappers.medication_statement import medication_to_fhir
from medassist.fhir.mappers.observation import (
    observation_to_fhir,
    vital_sign_to_fhir,
    vitals_present,
)
from medassist.fhir.mappers.organization import organization_to_fhir
from medassist.fhir.mappers.patient import patient_to_fhir, source_identifiers
from medassist.fhir.mappers.practitioner import practitioner_to_fhir
from medassist.fhir.mappers.procedure import procedure_to_fhir
from medassist.intake.models import Vitals
from medassist.practice.models import Location, Provider
from medassist.practice.roles import can
from medassist.records.models import (
    Allergy,
    Document,
    Encounter,
    HistoryEntry,
    Immunization,
    MedicationStatement,
    NoKnownAllergies,
    Note,
    Observation,
    Problem,
    Procedure,
    SocialHistory,
)
from medassist.scheduling.models import Appointment


def _with_patient(rows, patient):
    for row in rows:
        row.patient = patient  # the same patient for every row: no join needed
    return rows


def patient_everything(ctx, patient) -> list[dict]:
    clinic = patient.clinic
    identifiers = source_identifiers(clinic.pk, "Patient", [patient.public_id])
    out = [
        patient_to_fhir(patient, identifiers=identifiers.get(str(patient.public_id))),
        organization_to_fhir(clinic),
    ]
    provider_ids: set[int] = set()
    location_ids: set[int] = set()

    encounters = _with_patient(
        list(Encounter.objects.filter(patient=patient).select_related("appointment")), patient
    )
    provider_ids.update(e.provider_id for e in encounters if e.provider_id)
    appointments = _with_patient(
        list(
            Appointment.objects.filter(patient=patient).select_related(
                "clinic", "provider", "location", "visit_type"
            )
        ),
        patient,
    )
    provider_ids.update(a.provider_id for a in appointments)
    location_ids.update(a.location_id for a in appointments)
    medications = _with_patient(
        list(MedicationStatement.objects.filter(patient=patient).select_related("encounter")),
        patient,
    )
    provider_ids.update(m.prescriber_id for m in medications if m.prescriber_id)

    providers = {p.pk: p for p in Provider.objects.filter(pk__in=provider_ids)}
    for e in encounters:
        if e.provider_id:
            e.provider = providers[e.provider_id]
    for m in medications:
        if m.prescriber_id:
            m.prescriber = providers[m.prescriber_id]
    out += [practitioner_to_fhir(p) for p in providers.values()]
    locations = Location.objects.filter(pk__in=location_ids).select_related("clinic")
    out += [location_to_fhir(loc) for loc in locations]

    out += [appointment_to_fhir(a) for a in appointments]
    out += [encounter_to_fhir(e) for e in encounters]
    out += [
        condition_to_fhir(p)
        for p in _with_patient(
            Problem.objects.filter(patient=patient).select_related("encounter"), patient
        )
    ]
    out += [
        allergy_to_fhir(a) for a in _with_patient(Allergy.objects.filter(patient=patient), patient)
    ]
    out += [
        nka_to_fhir(n)
        for n in _with_patient(NoKnownAllergies.objects.filter(patient=patient), patient)
    ]
    out += [medication_to_fhir(m) for m in medications]
    out += [
        immunization_to_fhir(i)
        for i in _with_patient(
            Immunization.objects.filter(patient=patient).select_related("encounter", "performer"),
            patient,
        )
    ]
    out += [
        observation_to_fhir(o)
        for o in _with_patient(
            Observation.objects.filter(patient=patient).select_related("encounter"), patient
        )
    ]
    out += [
        procedure_to_fhir(p)
        for p in _with_patient(
            Procedure.objects.filter(patient=patient).select_related("encounter"), patient
        )
    ]
    history_mappers = {
        HistoryEntry.Kind.MEDICAL: past_medical_to_fhir,
        HistoryEntry.Kind.SURGICAL: surgical_to_fhir,
        HistoryEntry.Kind.FAMILY: family_history_to_fhir,
    }
    out += [
        history_mappers[h.kind](h)
        for h in _with_patient(HistoryEntry.objects.filter(patient=patient), patient)
        if h.kind in history_mappers
    ]
    out += [
        smoking_status_to_fhir(sh)
        for sh in _with_patient(
            SocialHistory.objects.filter(patient=patient).exclude(smoking_status=""), patient
        )
    ]
    if can(ctx.user, "vitals.view"):
        vitals = _with_patient(
            Vitals.objects.filter(patient=patient).select_related("appointment__encounter"),
            patient,
        )
        out += [vital_sign_to_fhir(v, key) for v in vitals for key in vitals_present(v)]
    if can(ctx.user, "ecg.review"):
        recordings = _with_patient(
            EcgRecording.objects.filter(patient=patient).select_related("encounter"), patient
        )
        out += [ecg_observation_to_fhir(r, key) for r in recordings for key in ecg_present(r)]
    out += [
        document_to_fhir(d, base_url=ctx.site_url)
        for d in _with_patient(
            Document.objects.filter(patient=patient).select_related("encounter"), patient
        )
    ]
    out += [
        note_to_fhir(n)
        for n in _with_patient(
            Note.objects.filter(patient=patient).select_related(
                "encounter", "author", "signed_by", "amends"
            ),
            patient,
        )
    ]
    return out
