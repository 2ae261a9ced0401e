"""Waitlist fixtures: texts to a temporary folder, a booked visit ahead to be freed, waiting
patients, and a snapshot of everything a refused request must leave as it was."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest

from medassist.practice.models import VisitType
from medassist.reminders.models import Message
from medassist.scheduling.models import Appointment, StatusChange
from medassist.scheduling.selectors import clinic_today
from medassist.waitlist.models import ContactAttempt, OpenSlot, Recall, SlotOffer, WaitlistEntry
from medassist.waitlist.services import waitlist_entry_add
from tests import factories

ROLES = ["anonymous", *factories.STAFF_ROLES, "other_clinic_physician", "other_clinic_front_desk"]


@pytest.fixture(autouse=True)
def sms_folder(settings, tmp_path):
    settings.MEDASSIST_SMS_DIR = str(tmp_path / "sms")
    settings.MEDASSIST_SMS_SENDER = "medassist.reminders.senders.FileSender"
    settings.MEDASSIST_PUBLIC_URL = "https://clinic.example.org"
    return tmp_path / "sms"


@pytest.fixture
def who(cast, other_clinic):
    cast = dict(cast)
    cast["other_clinic_front_desk"] = factories.make_user(other_clinic, "front_desk", "otherfd")
    return lambda role: None if role == "anonymous" else cast[role]


@pytest.fixture
def slot_day(clinic):
    return clinic_today(clinic) + timedelta(days=3)


@pytest.fixture
def busy_visit(front_desk, patient, provider, clinic, slot_day):
    """A follow-up at 10:00 in three days, about to be cancelled."""
    start = datetime.combine(slot_day, time(10, 0), tzinfo=clinic.tz)
    return factories.book(front_desk, patient, provider, start=start)


@pytest.fixture
def waiting(front_desk, clinic, slot_day):
    """Three patients waiting for a follow-up, normal priority, in this order."""
    follow_up = VisitType.objects.get(clinic=clinic, code="follow-up")
    entries = []
    for n, name in enumerate(["Avery", "Blake", "Casey"]):
        p = factories.make_patient(
            front_desk, first_name=name, phone_mobile=f"(518) 555-01{50 + n}"
        )
        entries.append(
            waitlist_entry_add(
                actor=front_desk,
                patient=p,
                visit_type=follow_up,
                earliest_date=clinic_today(clinic),
                latest_date=slot_day + timedelta(days=10),
            )
        )
    return entries


def offer_token(message: Message) -> str:
    match = re.search(r"/waitlist/o/([^/\s]+)/", message.body)
    assert match, message.body
    return match.group(1)


@pytest.fixture
def snapshot(db):
    def take():
        return {
            "appointments": sorted(Appointment.objects.values_list("public_id", "status", "start")),
            "status_changes": StatusChange.objects.count(),
            "entries": sorted(WaitlistEntry.objects.values_list("public_id", "status")),
            "slots": sorted(OpenSlot.objects.values_list("public_id", "status")),
            "offers": sorted(SlotOffer.objects.values_list("public_id", "status")),
            "recalls": sorted(Recall.objects.values_list("public_id", "status", "appointment")),
            "attempts": ContactAttempt.objects.count(),
            "messages": Message.objects.count(),
        }

    return take
