"""Reads for the patient portal: who a booking link is for, the clinic's rules, open slots."""

from __future__ import annotations

from datetime import date, timedelta

from django.core import signing

from medassist.core.errors import NotFound, ValidationFailed
from medassist.patients.models import Patient
from medassist.portal.errors import Code
from medassist.portal.models import PortalSettings
from medassist.practice.models import Clinic, User
from medassist.practice.roles import Role, require
from medassist.scheduling.models import Appointment
from medassist.scheduling.selectors import clinic_today

LINK_SALT = "medassist.portal.booking-link"
SYSTEM_USERNAME = "portal-{clinic}"


class LinkInvalid(NotFound):
    code: str = Code.LINK_INVALID


def settings_for(clinic: Clinic) -> PortalSettings:
    """The clinic's online-booking rules (an unsaved, disabled default when none are set)."""
    found = PortalSettings.objects.filter(clinic=clinic).first()
    return found or PortalSettings(clinic=clinic, enabled=False)


def portal_user(clinic: Clinic) -> User:
    """The clinic's portal account: the actor of online bookings in the audit log and the
    visit history. It cannot log in (no usable password)."""
    username = SYSTEM_USERNAME.format(clinic=clinic.public_id.hex[:12])
    user = User.objects.filter(username=username).select_related("clinic").first()
    if user is None:
        user = User(
            username=username,
            clinic=clinic,
            role=Role.FRONT_DESK,
            first_name="Online",
            last_name="booking",
            is_active=True,
        )
        user.set_unusable_password()
        user.save()
    return user


def patient_from_link(token: str) -> Patient:
    """The patient a booking link was made for; an expired, altered or unknown link is 404."""
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=timedelta(days=366))
    except signing.SignatureExpired as exc:
        raise LinkInvalid("This booking link has expired. Call the clinic for a new one.") from exc
    except signing.BadSignature as exc:
        raise LinkInvalid("This booking link is not valid. Call the clinic for a new one.") from exc
    patient = (
        Patient.objects.select_related("clinic")
        .filter(public_id=data.get("p"), clinic__public_id=data.get("c"), active=True)
        .first()
    )
    if patient is None:
        raise LinkInvalid("This booking link is not valid. Call the clinic for a new one.")
    settings = settings_for(patient.clinic)
    made = date.fromisoformat(data.get("d", "2000-01-01"))
    if clinic_today(patient.clinic) > made + timedelta(days=settings.link_valid_days):
        raise LinkInvalid("This booking link has expired. Call the clinic for a new one.")
    return patient


def booking_window(clinic: Clinic, settings: PortalSettings) -> tuple[date, date]:
    today = clinic_today(clinic)
    return (
        today + timedelta(days=settings.min_days_ahead),
        today + timedelta(days=settings.max_days_ahead),
    )


def open_slots(*, patient: Patient, visit_type, settings: PortalSettings, limit: int = 12):
    """The earliest open slots the patient may book online for this visit type."""
    if not settings.enabled or visit_type not in settings.visit_types.all():
        raise ValidationFailed("This visit type cannot be booked online.", field="visit_type")
    date_from, date_to = booking_window(patient.clinic, settings)
    from medassist.availability.selectors import first_available

    return first_available(
        user=portal_user(patient.clinic),
        visit_type=visit_type,
        date_from=date_from,
        date_to=date_to,
        patient=patient,
        limit=limit,
    )


def upcoming_visits(patient: Patient) -> list[Appointment]:
    """The patient's own booked visits from today (shown on their page, no clinical detail)."""
    from medassist.scheduling.models import Status
    from medassist.scheduling.selectors import clinic_day_bounds

    start, _ = clinic_day_bounds(patient.clinic, clinic_today(patient.clinic))
    return list(
        Appointment.objects.filter(patient=patient, status=Status.BOOKED, start__gte=start)
        .select_related("provider", "visit_type", "location")
        .order_by("start")[:10]
    )


def online_bookings(*, user, limit: int = 100) -> list[Appointment]:
    """Visits patients booked, moved or cancelled online, latest change first (for the
    front desk): those booked online, and those the portal account changed last."""
    require(user, "schedule.view")
    from django.db.models import Q

    from medassist.scheduling.selectors import appointments_listed

    portal = portal_user(user.clinic)
    qs = (
        Appointment.objects.filter(
            Q(booked_online=True) | Q(updated_by=portal), clinic_id=user.clinic_id
        )
        .select_related("patient", "provider", "visit_type", "location", "room")
        .order_by("-updated_at", "-created_at")[:limit]
    )
    return appointments_listed(user, list(qs), "online_bookings")
