"""ECG measurements as Observations: each measured value of a recording is one Observation
(`<recording id>-<key>`, see fhir/mappers/ecg.py). Read by those who may see measurements
(`ecg.review`, the physicians; the MA sees only whether a recording is acceptable), scoped to
the user's clinic; every read is audited as patient data."""

from __future__ import annotations

import uuid

from django.db.models import Q

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.access import get_scoped
from medassist.core.errors import NotFound
from medassist.ecg.models import EcgRecording
from medassist.fhir.mappers.ecg import (
    ECG_BY_KEY,
    ECG_BY_LOINC,
    ECG_MEASURES,
    ecg_observation_to_fhir,
    ecg_present,
)
from medassist.fhir.sources import (
    Ctx,
    Item,
    KeyedQuery,
    KeyedSource,
    _date,
    _patient_params,
    _ref_in,
    _token_in,
    split_keyed_id,
)
from medassist.practice.roles import can, require

_S = EcgRecording.Status
RELATED = ("patient", "encounter")


def _split(rid: str) -> tuple[uuid.UUID, str] | None:
    return split_keyed_id(rid, ECG_BY_KEY)


class EcgSource(KeyedSource):
    by_key = ECG_BY_KEY
    by_loinc = ECG_BY_LOINC
    category = "procedure"

    def allowed(self, user) -> bool:
        return can(user, "patient.view") and can(user, "ecg.review")

    def base(self, ctx: Ctx) -> KeyedQuery:  # type: ignore[override]
        qs = EcgRecording.objects.filter(patient__clinic_id=ctx.user.clinic_id)
        return KeyedQuery(qs, tuple(m.key for m in ECG_MEASURES))

    def _rows(self, state: KeyedQuery) -> list[tuple[int, str]]:
        """(recording pk, key) of every value present, newest recording first: one query
        that reads only the ids and the measured values."""
        if not state.keys:
            return []
        fields = [f"measurements__{ECG_BY_KEY[k].field}" for k in state.keys]
        rows = state.qs.order_by("-recorded_at", "-id").values_list("id", *fields)
        return [
            (row[0], key)
            for row in rows
            for key, value in zip(state.keys, row[1:], strict=True)
            if value is not None
        ]

    def count(self, state) -> int:
        return len(self._rows(state))

    def page(self, state, offset: int, limit: int) -> list[Item]:
        if limit <= 0:
            return []
        rows = self._rows(state)[offset : offset + limit]
        by_id = EcgRecording.objects.select_related(*RELATED).in_bulk({pk for pk, _ in rows})
        return [(by_id[pk], key) for pk, key in rows]

    def read(self, ctx: Ctx, rid: str) -> Item:
        parsed = _split(rid)
        if parsed is None:
            raise NotFound("No such observation.")
        require(ctx.user, "patient.view")
        require(ctx.user, "ecg.review")
        rec = get_scoped(
            EcgRecording.objects.select_related(*RELATED),
            public_id=parsed[0],
            what="observation",
            patient__clinic_id=ctx.user.clinic_id,
        )
        if parsed[1] not in ecg_present(rec):
            raise NotFound("No such observation.")
        audit_record(actor=ctx.user, action=AuditEvent.Action.READ, obj=rec, patient=rec.patient)
        return rec, parsed[1]

    def to_fhir(self, item: Item, ctx: Ctx) -> dict:
        return ecg_observation_to_fhir(item[0], item[1])


ECG_OBSERVATIONS = EcgSource(
    model=EcgRecording,
    render=lambda obj, ctx: {},
    permission="ecg.review",
    clinic_field="patient__clinic_id",
    params={
        **_patient_params(),
        "code": lambda value, ctx: Q(),  # handled by EcgSource.filter
        "date": _date("recorded_at"),
        "status": _token_in(
            "status",
            {
                "preliminary": [_S.RECORDED],
                "final": [_S.REVIEWED],
                "entered-in-error": [_S.ENTERED_IN_ERROR],
            },
        ),
        "category": lambda value, ctx: Q(),
        "encounter": _ref_in("encounter", "Encounter"),
    },
)
