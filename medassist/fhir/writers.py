"""Create and update: FHIR resource → mapper → the same service the screens call. References
are resolved within the user's clinic (or to an entry of the same transaction Bundle)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from medassist.booking import services as booking
from medassist.fhir import search as s
from medassist.fhir.errors import FhirError, invalid, unprocessable
from medassist.fhir.mappers.allergy_intolerance import allergy_from_fhir
from medassist.fhir.mappers.appointment import STATUS_OUT, appointment_from_fhir
from medassist.fhir.mappers.condition import condition_from_fhir
from medassist.fhir.mappers.encounter import encounter_from_fhir
from medassist.fhir.mappers.immunization import immunization_from_fhir
from medassist.fhir.mappers.medication_statement import medication_from_fhir
from medassist.fhir.mappers.observation import observation_from_fhir
from medassist.fhir.mappers.patient import patient_from_fhir
from medassist.patients import services as patient_services
from medassist.patients.models import Patient
from medassist.practice.models import Location, Provider, VisitType
from medassist.records import services as chart
from medassist.records.models import Encounter
from medassist.scheduling.models import Appointment, Status

# FHIR type → the model its references point to, and how that model is scoped to a clinic
REFERENCE_TARGETS: dict[str, tuple[type, str]] = {
    "Patient": (Patient, "clinic_id"),
    "Practitioner": (Provider, "clinic_id"),
    "Location": (Location, "clinic_id"),
    "Encounter": (Encounter, "patient__clinic_id"),
    "Appointment": (Appointment, "clinic_id"),
}
MODEL_TYPES = {model: name for name, (model, _) in REFERENCE_TARGETS.items()}


class Resolver:
    """Turns a FHIR Reference into one of our objects of the clinic, or refuses (422)."""

    def __init__(self, user, *, base_url: str = "", bundle: dict[str, object] | None = None):
        self.user = user
        self.base_url = base_url.rstrip("/")
        self.bundle = bundle if bundle is not None else {}

    def __call__(self, reference, types: tuple[str, ...]):
        text = (reference or {}).get("reference") if isinstance(reference, dict) else None
        if not text:
            raise unprocessable(f"A reference to a {' or '.join(types)} is required.")
        if text.startswith("urn:uuid:"):
            obj = self.bundle.get(text)
            if obj is None:
                raise unprocessable(
                    f"{text} is not the fullUrl of an earlier entry of this transaction.",
                )
            if MODEL_TYPES.get(type(obj)) not in types:
                raise unprocessable(f"{text} is not a {' or '.join(types)}.")
            return obj
        if self.base_url and text.startswith(self.base_url + "/"):
            text = text[len(self.base_url) + 1 :]
        kind, _, rid = text.partition("/")
        if kind not in types or "/" in rid:
            raise unprocessable(f"{text} is not a reference to a {' or '.join(types)}.")
        model, scope = REFERENCE_TARGETS[kind]
        pid = s.uuid_or_none(rid)
        obj = (
            model.objects.filter(public_id=pid, **{scope: self.user.clinic_id}).first()  # type: ignore[attr-defined]
            if pid
            else None
        )
        if obj is None:
            raise FhirError(422, f"{text} does not exist.", code="not-found")
        return obj


@dataclass
class Writer:
    create: Callable | None
    update: Callable | None


def _same_patient(obj, kwargs: dict) -> None:
    patient = kwargs.pop("patient")
    if patient.pk != obj.patient_id:
        raise unprocessable("An item cannot be moved to another patient.")


def _chart_writer(mapper, create, update, arg: str, *, renames=None, drop=(), tz=False):
    def args(data, resolve, ctx):
        return mapper(data, resolve, tz=ctx.tz) if tz else mapper(data, resolve)

    def do_create(ctx, data, resolve):
        return create(actor=ctx.user, **args(data, resolve, ctx))

    def do_update(ctx, obj, data, resolve):
        kwargs = args(data, resolve, ctx)
        _same_patient(obj, kwargs)
        for name in ("encounter", "appointment", *drop):
            kwargs.pop(name, None)
        for old, new in (renames or {}).items():
            kwargs[new] = kwargs.pop(old)
        return update(actor=ctx.user, **{arg: obj}, **kwargs)

    return Writer(do_create, do_update)


def _patient_create(ctx, data, resolve):
    return patient_services.patient_register(actor=ctx.user, **patient_from_fhir(data))


def _patient_update(ctx, patient, data, resolve):
    return patient_services.patient_update(
        actor=ctx.user, patient=patient, **patient_from_fhir(data)
    )


def _appointment_create(ctx, data, resolve):
    clinic = ctx.user.clinic
    a = appointment_from_fhir(data, resolve, clinic=clinic)
    if a["status"] not in ("", "booked", "proposed", "pending"):
        raise unprocessable(
            "A new appointment is booked; its status must be booked.",
            expression="Appointment.status",
        )
    visit_type = VisitType.objects.filter(clinic=clinic, code=a["visit_type_code"]).first()
    if visit_type is None:
        raise unprocessable(
            f"Unknown visit type {a['visit_type_code']!r}.",
            expression="Appointment.appointmentType",
        )
    location = a["location"]
    if location is None:
        locations = list(Location.objects.filter(clinic=clinic, active=True)[:2])
        if len(locations) != 1:
            raise unprocessable(
                "Appointment.participant needs a Location actor.",
                expression="Appointment.participant",
            )
        location = locations[0]
    if a["start"] is None:
        raise unprocessable("Appointment.start is required.", expression="Appointment.start")
    return booking.appointment_book(
        actor=ctx.user,
        patient=a["patient"],
        provider=a["provider"],
        visit_type=visit_type,
        location=location,
        start=a["start"],
        note=a["note"],
    )


def _appointment_update(ctx, appt, data, resolve):
    """Only the status may change through FHIR: cancelled (with a reason) or noshow. Booking
    details are changed by rescheduling on the schedule screen."""
    a = appointment_from_fhir(data, resolve, clinic=ctx.user.clinic)
    if a["patient"].pk != appt.patient_id or (a["start"] and a["start"] != appt.start):
        raise unprocessable(
            "Only the status of an appointment can be changed here; reschedule on the schedule.",
            expression="Appointment.start",
        )
    wanted = a["status"]
    if wanted == STATUS_OUT.get(appt.status):
        return appt
    if wanted == "cancelled":
        return booking.appointment_cancel(
            actor=ctx.user, appointment=appt, reason=a["cancel_reason"]
        )
    if wanted == "noshow":
        return booking.appointment_no_show(actor=ctx.user, appointment=appt)
    raise unprocessable(
        f"An appointment cannot be set to {wanted!r} here (cancelled or noshow only).",
        expression="Appointment.status",
    )


WRITERS: dict[str, Writer] = {
    "Patient": Writer(_patient_create, _patient_update),
    "Condition": _chart_writer(
        condition_from_fhir, chart.problem_create, chart.problem_update, "problem"
    ),
    "AllergyIntolerance": _chart_writer(
        allergy_from_fhir, chart.allergy_create, chart.allergy_update, "allergy"
    ),
    "MedicationStatement": _chart_writer(
        medication_from_fhir,
        chart.medication_create,
        chart.medication_update,
        "medication",
        renames={"drug_name": "display"},
    ),
    "Immunization": _chart_writer(
        immunization_from_fhir, chart.immunization_create, chart.immunization_update, "immunization"
    ),
    "Observation": _chart_writer(
        observation_from_fhir,
        chart.observation_create,
        chart.observation_update,
        "observation",
        tz=True,
    ),
    "Encounter": _chart_writer(
        encounter_from_fhir, chart.encounter_create, chart.encounter_update, "encounter", tz=True
    ),
    "Appointment": Writer(_appointment_create, _appointment_update),
}

__all__ = ["WRITERS", "Resolver", "Status", "invalid"]
