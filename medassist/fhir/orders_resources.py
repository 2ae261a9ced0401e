"""Where the orders app's FHIR types are read from (merged into fhir.resources.TYPES):
ServiceRequest (every order), Specimen (collected specimens), DiagnosticReport (resulted lab
orders). Reads are clinic-scoped, need "order.view", and are audited like the chart's."""

from __future__ import annotations

from django.db.models import Q

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.fhir import search as s
from medassist.fhir.mappers.orders import (
    PRIORITY,
    SR_STATUS,
    diagnostic_report_to_fhir,
    service_request_to_fhir,
    specimen_to_fhir,
)
from medassist.fhir.sources import Ctx, Item, Source, _date, _patient_params, _token_in
from medassist.orders.models import Order, Specimen


def _invert(mapping: dict) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for ours, theirs in mapping.items():
        out.setdefault(theirs, []).append(ours)
    return out


def _values(field_name: str):
    return lambda value, ctx: Q(**{f"{field_name}__in": [s.token(v)[1] for v in s.split_or(value)]})


def _loinc(path: str):
    def build(value: str, ctx: Ctx) -> Q:
        q = Q(pk__in=[])
        for v in s.split_or(value):
            system, code = s.token(v)
            if system and system != "http://loinc.org":
                continue
            q |= Q(**{path: code})
        return q

    return build


class AuditedSource(Source):
    def read(self, ctx: Ctx, rid: str) -> Item:
        obj, extra = super().read(ctx, rid)
        patient = self.patient_of(obj)
        audit_record(actor=ctx.user, action=AuditEvent.Action.READ, obj=obj, patient=patient)
        return obj, extra


ORDER_TYPES: dict[str, list[Source]] = {
    "ServiceRequest": [
        AuditedSource(
            model=Order,
            render=lambda obj, ctx: service_request_to_fhir(obj),
            permission="order.view",
            clinic_field="clinic_id",
            related=("patient", "ordering_provider", "lab"),
            order=("-signed_at", "-id"),
            params={
                **_patient_params(),
                "status": _token_in("status", _invert(SR_STATUS)),
                "priority": _token_in("priority", _invert(PRIORITY)),
                "authored": _date("signed_at"),
                "code": _loinc("tests__loinc"),
                "identifier": lambda value, ctx: Q(
                    placer_number__in=[s.token(v)[1] for v in s.split_or(value)]
                ),
            },
        )
    ],
    "Specimen": [
        AuditedSource(
            model=Specimen,
            render=lambda obj, ctx: specimen_to_fhir(obj),
            permission="order.view",
            clinic_field="order__clinic_id",
            related=("order", "order__patient", "collected_by"),
            order=("-collected_at", "-id"),
            patient_of=lambda obj: obj.order.patient,
            params={
                **_patient_params("order__patient"),
                "collected": _date("collected_at"),
                "accession": lambda value, ctx: Q(
                    accession__in=[s.token(v)[1] for v in s.split_or(value)]
                ),
            },
        )
    ],
    "DiagnosticReport": [
        AuditedSource(
            model=Order,
            render=lambda obj, ctx: diagnostic_report_to_fhir(obj),
            permission="order.view",
            clinic_field="clinic_id",
            related=("patient", "ordering_provider", "lab"),
            order=("-resulted_at", "-id"),
            where={"kind": Order.Kind.LAB},
            exclude={"resulted_at": None},
            params={
                **_patient_params(),
                "issued": _date("resulted_at"),
                "code": _loinc("tests__loinc"),
                "status": _token_in(
                    "status",
                    {"final": [Order.Status.RESULTED, Order.Status.REVIEWED, Order.Status.TOLD]},
                ),
            },
        )
    ],
}
