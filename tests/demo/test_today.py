"""The demo's "today" when it is loaded outside clinic hours: the schedule is staged at the pivot
(10:30 to 15:30), and the patients in the clinic have waited a believable while by the real
clock when it is earlier than the pivot, instead of "0 min" on the flow board."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from medassist.demo import people, setup, visits
from medassist.demo.clinic import SEED
from medassist.scheduling.models import Status

NEW_YORK = ZoneInfo("America/New_York")
IN_CLINIC = (Status.ARRIVED, Status.ROOMED, Status.WITH_PROVIDER)


def _staged(now: datetime) -> visits.Schedule:
    rng, uuids = random.Random(SEED), random.Random(SEED + 1)
    practice = setup.build(rng)
    today = visits.pivot_for(now, practice.clinic.tz).date()
    persons = people.Registry(practice, rng, uuids, today).build()
    schedule = visits.Schedule(practice, persons, rng, uuids, now)
    schedule.build()
    return schedule


def _in_clinic(schedule: visits.Schedule) -> list[visits.Visit]:
    return [v for v in schedule.visits if v.changes[-1][0] in IN_CLINIC]


@pytest.mark.django_db
def test_loaded_before_clinic_hours_the_waits_count_from_the_real_clock():
    # given the demo loaded at 06:05 in the clinic's zone (the day is staged as of 10:30)
    now = datetime(2026, 3, 9, 6, 5, tzinfo=NEW_YORK)
    # when
    schedule = _staged(now)
    # then the patients in the clinic arrived, were roomed and seen shortly before 06:05
    waiting = _in_clinic(schedule)
    assert waiting and schedule.pivot.hour == 10
    for visit in waiting:
        steps = [at for status, at, _by, _reason in visit.changes[1:]]
        assert all(now - timedelta(minutes=90) < at < now for at in steps), visit.changes
        minutes = (now - visit.changes[-1][1]).total_seconds() / 60
        assert 1 <= minutes <= 60
    # and every step still follows the booking
    for visit in schedule.visits:
        times = [at for _status, at, _by, _reason in visit.changes]
        assert times == sorted(times) and len(set(times)) == len(times)


@pytest.mark.django_db
def test_loaded_at_midday_today_is_staged_at_the_real_clock():
    # given the demo loaded at 12:47
    now = datetime(2026, 3, 9, 12, 47, tzinfo=NEW_YORK)
    schedule = _staged(now)
    # then the waits are a few minutes to about an hour
    for visit in _in_clinic(schedule):
        assert timedelta(0) < now - visit.changes[-1][1] <= timedelta(minutes=60)


@pytest.mark.django_db
def test_loaded_after_clinic_hours_the_day_stays_at_half_past_three():
    # given the demo loaded at 22:00: nothing may be dated after the staged 15:30 (the
    # afternoon's visits from 15:30 on are still booked), so the waits count from then
    now = datetime(2026, 3, 9, 22, 0, tzinfo=NEW_YORK)
    schedule = _staged(now)
    pivot = schedule.pivot
    assert (pivot.hour, pivot.minute) == (15, 30)
    for visit in _in_clinic(schedule):
        assert visit.changes[-1][1] < pivot
        assert now - visit.changes[-1][1] > timedelta(hours=6)
