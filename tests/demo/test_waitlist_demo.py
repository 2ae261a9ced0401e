"""The demo functions build believable reminders, waitlist entries and recalls."""

from __future__ import annotations

from datetime import timedelta

import pytest

from medassist.demo.waitlist import waitlist_demo
from medassist.reminders.models import Message, PatientReply
from medassist.waitlist.models import ContactAttempt, Recall, WaitlistEntry
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_demo_adds_reminders_some_failed_a_waitlist_and_recalls(front_desk, provider, clinic):
    # given a small clinic with patients and visits over the next days
    patients = [factories.make_patient(front_desk) for _ in range(16)]
    for p, hours in zip(patients[:8], [1, 3, 5, 7, 9, 11, 30, 50], strict=True):
        factories.book(front_desk, p, provider, start=factories.next_slot(clinic, hours))
    # when the demo runs
    done = waitlist_demo(clinic)
    # then there are sent and failed reminders, replies, entries and recalls
    assert Message.objects.filter(status="sent").exists()
    assert Message.objects.filter(status="failed").exclude(last_error="").exists()
    assert Message.objects.filter(status="queued").exists()
    assert WaitlistEntry.objects.filter(clinic=clinic).count() == 6
    assert Recall.objects.filter(clinic=clinic).count() == 10
    assert ContactAttempt.objects.exists()
    assert done["recalls"] == 10
    assert PatientReply.objects.count() == done["replies"]
    assert all(
        m.scheduled_for < m.appointment.start - timedelta(hours=1)
        for m in Message.objects.filter(kind="reminder")
    )
