"""Quiet hours: nothing reaches a patient at night (clinic-local, 21:00–08:00 by default, in a
clinic whose zone is not the server's); a waitlist offer made at night opens in the morning."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from medassist.reminders.models import Message
from medassist.reminders.quiet import after_quiet_hours
from medassist.scheduling.selectors import clinic_today
from medassist.waitlist.models import SlotOffer
from medassist.waitlist.services import waitlist_entry_add
from medassist.worker.loop import run_once
from tests import factories


@pytest.fixture(autouse=True)
def quiet(settings, tmp_path):
    settings.MEDASSIST_QUIET_HOURS = "21:00-08:00"
    settings.MEDASSIST_SMS_DIR = str(tmp_path / "sms")
    settings.MEDASSIST_SMS_SENDER = "medassist.reminders.senders.FileSender"


def local(clinic, day, hh, mm=0):
    return datetime.combine(day, time(hh, mm), tzinfo=clinic.tz)


@pytest.mark.parametrize(
    "hh, mm, then",
    [((2), 6, (0, 8, 0)), (20, 59, (0, 20, 59)), (21, 0, (1, 8, 0)), (8, 0, (0, 8, 0))],
)
def test_a_time_in_quiet_hours_waits_for_their_end(clinic, hh, mm, then):
    day = clinic_today(clinic)
    plus_days, h, m = then
    assert after_quiet_hours(local(clinic, day, hh, mm), clinic.tz) == local(
        clinic, day + timedelta(days=plus_days), h, m
    )


def test_a_waitlist_offer_freed_at_night_is_texted_at_eight(front_desk, patient, provider, clinic):
    # given a visit in three days at 10:00, cancelled at 02:06 at night (clinic time)
    day = clinic_today(clinic) + timedelta(days=3)
    visit = factories.book(front_desk, patient, provider, start=local(clinic, day, 10))
    waiting = factories.make_patient(front_desk, first_name="Avery")
    waitlist_entry_add(
        actor=front_desk,
        patient=waiting,
        visit_type=visit.visit_type,
        earliest_date=clinic_today(clinic),
        latest_date=day + timedelta(days=7),
    )
    from medassist.booking.services import appointment_cancel

    appointment_cancel(actor=front_desk, appointment=visit, reason="Patient called")
    night = local(clinic, clinic_today(clinic) + timedelta(days=1), 2, 6)
    # when the worker runs at night
    run_once(now=night)
    offer = Message.objects.get(patient=waiting, kind="offer")
    # then the text waits for 08:00, and the offer is open two hours from then
    morning = local(clinic, night.date(), 8)
    assert offer.scheduled_for == morning and offer.status == "queued"
    assert SlotOffer.objects.get().expires_at == morning + timedelta(hours=2)
    run_once(now=morning - timedelta(minutes=1))
    offer.refresh_from_db()
    assert offer.status == "queued"
    run_once(now=morning)
    offer.refresh_from_db()
    assert offer.status == "sent"
