"""Fixtures for rooming, vitals and the worklist: visits at each step of the day, and a snapshot
of everything a refused request must leave as it was."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from medassist.intake.models import Rooming, Vitals
from medassist.intake.services import rooming_complete
from medassist.practice.models import Room
from medassist.scheduling.models import Appointment, StatusChange
from medassist.scheduling.selectors import clinic_today
from medassist.scheduling.services import appointment_transition
from tests import factories

ROLES = ["anonymous", *factories.STAFF_ROLES, "other_clinic_physician"]


@pytest.fixture
def actor(cast):
    """The user of a role name from ROLES (None for anonymous)."""

    def pick(role: str):
        return None if role == "anonymous" else cast[role]

    return pick


@pytest.fixture
def snapshot(db):
    """Everything a refused request must not change."""

    def take():
        return {
            "appointments": sorted(
                Appointment.objects.values_list("public_id", "status", "room_id")
            ),
            "status_changes": StatusChange.objects.count(),
            "vitals": Vitals.objects.count(),
            "roomings": Rooming.objects.count(),
        }

    return take


@pytest.fixture
def rooms(clinic):
    return list(Room.objects.filter(location__clinic=clinic).order_by("name"))


@pytest.fixture
def arrived(front_desk, appointment):
    appointment_transition(actor=front_desk, appointment=appointment, to_status="arrived")
    return appointment


@pytest.fixture
def roomed(medical_assistant, arrived, rooms):
    rooming_complete(
        actor=medical_assistant,
        appointment=arrived,
        room=rooms[0],
        reason_for_visit="My knee hurts when I climb stairs",
    )
    return arrived


@pytest.fixture
def today_visit(clinic, front_desk, provider):
    """Book a visit for the physician today at a clinic-local time, for a new patient."""

    def make(hh: int, mm: int = 0, **patient):
        start = datetime.combine(clinic_today(clinic), time(hh, mm), tzinfo=clinic.tz)
        who = factories.make_patient(front_desk, **patient)
        return factories.book(front_desk, who, provider, start=start)

    return make
