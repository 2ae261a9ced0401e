"""Writes of the patient portal: the clinic makes a booking link; the patient books a slot."""

from __future__ import annotations

from datetime import datetime

from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.booking.services import appointment_book, appointment_cancel, appointment_reschedule
from medassist.core.errors import NotFound, ValidationFailed
from medassist.patients.models import Patient
from medassist.portal.models import PortalSettings
from medassist.portal.selectors import (
    LINK_SALT,
    booking_window,
    portal_user,
    settings_for,
    upcoming_visits,
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


CANCEL_REASONS = {
    "better": "Feeling better",
    "conflict": "Cannot make that time",
    "elsewhere": "Seeing someone else",
    "other": "Other reason",
}


def _own_visit(patient: Patient, appointment_id) -> Appointment:
    """One of the patient's own booked, upcoming visits; any other id is not found."""
    wanted, now = str(appointment_id), timezone.now()
    found = next(
        (a for a in upcoming_visits(patient) if str(a.public_id) == wanted and a.start > now),
        None,
    )
    if found is None:
        raise NotFound("That visit is not one of your upcoming visits.")
    return found


@transaction.atomic
def portal_cancel(*, patient: Patient, appointment_id, reason: str) -> Appointment:
    """The patient cancels one of their upcoming visits (a reason from CANCEL_REASONS),
    through the booking service as the clinic's portal account; the desk sees it online."""
    if reason not in CANCEL_REASONS:
        raise ValidationFailed("Choose a reason from the list.", field="reason")
    appt = _own_visit(patient, appointment_id)
    actor = portal_user(patient.clinic)
    appt = appointment_cancel(
        actor=actor, appointment=appt, reason=f"Cancelled online: {CANCEL_REASONS[reason]}"
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=appt,
        patient=patient,
        detail={"cancelled_online": True, "channel": "portal", "reason": reason},
    )
    return appt


@transaction.atomic
def portal_reschedule(*, patient: Patient, appointment_id, slot_key: str) -> Appointment:
    """The patient moves one of their upcoming visits to an open time within the clinic's
    online rules (the visit type must be bookable online), through the booking service."""
    clinic = patient.clinic
    settings = settings_for(clinic)
    appt = _own_visit(patient, appointment_id)
    if not settings.enabled or appt.visit_type not in settings.visit_types.all():
        raise ValidationFailed(
            "This visit cannot be moved online. Please call the clinic.", field="slot"
        )
    provider, location, start = parse_slot_key(slot_key, clinic)
    first, last = booking_window(clinic, settings)
    if not first <= start.astimezone(clinic.tz).date() <= last:
        raise ValidationFailed(
            f"Online booking is open from {first:%b %d} to {last:%b %d}; choose a time shown.",
            field="slot",
        )
    actor = portal_user(clinic)
    before = appt.start
    appt = appointment_reschedule(
        actor=actor,
        appointment=appt,
        start=start,
        provider=provider,
        location=location,
        reason="Moved online by the patient",
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=appt,
        patient=patient,
        detail={"moved_online": True, "channel": "portal", "from": before.isoformat()},
    )
    return appt


@transaction.atomic
def portal_settings_update(
    *,
    actor,
    enabled: bool,
    visit_types,
    min_days_ahead: int,
    max_days_ahead: int,
    link_valid_days: int,
) -> PortalSettings:
    """The clinic admin sets the online-booking rules: on or off, the visit types patients may
    book, how near and how far ahead, and how long a booking link lasts."""
    require(actor, "practice.manage")
    clinic = actor.clinic
    chosen = list(visit_types)
    if any(vt.clinic_id != clinic.pk for vt in chosen):
        raise ValidationFailed("Choose the clinic's own visit types.", field="visit_types")
    if enabled and not chosen:
        raise ValidationFailed(
            "Choose at least one visit type patients may book, or leave online booking off.",
            field="visit_types",
        )
    for name, value, top in (
        ("min_days_ahead", min_days_ahead, 365),
        ("max_days_ahead", max_days_ahead, 730),
        ("link_valid_days", link_valid_days, 90),
    ):
        if value is None or not 0 <= value <= top:
            raise ValidationFailed(f"Enter a number from 0 to {top}.", field=name)
    if max_days_ahead < min_days_ahead:
        raise ValidationFailed(
            "The latest day must not be before the earliest day.", field="max_days_ahead"
        )
    if link_valid_days < 1:
        raise ValidationFailed("A link must stay valid at least one day.", field="link_valid_days")
    found = PortalSettings.objects.select_for_update().filter(clinic=clinic).first()
    row = found or PortalSettings(clinic=clinic)
    row.enabled = enabled
    row.min_days_ahead, row.max_days_ahead = min_days_ahead, max_days_ahead
    row.link_valid_days = link_valid_days
    row.stamp(actor)
    row.save()
    row.visit_types.set(chosen)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE if found is None else AuditEvent.Action.UPDATE,
        obj=row,
        detail={
            "enabled": enabled,
            "visit_types": sorted(vt.code for vt in chosen),
            "min_days_ahead": min_days_ahead,
            "max_days_ahead": max_days_ahead,
            "link_valid_days": link_valid_days,
        },
    )
    return row
