"""The parts of the FHIR server's table of types: the request context, search-parameter
filters (tokens, references, dates, codes, names) and the sources a type is read from
(a table, or the vitals sets that each hold several Observations)."""

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
from medassist.fhir.mappers.common import URI_TO_SYSTEM
from medassist.fhir.mappers.observation import (
    VITAL_SIGNS,
    VITALS_BY_KEY,
    VITALS_BY_LOINC,
    vital_sign_to_fhir,
)
from medassist.fhir.mappers.patient import (
    patient_to_fhir,
)
from medassist.intake.models import Vitals
from medassist.patients.selectors import access_patient
from medassist.practice.roles import can, require
from medassist.records.models import (
    Document,
)
from medassist.records.selectors import access_item
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
class KeyedQuery:
    """Rows that each hold several Observations (a vitals set, an ECG recording's measures):
    the rows, and which of their keys are still asked for."""

    qs: QuerySet
    keys: tuple[str, ...]

    def filter(self, *args, **kwargs) -> KeyedQuery:
        return KeyedQuery(self.qs.filter(*args, **kwargs), self.keys)


VitalsQuery = KeyedQuery


def split_keyed_id(rid: str, keys) -> tuple[uuid.UUID, str] | None:
    """`<row public id>-<key>` into its parts, or None when it is not one of ours."""
    head, _, key = rid.rpartition("-")
    pid = s.uuid_or_none(head)
    if pid is None or key not in keys:
        return None
    return pid, key


class KeyedSource(Source):
    """Search over a `KeyedQuery`: `_id` and `code` narrow the keys as well as the rows, and
    `category` keeps everything or nothing. Subclasses name their keys' LOINC map and
    category."""

    by_key: dict = {}
    by_loinc: dict = {}
    category: str = ""

    def split(self, rid: str) -> tuple[uuid.UUID, str] | None:
        return split_keyed_id(rid, self.by_key)

    def filter(self, state, name: str, value: str, ctx: Ctx):
        if name == "_id":
            pairs = [p for p in (self.split(v) for v in s.split_or(value)) if p is not None]
            asked = {k for _, k in pairs}
            return KeyedQuery(
                state.qs.filter(public_id__in=[u for u, _ in pairs]),
                tuple(k for k in state.keys if k in asked),
            )
        if name == "code":
            coded: set[str] = set()
            for v in s.split_or(value):
                system, code = s.token(v)
                if system in (None, "", "http://loinc.org"):
                    coded.update(self.by_loinc.get(code, []))
            return KeyedQuery(state.qs, tuple(k for k in state.keys if k in coded))
        if name == "category":
            codes = {s.token(v)[1] for v in s.split_or(value)}
            return state if self.category in codes else KeyedQuery(state.qs, ())
        return state.filter(self.params[name](value, ctx))


def _present(key: str) -> Q:
    if key == "bp":
        return Q(bp_systolic__isnull=False) | Q(bp_diastolic__isnull=False)
    return Q(**{f"{VITALS_BY_KEY[key].field}__isnull": False})


class VitalsSource(KeyedSource):
    """Each measurement of a vitals set is one Observation with id `<vitals id>-<key>`."""

    by_key = VITALS_BY_KEY
    by_loinc = VITALS_BY_LOINC
    category = "vital-signs"

    def base(self, ctx: Ctx) -> VitalsQuery:  # type: ignore[override]
        qs = Vitals.objects.filter(patient__clinic_id=ctx.user.clinic_id)
        return VitalsQuery(qs, tuple(v.key for v in VITAL_SIGNS))

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
    return split_keyed_id(rid, VITALS_BY_KEY)


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
