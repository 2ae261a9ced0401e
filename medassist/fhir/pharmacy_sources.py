"""The FHIR types read from the pharmacy app: MedicationRequest (orders), MedicationDispense
and MedicationAdministration. Read only; every read of one is audited as patient data."""

from __future__ import annotations

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.fhir.mappers.pharmacy import (
    medication_administration_to_fhir,
    medication_dispense_to_fhir,
    medication_request_to_fhir,
)
from medassist.fhir.sources import Ctx, Item, Source, _date, _patient_params, _token_in
from medassist.pharmacy.models import Administration, Dispense, MedicationOrder


class AuditedSource(Source):
    def read(self, ctx: Ctx, rid: str) -> Item:
        obj, version = super().read(ctx, rid)
        audit_record(actor=ctx.user, action=AuditEvent.Action.READ, obj=obj, patient=obj.patient)
        return obj, version


PHARMACY_TYPES: dict[str, list[Source]] = {
    "MedicationRequest": [
        AuditedSource(
            model=MedicationOrder,
            render=lambda obj, ctx: medication_request_to_fhir(obj),
            permission="patient.view",
            clinic_field="clinic_id",
            related=("patient", "prescriber", "replaces"),
            order=("-not_before", "-id"),
            params={
                **_patient_params(),
                "status": _token_in("status"),
                "authoredon": _date("created_at"),
            },
        )
    ],
    "MedicationDispense": [
        AuditedSource(
            model=Dispense,
            render=lambda obj, ctx: medication_dispense_to_fhir(obj),
            permission="patient.view",
            clinic_field="patient__clinic_id",
            related=("patient", "order", "lot", "lot__item", "performer"),
            order=("-at", "-id"),
            params={**_patient_params(), "whenhandedover": _date("at")},
        )
    ],
    "MedicationAdministration": [
        AuditedSource(
            model=Administration,
            render=lambda obj, ctx: medication_administration_to_fhir(obj),
            permission="patient.view",
            clinic_field="patient__clinic_id",
            related=("patient", "order", "lot", "lot__item", "performer", "immunization"),
            order=("-at", "-id"),
            params={**_patient_params(), "effective-time": _date("at")},
        )
    ],
}
