"""Appointment ↔ Appointment. Our visit lifecycle maps onto FHIR's appointment statuses; the
visit type is the appointmentType, coded in a per-clinic system."""

from __future__ import annotations

from medassist.fhir.errors import unprocessable
from medassist.fhir.mappers.common import (
    Resolver,
    datetime_in,
    finish,
    first,
    instant,
    meta,
    ref,
)
from medassist.scheduling.models import Status

STATUS_OUT = {
    Status.BOOKED: "booked",
    Status.ARRIVED: "arrived",
    Status.ROOMED: "checked-in",
    Status.WITH_PROVIDER: "checked-in",
    Status.CHECKED_OUT: "fulfilled",
    Status.CANCELLED: "cancelled",
    Status.NO_SHOW: "noshow",
}
# FHIR status → ours, for search
STATUS_IN: dict[str, list[str]] = {}
for _ours, _theirs in STATUS_OUT.items():
    STATUS_IN.setdefault(_theirs, []).append(_ours)


def visit_type_system(clinic) -> str:
    return f"urn:medassist:clinic:{clinic.public_id}:visit-type"


def appointment_to_fhir(appt) -> dict:
    a = appt
    vt = a.visit_type
    return finish(
        {
            "resourceType": "Appointment",
            "id": str(a.public_id),
            "meta": meta(a, versioned=False),
            "status": STATUS_OUT.get(a.status, "booked"),
            "cancelationReason": {"text": a.cancel_reason} if a.cancel_reason else None,
            "appointmentType": {
                "coding": [
                    {"system": visit_type_system(a.clinic), "code": vt.code, "display": vt.name}
                ],
                "text": vt.name,
            },
            "start": instant(a.start),
            "end": instant(a.end),
            "minutesDuration": int((a.end - a.start).total_seconds() // 60),
            "comment": a.note,
            "participant": [
                {
                    "actor": ref("Patient", a.patient, a.patient.display_name),
                    "required": "required",
                    "status": "accepted",
                },
                {
                    "actor": ref("Practitioner", a.provider, a.provider.display_name),
                    "required": "required",
                    "status": "accepted",
                },
                {
                    "actor": ref("Location", a.location, a.location.name),
                    "required": "required",
                    "status": "accepted",
                },
            ],
        }
    )


def appointment_from_fhir(data: dict, resolve: Resolver, *, clinic) -> dict:
    """Arguments for appointment_book: patient, provider, location, visit type code, start."""
    found: dict[str, object] = {}
    names = {"Patient": "Patient", "Provider": "Practitioner", "Location": "Location"}
    for p in data.get("participant") or []:
        actor = p.get("actor") or {}
        if not actor.get("reference"):
            continue
        obj = resolve(actor, ("Patient", "Practitioner", "Location"))
        found.setdefault(names.get(type(obj).__name__, ""), obj)
    for needed in ("Patient", "Practitioner"):
        if needed not in found:
            raise unprocessable(
                f"Appointment.participant needs a {needed} actor.",
                expression="Appointment.participant",
            )
    vt = data.get("appointmentType") or first(data.get("serviceType")) or {}
    system = visit_type_system(clinic)
    code = next(
        (c.get("code") for c in vt.get("coding") or [] if c.get("system") == system), None
    ) or next((c.get("code") for c in vt.get("coding") or [] if c.get("code")), "")
    if not code:
        raise unprocessable(
            f"Appointment.appointmentType needs a visit type code ({system}).",
            expression="Appointment.appointmentType",
        )
    return {
        "patient": found["Patient"],
        "provider": found["Practitioner"],
        "location": found.get("Location"),
        "visit_type_code": code,
        "start": datetime_in(data.get("start"), field="Appointment.start", tz=clinic.tz),
        "note": data.get("comment") or "",
        "status": data.get("status") or "",
        "cancel_reason": (data.get("cancelationReason") or {}).get("text") or "",
    }
