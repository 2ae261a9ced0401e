"""A provider with real hours (Mon–Fri 08–12 and 13–17), a procedure that needs the clinic's
one procedure room, and that room already held at Monday 09:00 by another provider's visit."""

from __future__ import annotations

import pytest

from medassist.availability.models import Resource, ResourceKind, VisitTypeRule
from medassist.booking.services import appointment_book
from medassist.practice.models import VisitType
from tests import factories
from tests.availability import conftest as availability
from tests.availability.conftest import at, make_provider, weekday_template

# The availability tests' fixtures: a physician whose provider has only the hours set here.
physician = availability.physician
templated = availability.templated
monday = availability.monday


@pytest.fixture
def procedure(clinic):
    """A 30-minute procedure whose rule needs a procedure room; the clinic has one."""
    kind = ResourceKind.objects.create(clinic=clinic, name="Procedure room")
    room = Resource.objects.create(
        clinic=clinic, kind=kind, location=clinic.locations.first(), name="Procedure room 1"
    )
    visit_type = VisitType.objects.create(
        clinic=clinic, name="Procedure", code="procedure-x", duration_minutes=30
    )
    rule = VisitTypeRule.objects.create(clinic=clinic, visit_type=visit_type)
    rule.required_kinds.add(kind)
    return {"visit_type": visit_type, "room": room}


@pytest.fixture
def room_taken(clinic, procedure, monday, front_desk):
    """Another provider's procedure holds the one procedure room on Monday 09:00–09:30."""
    other = make_provider(clinic)
    weekday_template(clinic, other)
    return appointment_book(
        actor=front_desk,
        patient=factories.make_patient(front_desk),
        provider=other,
        visit_type=procedure["visit_type"],
        start=at(clinic, monday, 9),
        location=clinic.locations.first(),
    )


@pytest.fixture
def follow_up(clinic):
    return VisitType.objects.get(clinic=clinic, code="follow-up")
