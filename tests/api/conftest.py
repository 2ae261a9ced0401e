"""Fixtures for the JSON API tests: token-authenticated calls, visits in each state, and a
snapshot of everything a refused request must leave untouched."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta

import pytest
from django.test import Client

from medassist.audit.models import AuditEvent
from medassist.frontdesk.models import CheckIn, Checkout
from medassist.frontdesk.services import check_in
from medassist.intake.models import Rooming, Vitals
from medassist.intake.services import rooming_complete
from medassist.patients.models import Coverage, Patient
from medassist.practice.models import ApiToken, Provider, Room
from medassist.scheduling.models import Appointment, StatusChange
from medassist.scheduling.selectors import clinic_today
from medassist.scheduling.services import appointment_start_visit
from tests import factories


class Api:
    """Calls the API as one user with a bearer token (or anonymously when user is None)."""

    def __init__(self, user=None, client: Client | None = None):
        self.client = client or Client()
        self.headers = {}
        if user is not None:
            _, key = ApiToken.issue(user, "tests")
            self.headers["Authorization"] = f"Bearer {key}"

    def call(self, method: str, path: str, body=None, *, raw: str | bytes | None = None):
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        kwargs = {"headers": self.headers}
        if data is not None:
            kwargs.update(data=data, content_type="application/json")
        return getattr(self.client, method.lower())(path, **kwargs)

    def get(self, path: str, **params):
        return self.client.get(path, params, headers=self.headers)

    def post(self, path: str, body=None, **kw):
        return self.call("post", path, body, **kw)

    def patch(self, path: str, body=None, **kw):
        return self.call("patch", path, body, **kw)


@pytest.fixture
def api_as():
    def make(user) -> Api:
        return Api(user)

    return make


def snapshot() -> dict:
    """Everything a refused request must leave as it was."""
    return {
        "patients": sorted(Patient.objects.values_list("public_id", "updated_at")),
        "coverages": sorted(Coverage.objects.values_list("public_id", "updated_at")),
        "appointments": sorted(
            Appointment.objects.values_list("public_id", "status", "room_id", "updated_at")
        ),
        "status_changes": StatusChange.objects.count(),
        "check_ins": CheckIn.objects.count(),
        "checkouts": Checkout.objects.count(),
        "vitals": Vitals.objects.count(),
        "roomings": Rooming.objects.count(),
        # the refusal itself is recorded as an audit event (tests/audit/test_refused.py)
        "audit_events": AuditEvent.objects.exclude(action=AuditEvent.Action.REFUSED).count(),
    }


def today_at(clinic, minutes: int) -> datetime:
    """A time today in the clinic's zone, `minutes` after local midnight (always today, and
    never in the future of a test that needs a started visit when minutes is 0)."""
    midnight = datetime.combine(clinic_today(clinic), time.min, tzinfo=clinic.tz)
    return midnight + timedelta(minutes=minutes)


def free_provider(clinic) -> Provider:
    """A provider with an empty schedule, so bookings at fixed times cannot collide."""
    return factories.make_provider(clinic, npi=valid_npi(Provider.objects.count() + 100))


def valid_npi(n: int) -> str:
    """A 10-digit NPI with a correct Luhn check digit (prefix 80840), unique per n."""
    base = f"1{n:08d}"
    digits = [int(d) for d in "80840" + base]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return base + str((10 - total % 10) % 10)


@pytest.fixture
def visit_in(front_desk, medical_assistant, physician, patient, provider):
    """Build a visit of the cast's patient with the cast's physician, moved through the real
    services into the requested status."""

    def make(status: str, *, start: datetime | None = None) -> Appointment:
        appt = factories.book(front_desk, patient, provider, start=start)
        if status == "booked":
            return appt
        check_in(
            actor=front_desk,
            appointment=appt,
            demographics_confirmed=True,
            coverage=patient.coverages.first(),
        )
        if status == "arrived":
            return appt
        room = Room.objects.filter(location__clinic=patient.clinic).first()
        rooming_complete(
            actor=medical_assistant, appointment=appt, room=room, reason_for_visit="Cough"
        )
        if status == "roomed":
            return appt
        appointment_start_visit(actor=physician, appointment=appt)
        assert status == "with_provider"
        return appt

    return make
