"""Fixtures for the front-desk screen tests: visits at known times today, in each status."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from medassist.frontdesk.models import CheckIn, Checkout
from medassist.patients.models import Coverage, Patient
from medassist.scheduling.models import Appointment, StatusChange
from medassist.scheduling.selectors import clinic_today
from medassist.scheduling.services import appointment_transition
from tests import factories

ROLES = [*factories.STAFF_ROLES, "other_clinic_physician", None]  # None: nobody logged in


@pytest.fixture
def user_for(cast):
    return lambda role: cast[role] if role else None


@pytest.fixture
def other_clinic_front_desk(other_clinic):
    return factories.make_user(other_clinic, "front_desk", "otherdesk")


@pytest.fixture
def visit_today(front_desk, provider):
    """Book visit number `n` today at 08:00 + 20 min × n (clinic time), for a new patient."""

    def make(n: int = 0, patient=None):
        clinic = provider.clinic
        start = datetime.combine(clinic_today(clinic), time(8), tzinfo=clinic.tz)
        patient = patient or factories.make_patient(front_desk)
        return factories.book(
            front_desk, patient, provider, start=start + timedelta(minutes=20 * n)
        )

    return make


@pytest.fixture
def move():
    """Walk a visit along the lifecycle with the right role for each step."""

    def go(appt, *steps, cast):
        who = {
            "arrived": "front_desk",
            "roomed": "medical_assistant",
            "with_provider": "physician",
            "checked_out": "front_desk",
        }
        for step in steps:
            appointment_transition(actor=cast[who[step]], appointment=appt, to_status=step)
        return appt

    return go


@pytest.fixture
def with_provider(appointment, cast, move):
    return move(appointment, "arrived", "roomed", "with_provider", cast=cast)


def snapshot(appointment=None) -> dict:
    """Everything a refused request must leave as it was."""
    state = {
        "patients": Patient.objects.count(),
        "coverages": Coverage.objects.count(),
        "check_ins": CheckIn.objects.count(),
        "checkouts": Checkout.objects.count(),
        "status_changes": StatusChange.objects.count(),
    }
    if appointment is not None:
        state["status"] = Appointment.objects.get(pk=appointment.pk).status
    return state
