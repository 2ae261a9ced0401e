"""The physician's worklist puts the patients ready to be seen (roomed) first."""

from __future__ import annotations

from datetime import timedelta

from medassist.scheduling.models import Appointment, Status
from medassist.scheduling.selectors import physician_worklist
from tests import factories


def test_roomed_first_then_in_progress_then_waiting_then_done(front_desk, physician, provider):
    start = factories.next_slot(front_desk.clinic, hours_ahead=30).replace(hour=9, minute=0)
    statuses = [
        Status.CHECKED_OUT,
        Status.BOOKED,
        Status.ARRIVED,
        Status.WITH_PROVIDER,
        Status.ROOMED,
    ]
    for i, status in enumerate(statuses):
        patient = factories.make_patient(front_desk, first_name=f"P{i}", last_name="Order")
        appt = factories.book(
            front_desk, patient, provider, start=start + timedelta(minutes=20 * i)
        )
        Appointment.objects.filter(pk=appt.pk).update(status=status)

    listed = physician_worklist(user=physician, day=start.date())

    assert [a.status for a in listed] == [
        Status.ROOMED,
        Status.WITH_PROVIDER,
        Status.ARRIVED,
        Status.BOOKED,
        Status.CHECKED_OUT,
    ]
