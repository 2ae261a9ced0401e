"""What the server serves: for each FHIR type, the table(s) it is read from, how it is scoped,
which permission reads it, its search parameters, and the mapper that renders it.

Reads go through the same selectors as the screens (access_patient, access_appointment,
access_item) and the same permissions; searches build the same clinic-scoped querysets."""

from __future__ import annotations

from django.db.models import Q

from medassist.fhir import search as s
from medassist.fhir.ecg_sources import ECG_OBSERVATIONS
from medassist.fhir.intake_sources import INTAKE_TYPES
from medassist.fhir.mappers.allergy_intolerance import allergy_to_fhir, nka_to_fhir
from medassist.fhir.mappers.appointment import STATUS_IN, appointment_to_fhir
from medassist.fhir.mappers.condition import condition_to_fhir
from medassist.fhir.mappers.document_reference import document_to_fhir, note_to_fhir
from medassist.fhir.mappers.encounter import encounter_to_fhir
from medassist.fhir.mappers.history import (
    SMOKING_STATUS,
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
)
from medassist.fhir.mappers.organization import organization_to_fhir
from medassist.fhir.mappers.patient import (
    GENDER,
    patient_to_fhir,
)
from medassist.fhir.mappers.practitioner import practitioner_to_fhir
from medassist.fhir.mappers.procedure import procedure_to_fhir
from medassist.fhir.orders_resources import ORDER_TYPES
from medassist.fhir.pharmacy_sources import PHARMACY_TYPES
from medassist.fhir.sources import (  # noqa: F401 - Ctx, Item, Source: the server's names
    _DOC,
    _EIE,
    AppointmentSource,
    Ctx,
    Filter,
    Item,
    PatientSource,
    Source,
    VitalsQuery,
    VitalsSource,
    _bool,
    _code,
    _date,
    _fixed_code,
    _history_status,
    _icontains,
    _ids,
    _name_starts,
    _patient_identifier,
    _patient_params,
    _present,
    _ref_in,
    _refs,
    _source_identifier_ids,
    _split_vitals_id,
    _token_in,
    vitals_keys,
)
from medassist.intake.models import Vitals
from medassist.patients.models import Patient
from medassist.practice.models import Clinic, Location, Provider
from medassist.records.models import (
    Allergy,
    CodeSystem,
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

TYPES: dict[str, list[Source]] = {
    "Patient": [
        PatientSource(
            model=Patient,
            render=lambda obj, ctx: patient_to_fhir(obj),
            permission="patient.view",
            clinic_field="clinic_id",
            related=("clinic",),
            order=("last_name_key", "first_name_key", "date_of_birth", "id"),
            patient_of=lambda obj: obj,
            params={
                "identifier": _patient_identifier,
                "name": _name_starts("last_name_key", "first_name_key"),
                "family": _name_starts("last_name_key"),
                "given": _name_starts("first_name_key"),
                "birthdate": _date("date_of_birth", is_date=True),
                "gender": lambda value, ctx: Q(
                    sex__in=[
                        {v: k for k, v in GENDER.items()}.get(g, "?") for g in s.split_or(value)
                    ]
                ),
                "active": _bool("active"),
            },
        )
    ],
    "Practitioner": [
        Source(
            model=Provider,
            render=lambda obj, ctx: practitioner_to_fhir(obj),
            permission="schedule.view",
            clinic_field="clinic_id",
            order=("last_name", "first_name", "id"),
            patient_of=lambda obj: None,
            params={
                "identifier": lambda value, ctx: Q(
                    npi__in=[s.token(v)[1] for v in s.split_or(value)]
                ),
                "name": _icontains("first_name", "last_name"),
                "family": _icontains("last_name"),
                "given": _icontains("first_name"),
                "active": _bool("active"),
            },
        )
    ],
    "Organization": [
        Source(
            model=Clinic,
            render=lambda obj, ctx: organization_to_fhir(obj),
            permission="schedule.view",
            clinic_field="id",
            patient_of=lambda obj: None,
            params={"name": _icontains("name")},
        )
    ],
    "Location": [
        Source(
            model=Location,
            render=lambda obj, ctx: location_to_fhir(obj),
            permission="schedule.view",
            clinic_field="clinic_id",
            related=("clinic",),
            order=("name", "id"),
            patient_of=lambda obj: None,
            params={
                "name": _icontains("name"),
                "status": lambda value, ctx: Q(
                    active__in=[v == "active" for v in s.split_or(value)]
                ),
            },
        )
    ],
    "Appointment": [
        AppointmentSource(
            model=Appointment,
            render=lambda obj, ctx: appointment_to_fhir(obj),
            permission="schedule.view",
            clinic_field="clinic_id",
            related=("clinic", "patient", "provider", "location", "visit_type"),
            order=("start", "id"),
            params={
                **_patient_params(),
                "actor": _ref_in("patient", "Patient"),
                "practitioner": _ref_in("provider", "Practitioner"),
                "location": _ref_in("location", "Location"),
                "date": _date("start"),
                "status": _token_in("status", STATUS_IN),
            },
        )
    ],
    "Encounter": [
        Source(
            model=Encounter,
            render=lambda obj, ctx: encounter_to_fhir(obj),
            permission="patient.view",
            clinic_field="patient__clinic_id",
            related=("patient", "provider", "appointment"),
            order=("-start", "-id"),
            item_type="encounter",
            params={
                **_patient_params(),
                "date": _date("start"),
                "status": _token_in("status"),
                "class": _token_in("class_code"),
                "practitioner": _ref_in("provider", "Practitioner"),
                "appointment": _ref_in("appointment", "Appointment"),
            },
        )
    ],
    "Condition": [
        Source(
            model=Problem,
            render=lambda obj, ctx: condition_to_fhir(obj),
            permission="patient.view",
            clinic_field="patient__clinic_id",
            related=("patient", "encounter"),
            order=("-onset_date", "-id"),
            item_type="problem",
            params={
                **_patient_params(),
                "code": _code("code_system", "code"),
                "clinical-status": _token_in("clinical_status"),
                "verification-status": _token_in("verification_status"),
                "category": _token_in("category"),
                "onset-date": _date("onset_date", is_date=True),
                "recorded-date": _date("recorded_date", is_date=True),
                "encounter": _ref_in("encounter", "Encounter"),
            },
        ),
        Source(
            model=HistoryEntry,
            render=lambda obj, ctx: past_medical_to_fhir(obj),
            permission="patient.view",
            clinic_field="patient__clinic_id",
            related=("patient",),
            order=("-date", "-id"),
            item_type="history",
            where={"kind": HistoryEntry.Kind.MEDICAL},
            params={
                **_patient_params(),
                "code": _code("code_system", "code"),
                "verification-status": _token_in(
                    "status", {"confirmed": ["current"], _EIE: [_EIE]}
                ),
                "onset-date": _date("date", is_date=True),
                "recorded-date": _date("created_at"),
            },
        ),
    ],
    "AllergyIntolerance": [
        Source(
            model=Allergy,
            render=lambda obj, ctx: allergy_to_fhir(obj),
            permission="patient.view",
            clinic_field="patient__clinic_id",
            related=("patient",),
            order=("display", "id"),
            item_type="allergy",
            params={
                **_patient_params(),
                "code": _code("code_system", "code"),
                "clinical-status": _token_in("status"),
                "date": _date("created_at"),
            },
        ),
        Source(
            model=NoKnownAllergies,
            render=lambda obj, ctx: nka_to_fhir(obj),
            permission="patient.view",
            clinic_field="patient__clinic_id",
            related=("patient",),
            order=("-recorded_at", "-id"),
            item_type="nka",
            params={
                **_patient_params(),
                "code": lambda value, ctx: (
                    Q()
                    if any(s.token(v)[1] == "716186003" for v in s.split_or(value))
                    else Q(pk__in=[])
                ),
                "clinical-status": _token_in(
                    "status", {"active": ["current"], "inactive": ["ended"]}
                ),
                "date": _date("recorded_at"),
            },
        ),
    ],
    "MedicationStatement": [
        Source(
            model=MedicationStatement,
            render=lambda obj, ctx: medication_to_fhir(obj),
            permission="patient.view",
            clinic_field="patient__clinic_id",
            related=("patient", "prescriber", "encounter"),
            order=("display", "id"),
            item_type="medication",
            params={
                **_patient_params(),
                "code": _code("code_system", "code"),
                "status": _token_in("status"),
                "effective": _date("start_date", is_date=True),
            },
        )
    ],
    "Immunization": [
        Source(
            model=Immunization,
            render=lambda obj, ctx: immunization_to_fhir(obj),
            permission="patient.view",
            clinic_field="patient__clinic_id",
            related=("patient", "encounter", "performer"),
            order=("-occurrence_date", "-id"),
            item_type="immunization",
            params={
                **_patient_params(),
                "vaccine-code": _code("code_system", "code"),
                "date": _date("occurrence_date", is_date=True),
                "status": _token_in("status"),
            },
        )
    ],
    "Observation": [
        Source(
            model=Observation,
            render=lambda obj, ctx: observation_to_fhir(obj),
            permission="patient.view",
            clinic_field="patient__clinic_id",
            related=("patient", "encounter"),
            order=("-effective_at", "-id"),
            item_type="observation",
            params={
                **_patient_params(),
                "code": _code("code_system", "code"),
                "date": _date("effective_at"),
                "status": _token_in("status"),
                "category": _token_in("category"),
                "encounter": _ref_in("encounter", "Encounter"),
            },
        ),
        VitalsSource(
            model=Vitals,
            render=lambda obj, ctx: {},
            permission="vitals.view",
            clinic_field="patient__clinic_id",
            params={
                **_patient_params(),
                "code": lambda value, ctx: Q(),  # handled by VitalsSource.filter
                "date": _date("taken_at"),
                "status": _token_in(
                    "entered_in_error",
                    {"final": [False], "entered-in-error": [True]},
                ),
                "category": lambda value, ctx: Q(),
                "encounter": _ref_in("appointment__encounter", "Encounter"),
            },
        ),
        Source(
            model=SocialHistory,
            render=lambda obj, ctx: smoking_status_to_fhir(obj),
            permission="patient.view",
            clinic_field="patient__clinic_id",
            related=("patient",),
            order=("-updated_at", "-id"),
            item_type="social",
            exclude={"smoking_status": ""},
            params={
                **_patient_params(),
                "code": _fixed_code("http://loinc.org", SMOKING_STATUS[0]),
                "category": _fixed_code(
                    "http://terminology.hl7.org/CodeSystem/observation-category", "social-history"
                ),
                "date": _date("updated_at"),
                "status": _token_in("status", {"final": ["current"], _EIE: [_EIE]}),
            },
        ),
    ],
    "DocumentReference": [
        Source(
            model=Document,
            render=lambda obj, ctx: document_to_fhir(obj, base_url=ctx.site_url),
            permission="patient.view",
            clinic_field="patient__clinic_id",
            related=("patient", "encounter"),
            order=("-created_at", "-id"),
            item_type="document",
            params={
                **_patient_params(),
                "date": _date("created_at"),
                "status": _token_in(
                    "status",
                    {"current": [_DOC.CURRENT], "entered-in-error": [_DOC.ENTERED_IN_ERROR]},
                ),
            },
        ),
        Source(
            model=Note,
            render=lambda obj, ctx: note_to_fhir(obj),
            permission="patient.view",
            clinic_field="patient__clinic_id",
            related=("patient", "encounter", "author", "signed_by", "amends"),
            order=("-created_at", "-id"),
            item_type="note",
            params={
                **_patient_params(),
                "date": _date("created_at"),
                "status": _token_in(
                    "status",
                    {
                        "current": [Note.Status.DRAFT, Note.Status.SIGNED],
                        "superseded": [Note.Status.AMENDED],
                        "entered-in-error": [Note.Status.ENTERED_IN_ERROR],
                    },
                ),
            },
        ),
    ],
    "Procedure": [
        Source(
            model=Procedure,
            render=lambda obj, ctx: procedure_to_fhir(obj),
            permission="patient.view",
            clinic_field="patient__clinic_id",
            related=(
                "patient",
                "encounter",
                "performed_by__provider",
                "cosigned_by__provider",
            ),
            order=("-performed_start", "-id"),
            item_type="procedure",
            params={
                **_patient_params(),
                "code": _code("code_system", "code"),
                "date": _date("performed_start"),
                "status": _token_in("status"),
                "encounter": _ref_in("encounter", "Encounter"),
            },
        ),
        Source(
            model=HistoryEntry,
            render=lambda obj, ctx: surgical_to_fhir(obj),
            permission="patient.view",
            clinic_field="patient__clinic_id",
            related=("patient",),
            order=("-date", "-id"),
            item_type="history",
            where={"kind": HistoryEntry.Kind.SURGICAL},
            params={
                **_patient_params(),
                "code": _code("code_system", "code"),
                "date": _date("date", is_date=True),
                "status": _history_status("completed"),
            },
        ),
    ],
    "FamilyMemberHistory": [
        Source(
            model=HistoryEntry,
            render=lambda obj, ctx: family_history_to_fhir(obj),
            permission="patient.view",
            clinic_field="patient__clinic_id",
            related=("patient",),
            order=("relation", "-id"),
            item_type="history",
            where={"kind": HistoryEntry.Kind.FAMILY},
            params={
                **_patient_params(),
                "code": _code("code_system", "code"),
                "relationship": _token_in("relation"),
                "status": _history_status("completed"),
            },
        )
    ],
}

TYPES.update(PHARMACY_TYPES)
TYPES.update(ORDER_TYPES)  # ServiceRequest, Specimen, DiagnosticReport (fhir/orders_resources.py)
TYPES.update(INTAKE_TYPES)
TYPES["Observation"].append(ECG_OBSERVATIONS)  # an ECG recording's measurements (ecg_sources.py)

CODE_SYSTEMS_SEARCHABLE = sorted(k for k in CodeSystem.values if k != "text")
