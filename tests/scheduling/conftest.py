"""Fixtures for the schedule screens: a day in the future, a second provider, and a snapshot of
everything a refused request must leave as it was."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from medassist.intake.models import Rooming, Vitals
from medassist.scheduling.models import Appointment, StatusChange
from medassist.scheduling.selectors import clinic_today
from tests import factories

ROLES = ["anonymous", *factories.STAFF_ROLES, "other_clinic_physician"]


@pytest.fixture
def future_day(clinic) -> date:
    """About two weeks ahead, never a Sunday: the next day is in the same calendar week
    (Monday to Sunday), as the week-view tests expect."""
    day = clinic_today(clinic) + timedelta(days=14)
    return day - timedelta(days=1) if day.weekday() == 6 else day


@pytest.fixture
def second_provider(clinic):
    return factories.make_provider(clinic, npi="1003000126")


@pytest.fixture
def book_at(clinic):
    """Book a visit at a clinic-local wall-clock time on a given day."""

    def make(actor, patient, provider, day: date, hh: int, mm: int = 0, code="follow-up"):
        start = datetime.combine(day, time(hh, mm), tzinfo=clinic.tz)
        return factories.book(actor, patient, provider, start=start, visit_code=code)

    return make


@pytest.fixture
def snapshot(db):
    """Everything a refused request must not change."""

    def take():
        return {
            "appointments": sorted(Appointment.objects.values_list("public_id", "status", "start")),
            "status_changes": StatusChange.objects.count(),
            "vitals": Vitals.objects.count(),
            "roomings": Rooming.objects.count(),
        }

    return take


@pytest.fixture
def actor(cast):
    """The user of a role name from ROLES (None for anonymous)."""

    def pick(role: str):
        return None if role == "anonymous" else cast[role]

    return pick
