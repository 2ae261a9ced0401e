"""What the server serves: for each FHIR type, the table(s) it is read from, how it is scoped,
which permission reads it, its search parameters, and the mapper that renders it.

Reads go through the same selectors as the screens (access_patient, access_appointment,
access_item) and the same permissions; searches build the same clinic-scoped querysets."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import IntegerField, Q, QuerySet, Value

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.access import get_scoped
from medassist.core.errors import NotFound
from medassist.core.normalize import name_key
from medassist.fhir import search as s
from medassist.fhir.errors import invalid
from medassist.fhir.mappers.allergy_intolerance import allergy_to_fhir, nka_to_fhir
from medassist.fhir.mappers.appointment import STATUS_IN, appointment_to_fhir
from medassist.fhir.mappers.common import URI_TO_SYSTEM
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
    VITAL_SIGNS,
    VITALS_BY_KEY,
    VITALS_BY_LOINC,
    observation_to_fhir,
    vital_sign_to_fhir,
)
from medassist.fhir.mappers.organization import organization_to_fhir
from medassist.fhir.mappers.patient import (
    GENDER,
    patient_to_fhir,
)
from medassist.fhir.mappers.practitioner import practitioner_to_fhir
from medassist.fhir.mappers.procedure import procedure_to_fhir
from medassist.intake.models import Vitals
from medassist.patients.models import Patient
from medassist.patients.selectors import access_patient
from medassist.practice.models import Clinic, Location, Provider
from medassist.practice.roles import can, require
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
from medassist.records.selectors import access_item
from medassist.scheduling.models import Appointment
from medassist.scheduling.selectors import access_appointment


@dataclass
class Ctx:
    """The request's user and where the server lives (for absolute URLs)."""

    user: Any
    site_url: str = ""  # scheme://host
    base_url: str = ""  # scheme://host/fhir/r4
    identifiers: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def tz(self):
        return self.user.clinic.tz  # type: ignore[attr-defined]


Item = tuple[Any, str]  # (row, key): key picks one measurement of a vitals set
Filter = Callable[[str, Ctx], Q]


def _ids(value: str) -> list[uuid.UUID]:
    return [u for u in (s.uuid_or_none(v) for v in s.split_or(value)) if u]


def _refs(value: str, kind: str) -> list[uuid.UUID]:
    return [u for u in (s.reference_id(v, kind) for v in s.split_or(value)) if u]


def _token_in(field_name: str, mapping: dict[str, list[Any]] | None = None) -> Filter:
    def build(value: str, ctx: Ctx) -> Q:
        wanted: list[Any] = []
        for v in s.split_or(value):
            code = s.token(v)[1]
            wanted.extend(mapping.get(code, []) if mapping is not None else [code])
        return Q(**{f"{field_name}__in": wanted})

    return build


def _ref_in(path: str, kind: str) -> Filter:
    return lambda value, ctx: Q(**{f"{path}__public_id__in": _refs(value, kind)})


def _date(field_name: str, *, is_date: bool = False) -> Filter:
    return lambda value, ctx: s.date_q(field_name, value, tz=ctx.tz, is_date=is_date)


def _code(system_field: str, code_field: str) -> Filter:
    def build(value: str, ctx: Ctx) -> Q:
        q = Q(pk__in=[])
        for v in s.split_or(value):
            system, code = s.token(v)
            if system:
                key = URI_TO_SYSTEM.get(system)
                if key is None:
                    continue  # a system we do not hold: matches nothing
                q |= (
                    Q(**{system_field: key, code_field: code}) if code else Q(**{system_field: key})
                )
            else:
                q |= Q(**{code_field: code})
        return q

    return build


def _name_starts(*fields: str) -> Filter:
    def build(value: str, ctx: Ctx) -> Q:
        q = Q(pk__in=[])
        for v in s.split_or(value):
            key = name_key(v)
            for f in fields:
                q |= Q(**{f"{f}__startswith": key})
        return q

    return build


def _icontains(*fields: str) -> Filter:
    def build(value: str, ctx: Ctx) -> Q:
        q = Q(pk__in=[])
        for v in s.split_or(value):
            for f in fields:
                q |= Q(**{f"{f}__icontains": v})
        return q

    return build


def _bool(field_name: str) -> Filter:
    def build(value: str, ctx: Ctx) -> Q:
        if value not in ("true", "false"):
            raise invalid(f"{value!r} is not true or false.")
        return Q(**{field_name: value == "true"})

    return build


@dataclass
class Source:
    """One table a FHIR type is read from."""

    model: type
    render: Callable[[Any, Ctx], dict]
    permission: str
    clinic_field: str
    params: dict[str, Filter]
    related: tuple[str, ...] = ()
    order: tuple[str, ...] = ("-id",)
    item_type: str = ""  # records item type, read with access_item
    where: dict[str, Any] = field(default_factory=dict)  # rows of this table that are this type
    exclude: dict[str, Any] = field(default_factory=dict)
    patient_of: Callable[[Any], Any] = lambda obj: getattr(obj, "patient", None)

    def allowed(self, user) -> bool:
        return can(user, self.permission)

    def base(self, ctx: Ctx):
        qs = self.model.objects.filter(**{self.clinic_field: ctx.user.clinic_id}, **self.where)  # type: ignore[attr-defined]
        if self.exclude:
            qs = qs.exclude(**self.exclude)
        return qs.select_related(*self.related)

    def matches(self, obj) -> bool:
        return all(getattr(obj, k) == v for k, v in self.where.items()) and not (
            self.exclude and all(getattr(obj, k) == v for k, v in self.exclude.items())
        )

    def supports(self, name: str) -> bool:
        return name == "_id" or name in self.params

    def filter(self, state, name: str, value: str, ctx: Ctx):
        if name == "_id":
            return state.filter(public_id__in=_ids(value))
        return state.filter(self.params[name](value, ctx))

    def count(self, state) -> int:
        return state.count()

    def page(self, state, offset: int, limit: int) -> list[Item]:
        return [(obj, "") for obj in state.order_by(*self.order)[offset : offset + limit]]

    def read(self, ctx: Ctx, rid: str) -> Item:
        """One row by FHIR id through the screens' selector (audited when it is patient data)."""
        user = ctx.user
        if self.item_type:
            obj = access_item(user=user, item_type=self.item_type, id=rid)
            if not self.matches(obj):
                raise NotFound("No such resource.")
            audit_record(actor=user, action=AuditEvent.Action.READ, obj=obj, patient=obj.patient)
            return obj, ""
        require(user, self.permission)
        obj = get_scoped(
            self.base(ctx), public_id=rid, what="resource", **{self.clinic_field: user.clinic_id}
        )
        return obj, ""

    def to_fhir(self, item: Item, ctx: Ctx) -> dict:
        return self.render(item[0], ctx)


class PatientSource(Source):
    def read(self, ctx: Ctx, rid: str) -> Item:
        return access_patient(user=ctx.user, id=rid), ""

    def to_fhir(self, item: Item, ctx: Ctx) -> dict:
        p = item[0]
        return patient_to_fhir(p, identifiers=ctx.identifiers.get(str(p.public_id)))


class AppointmentSource(Source):
    def read(self, ctx: Ctx, rid: str) -> Item:
        return access_appointment(user=ctx.user, id=rid), ""


@dataclass
class VitalsQuery:
    qs: QuerySet
    keys: tuple[str, ...]

    def filter(self, *args, **kwargs) -> VitalsQuery:
        return VitalsQuery(self.qs.filter(*args, **kwargs), self.keys)


def _present(key: str) -> Q:
    if key == "bp":
        return Q(bp_systolic__isnull=False) | Q(bp_diastolic__isnull=False)
    return Q(**{f"{VITALS_BY_KEY[key].field}__isnull": False})


class VitalsSource(Source):
    """Each measurement of a vitals set is one Observation with id `<vitals id>-<key>`."""

    def base(self, ctx: Ctx) -> VitalsQuery:  # type: ignore[override]
        qs = Vitals.objects.filter(patient__clinic_id=ctx.user.clinic_id)
        return VitalsQuery(qs, tuple(v.key for v in VITAL_SIGNS))

    def filter(self, state, name: str, value: str, ctx: Ctx):
        if name == "_id":
            pairs = [p for p in (_split_vitals_id(v) for v in s.split_or(value)) if p is not None]
            asked = {k for _, k in pairs}
            return VitalsQuery(
                state.qs.filter(public_id__in=[u for u, _ in pairs]),
                tuple(k for k in state.keys if k in asked),
            )
        if name == "code":
            coded: set[str] = set()
            for v in s.split_or(value):
                system, code = s.token(v)
                if system in (None, "", "http://loinc.org"):
                    coded.update(VITALS_BY_LOINC.get(code, []))
            return VitalsQuery(state.qs, tuple(k for k in state.keys if k in coded))
        if name == "category":
            codes = {s.token(v)[1] for v in s.split_or(value)}
            return state if "vital-signs" in codes else VitalsQuery(state.qs, ())
        return state.filter(self.params[name](value, ctx))

    def _union(self, state: VitalsQuery):
        parts = [
            state.qs.filter(_present(key))
            .annotate(k=Value(i, output_field=IntegerField()))
            .values_list("id", "taken_at", "k")
            .order_by()
            for i, key in enumerate(state.keys)
        ]
        if not parts:
            return None
        return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]

    def count(self, state) -> int:
        union = self._union(state)
        return 0 if union is None else union.count()

    def page(self, state, offset: int, limit: int) -> list[Item]:
        union = self._union(state)
        if union is None or limit <= 0:
            return []
        rows = list(union.order_by("-taken_at", "-id", "k")[offset : offset + limit])
        by_id = {
            v.pk: v
            for v in Vitals.objects.filter(pk__in={r[0] for r in rows}).select_related(
                "patient", "appointment__encounter"
            )
        }
        return [(by_id[pk], state.keys[k]) for pk, _, k in rows]

    def read(self, ctx: Ctx, rid: str) -> Item:
        parsed = _split_vitals_id(rid)
        if parsed is None:
            raise NotFound("No such observation.")
        require(ctx.user, "patient.view")
        require(ctx.user, "vitals.view")
        vitals = get_scoped(
            Vitals.objects.select_related("patient", "appointment__encounter"),
            public_id=parsed[0],
            what="observation",
            patient__clinic_id=ctx.user.clinic_id,
        )
        if parsed[1] not in vitals_keys(vitals):
            raise NotFound("No such observation.")
        audit_record(
            actor=ctx.user, action=AuditEvent.Action.READ, obj=vitals, patient=vitals.patient
        )
        return vitals, parsed[1]

    def to_fhir(self, item: Item, ctx: Ctx) -> dict:
        return vital_sign_to_fhir(item[0], item[1])


def vitals_keys(vitals) -> list[str]:
    from medassist.fhir.mappers.observation import vitals_present

    return vitals_present(vitals)


def _split_vitals_id(rid: str) -> tuple[uuid.UUID, str] | None:
    head, _, key = rid.rpartition("-")
    pid = s.uuid_or_none(head)
    if pid is None or key not in VITALS_BY_KEY:
        return None
    return pid, key


def _patient_identifier(value: str, ctx: Ctx) -> Q:
    """Our MRN (with our system or none), or an identifier an importer recorded."""
    from medassist.fhir.mappers.patient import mrn_system

    ours = mrn_system(ctx.user.clinic)
    q = Q(pk__in=[])
    for v in s.split_or(value):
        system, code = s.token(v)
        if system in (None, "", ours):
            q |= Q(mrn=code.upper())
        if system != ours:
            q |= Q(public_id__in=_source_identifier_ids(ctx, system, code))
    return q


def _source_identifier_ids(ctx: Ctx, system: str | None, value: str):
    try:
        from medassist.fhir.models import SourceIdentifier
    except ImportError:
        return []
    rows = SourceIdentifier.objects.filter(
        clinic_id=ctx.user.clinic_id, resource_type="Patient", value=value
    )
    if system is not None:
        rows = rows.filter(system=system)
    return rows.values("object_public_id")


def _patient_params(path: str = "patient") -> dict[str, Filter]:
    return {"patient": _ref_in(path, "Patient"), "subject": _ref_in(path, "Patient")}


_DOC = Document.Status
_EIE = "entered-in-error"


def _history_status(ok: str) -> Filter:
    return _token_in("status", {ok: ["current"], _EIE: [_EIE]})


def _fixed_code(system: str, code: str) -> Filter:
    """A table holding one code only: matches when the search asks for it."""

    def build(value: str, ctx: Ctx) -> Q:
        for v in s.split_or(value):
            sys_, c = s.token(v)
            if c == code and sys_ in (None, "", system):
                return Q()
        return Q(pk__in=[])

    return build


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
            related=("patient", "encounter"),
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

CODE_SYSTEMS_SEARCHABLE = sorted(k for k in CodeSystem.values if k != "text")
