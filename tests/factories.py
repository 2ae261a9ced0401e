"""Plain helpers that build test data through the real services where one exists."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from medassist.booking.services import appointment_book
from medassist.patients.models import Patient
from medassist.patients.services import coverage_add, patient_register
from medassist.practice.models import Clinic, Location, Payer, Provider, Room, User, VisitType
from medassist.practice.validators import npi_is_valid

# The clinic's staff roles; role-matrix tests add a stranger from another clinic and
# nobody logged in.
STAFF_ROLES = ["front_desk", "medical_assistant", "physician", "biller", "clinic_admin"]

_seq = itertools.count(1)

# Real-format NPIs with valid check digits (CMS test-style numbers).
VALID_NPIS = ["1234567893", "1245319599", "1003000126", "1902809254", "1346053246", "1528060837"]


def generated_npi(n: int) -> str:
    """A valid NPI (Luhn check digit) unique per n, never one of the fixed ones above."""
    body = f"19{n:07d}"
    for check in "0123456789":
        if npi_is_valid(body + check):
            return body + check
    raise AssertionError("unreachable: one check digit always fits")


def make_clinic(name: str = "Maple Family Medicine", tz: str = "America/New_York") -> Clinic:
    clinic = Clinic.objects.create(name=name, timezone=tz, state="NY", mrn_prefix="MF")
    location = Location.objects.create(
        clinic=clinic, name=f"{name} Main", city="Albany", state="NY"
    )
    for n in (1, 2, 3):
        Room.objects.create(location=location, name=f"Exam {n}")
    VisitType.objects.create(clinic=clinic, name="Follow-up", code="follow-up", duration_minutes=20)
    VisitType.objects.create(clinic=clinic, name="New patient", code="new", duration_minutes=40)
    Payer.objects.create(clinic=clinic, name="Acme Health", payer_id="60054")
    return clinic


def make_user(clinic: Clinic, role: str, username: str | None = None, **extra) -> User:
    username = username or f"{role}{next(_seq)}"
    user = User.objects.create_user(
        username=username,
        password="correct horse battery",
        clinic=clinic,
        role=role,
        first_name=extra.pop("first_name", role.replace("_", " ").title()),
        last_name=extra.pop("last_name", f"Tester{next(_seq)}"),
        **extra,
    )
    return user


def open_all_week(provider: Provider) -> None:
    """Weekly hours from 00:00 to 23:59 every day at every location of the provider, so a test
    about something else can book at any time (booking checks the provider's hours)."""
    from medassist.availability.models import WeeklySession

    WeeklySession.objects.bulk_create(
        WeeklySession(
            clinic_id=provider.clinic_id,
            provider=provider,
            location=location,
            weekday=weekday,
            start_time=time(0, 0),
            end_time=time(23, 59, 59),
        )
        for location in provider.locations.all()
        for weekday in range(7)
    )


def make_provider(
    clinic: Clinic, user: User | None = None, npi: str | None = None, *, hours: bool = True
) -> Provider:
    n = next(_seq)
    provider = Provider.objects.create(
        clinic=clinic,
        user=user,
        first_name=user.first_name if user else "Dana",
        last_name=user.last_name if user else f"Rivera{n}",
        credentials="MD",
        npi=npi or generated_npi(n),
    )
    provider.locations.set(clinic.locations.all())
    if hours:
        open_all_week(provider)
    return provider


def make_patient(actor: User, **values) -> Patient:
    n = next(_seq)
    data = {
        "first_name": "Alex",
        "last_name": f"Morgan{n}",
        "date_of_birth": date(1980, 5, 17),
        "sex": "F",
        "phone_mobile": "(518) 555-0142",
        "email": f"alex{n}@example.org",
        "address_line1": "12 Elm St",
        "city": "Albany",
        "state": "NY",
        "postal_code": "12207",
    }
    data.update(values)
    return patient_register(actor=actor, allow_duplicate=True, **data)


def add_coverage(actor: User, patient: Patient, copay: str = "25.00"):
    payer = Payer.objects.filter(clinic_id=patient.clinic_id).first()
    return coverage_add(
        actor=actor,
        patient=patient,
        payer=payer,
        member_id="XJH123456789",
        group_number="G-1001",
        relationship="self",
        copay=copay,
    )


def next_slot(clinic: Clinic, hours_ahead: int = 1) -> datetime:
    """A start time later today (or tomorrow), on the quarter hour, in the clinic's zone."""
    now = timezone.now().astimezone(clinic.tz) + timedelta(hours=hours_ahead)
    minute = (now.minute // 15) * 15
    if now.hour == 23:  # a visit must end by midnight, where the all-week hours end
        minute = min(minute, 15)
    return now.replace(minute=minute, second=0, microsecond=0)


def slot_today(clinic: Clinic, hours_ahead: int = 2) -> datetime:
    """`next_slot(hours_ahead)` when that is still today in the clinic's zone; late in the
    evening, a slot earlier today instead (a visit that must be checked in today)."""
    start = next_slot(clinic, hours_ahead)
    if start.date() != timezone.now().astimezone(clinic.tz).date():
        start = next_slot(clinic, -hours_ahead - 1)
    return start


def book(
    actor: User,
    patient: Patient,
    provider: Provider,
    start: datetime | None = None,
    visit_code: str = "follow-up",
):
    """A visit booked through the booking service; by default in the next hour, or earlier
    today late in the evening, so that it can be checked in (a visit's own day)."""
    clinic = patient.clinic
    return appointment_book(
        actor=actor,
        patient=patient,
        provider=provider,
        visit_type=VisitType.objects.get(clinic=clinic, code=visit_code),
        location=clinic.locations.first(),
        start=start or slot_today(clinic, 1),
    )


def make_training(user: User, *tasks: str, **extra) -> None:
    """Training records that qualify `user` for each task under every shipped scope rule
    (California's: 10 hours, 40 supervised procedures, a written certificate). Without tasks:
    all five scope tasks."""
    from medassist.practice.models import ScopeTask, TrainingRecord

    for task in tasks or ScopeTask.values:
        TrainingRecord.objects.create(
            user=user,
            task=task,
            hours=extra.get("hours", 10),
            supervised_procedures=extra.get("supervised_procedures", 40),
            certificate=extra.get("certificate", "Certified by Dr. Trainer"),
            completed_on=extra.get("completed_on", date(2020, 1, 1)),
            expires_on=extra.get("expires_on"),
        )
