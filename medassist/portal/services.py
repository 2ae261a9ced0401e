"""Writes of the patient portal: the clinic makes a booking link; the patient books a slot."""

from __future__ import annotations

from datetime import datetime

from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.urls import reverse

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.booking.services import appointment_book
from medassist.core.errors import ValidationFailed
from medassist.patients.models import Patient
from medassist.portal.selectors import (
    LINK_SALT,
    booking_window,
    portal_user,
    settings_for,
)
from medassist.practice.models import Location, Provider, VisitType
from medassist.practice.roles import require
from medassist.scheduling.models import Appointment
from medassist.scheduling.selectors import clinic_today


@transaction.atomic
def portal_link_make(*, actor, patient: Patient) -> str:
    """A signed booking link for one patient (path only; valid link_valid_days days)."""
    require(actor, "appointment.book")
    if patient.clinic_id != actor.clinic_id:
        raise ValidationFailed("Unknown patient.", field="patient")
    if not patient.active:
        raise ValidationFailed("This patient's record is inactive.", field="patient")
    settings = settings_for(actor.clinic)
    if not settings.enabled:
        raise ValidationFailed(
            "Online booking is turned off for this clinic (Set-up → Portal settings).",
            field="patient",
        )
    token = signing.dumps(
        {
            "p": str(patient.public_id),
            "c": str(actor.clinic.public_id),
            "d": clinic_today(actor.clinic).isoformat(),
        },
        salt=LINK_SALT,
        compress=True,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        object_type="portal.BookingLink",
        object_id=str(patient.public_id),
        patient=patient,
        detail={"valid_days": settings.link_valid_days},
    )
    return reverse("portal:book", args=[token])


def parse_slot_key(key: str, clinic) -> tuple[Provider, Location, datetime]:
    """A slot's form key (provider id | location id | start ISO) within the patient's clinic."""
    try:
        provider_id, location_id, start_raw = key.split("|")
        start = datetime.fromisoformat(start_raw)
        provider = Provider.objects.get(public_id=provider_id, clinic=clinic, active=True)
        location = Location.objects.get(public_id=location_id, clinic=clinic)
    except (ValueError, Provider.DoesNotExist, Location.DoesNotExist, DjangoValidationError):
        raise ValidationFailed("Choose one of the open times shown.", field="slot") from None
    if start.tzinfo is None:
        raise ValidationFailed("Choose one of the open times shown.", field="slot")
    return provider, location, start


@transaction.atomic
def portal_book(*, patient: Patient, visit_type: VisitType, slot_key: str) -> Appointment:
    """Book one open slot for the patient of a booking link, by the clinic's online rules,
    through the same booking services as the desk. The visit is flagged "Booked online"."""
    clinic = patient.clinic
    settings = settings_for(clinic)
    if not settings.enabled:
        raise ValidationFailed("Online booking is not available. Please call the clinic.")
    if visit_type.clinic_id != clinic.pk or visit_type not in settings.visit_types.all():
        raise ValidationFailed("This visit type cannot be booked online.", field="visit_type")
    provider, location, start = parse_slot_key(slot_key, clinic)
    first, last = booking_window(clinic, settings)
    day = start.astimezone(clinic.tz).date()
    if not first <= day <= last:
        raise ValidationFailed(
            f"Online booking is open from {first:%b %d} to {last:%b %d}; choose a time shown.",
            field="slot",
        )
    actor = portal_user(clinic)
    appt = appointment_book(
        actor=actor,
        patient=patient,
        visit_type=visit_type,
        provider=provider,
        start=start,
        location=location,
        note="Booked online by the patient",
        booked_online=True,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=appt,
        patient=patient,
        detail={"booked_online": True, "channel": "portal", "start": start.isoformat()},
    )
    return appt
