"""Reminder fixtures: texts written to a temporary folder, a visit a few days ahead, and a
snapshot of everything a refused request must leave as it was."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta

import pytest

from medassist.reminders.models import Message, PatientReply
from medassist.scheduling.models import Appointment, StatusChange
from medassist.scheduling.selectors import clinic_today
from tests import factories

ROLES = ["anonymous", *factories.STAFF_ROLES, "other_clinic_physician"]
SECRET = "s3cret-webhook"


@pytest.fixture(autouse=True)
def sms_folder(settings, tmp_path):
    folder = tmp_path / "sms"
    settings.MEDASSIST_SMS_DIR = str(folder)
    settings.MEDASSIST_SMS_SENDER = "medassist.reminders.senders.FileSender"
    settings.MEDASSIST_SMS_INBOUND_SECRET = SECRET
    settings.MEDASSIST_PUBLIC_URL = "https://clinic.example.org"
    return folder


@pytest.fixture
def texts(sms_folder):
    def read() -> list[dict]:
        if not sms_folder.exists():
            return []
        return [json.loads(p.read_text()) for p in sorted(sms_folder.glob("*.json"))]

    return read


@pytest.fixture
def visit(front_desk, patient, provider, clinic):
    """A booked follow-up four days ahead at 10:00 clinic time: between 3 days 10 hours and
    4 days 10 hours from now, whatever the hour, so always inside the worker's planning
    horizon (the longest offset, 72 h, plus 48 h) and after its 72-hour reminder."""
    day = clinic_today(clinic) + timedelta(days=4)
    start = datetime.combine(day, time(10, 0), tzinfo=clinic.tz)
    return factories.book(front_desk, patient, provider, start=start)


@pytest.fixture
def actor(cast):
    def pick(role: str):
        return None if role == "anonymous" else cast[role]

    return pick


@pytest.fixture
def snapshot(db):
    def take():
        return {
            "appointments": sorted(Appointment.objects.values_list("public_id", "status", "start")),
            "status_changes": StatusChange.objects.count(),
            "messages": sorted(
                Message.objects.values_list("public_id", "status", "attempts", "max_attempts")
            ),
            "replies": sorted(PatientReply.objects.values_list("public_id", "handled_at")),
        }

    return take
