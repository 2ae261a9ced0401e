"""How the search walks the calendar: time-of-day windows read only the visits that touch
them, and the chunks of days adapt to how many slots the first days gave."""

from __future__ import annotations

from datetime import time, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from medassist.availability.selectors import first_available
from medassist.availability.selectors.engine import _chunk_end, _next_chunk
from tests import factories
from tests.availability.conftest import add_session, at


def _starts(slots, tz):
    return [s.start.astimezone(tz).strftime("%a %H:%M") for s in slots]


def _search(user, visit_type, day, **extra):
    return first_available(user=user, visit_type=visit_type, date_from=day, date_to=day, **extra)


# ---------------------------------------------------------------------------- windows


def test_a_visit_ending_as_the_window_opens_sets_the_first_start(
    front_desk, clinic, templated, follow_up, monday, patient
):
    # given no visits: a 10:10 window starts on the 15-minute grid
    window = (time(10, 10), time(12))
    assert _starts(
        _search(front_desk, follow_up, monday, time_of_day=window, limit=2), clinic.tz
    ) == [
        "Mon 10:15",
        "Mon 10:30",
    ]
    # when a visit ends exactly at 10:10
    factories.book(front_desk, patient, templated, start=at(clinic, monday, 9, 50))
    slots = _search(front_desk, follow_up, monday, time_of_day=window, limit=2)
    # then the first free minute, 10:10, is offered, as without a window
    assert _starts(slots, clinic.tz) == ["Mon 10:10", "Mon 10:15"]


def test_a_visit_running_into_the_window_blocks_its_start(
    front_desk, clinic, templated, new_visit, follow_up, monday, patient
):
    # given a 40-minute visit from 09:50 to 10:30
    factories.book(
        front_desk, patient, templated, start=at(clinic, monday, 9, 50), visit_code="new"
    )
    # when searching from 10:00
    slots = _search(front_desk, follow_up, monday, time_of_day=(time(10), time(12)), limit=2)
    # then nothing before 10:30
    assert _starts(slots, clinic.tz) == ["Mon 10:30", "Mon 10:45"]


def test_a_visit_just_after_the_window_still_counts(
    front_desk, clinic, templated, follow_up, monday, patient
):
    # given a window 08:00-08:30 and a 20-minute visit: 08:15 would run to 08:35
    window = (time(8), time(8, 30))
    assert _starts(_search(front_desk, follow_up, monday, time_of_day=window), clinic.tz) == [
        "Mon 08:00",
        "Mon 08:15",
    ]
    # when someone is booked at 08:30, as the window closes
    factories.book(front_desk, patient, templated, start=at(clinic, monday, 8, 30))
    # then 08:15 is no longer offered
    slots = _search(front_desk, follow_up, monday, time_of_day=window)
    assert _starts(slots, clinic.tz) == ["Mon 08:00"]


# ---------------------------------------------------------------------------- chunks


def test_one_short_session_a_week_is_found_week_after_week(
    front_desk, clinic, provider, follow_up, monday
):
    # given a provider who works only Wednesdays 08:00-08:20: one slot a week
    add_session(clinic, provider, 2, (8, 0), (8, 20))
    # when searching 90 days for 10 slots
    with CaptureQueriesContext(connection) as ctx:
        slots = first_available(
            user=front_desk,
            visit_type=follow_up,
            date_from=monday,
            date_to=monday + timedelta(days=89),
        )
    # then ten Wednesdays in a row, with a handful of queries, not one per week
    wednesday = monday + timedelta(days=2)
    assert [s.start.astimezone(clinic.tz).date() for s in slots] == [
        wednesday + timedelta(weeks=w) for w in range(10)
    ]
    assert len(ctx.captured_queries) <= 14


def test_weeks_fully_booked_are_walked_past(
    front_desk, clinic, provider, follow_up, monday, patient
):
    # given one slot a week (Monday 08:00) booked for the next six weeks
    add_session(clinic, provider, 0, (8, 0), (8, 20))
    for week in range(6):
        factories.book(
            front_desk, patient, provider, start=at(clinic, monday + timedelta(weeks=week), 8)
        )
    # when searching
    slots = first_available(
        user=front_desk,
        visit_type=follow_up,
        date_from=monday,
        date_to=monday + timedelta(days=89),
        limit=2,
    )
    # then the first two free Mondays after them
    assert [s.start.astimezone(clinic.tz).date() for s in slots] == [
        monday + timedelta(weeks=6),
        monday + timedelta(weeks=7),
    ]


def test_chunks_count_working_days_and_stop_at_the_range_end(monday):
    weekdays = {0, 1, 2, 3, 4}
    friday = monday + timedelta(days=4)
    # two working days from Friday: Friday and Monday (the weekend rides along)
    assert _chunk_end(friday, friday + timedelta(days=30), 2, weekdays) == friday + timedelta(
        days=3
    )
    # never past the end of the range
    assert _chunk_end(friday, friday + timedelta(days=1), 5, weekdays) == friday + timedelta(days=1)
    # nobody works at all: a bounded stretch of calendar days, not an endless walk
    end = _chunk_end(monday, monday + timedelta(days=365), 2, set())
    assert monday < end < monday + timedelta(days=365)


def test_next_chunk_doubles_until_something_is_found_then_reads_what_is_missing():
    assert _next_chunk(2, 2, 0, 10) == 4
    assert _next_chunk(4, 6, 0, 10) == 8
    # 5 slots in 2 days, 5 more wanted: about 2 days more
    assert _next_chunk(2, 2, 5, 10) == 2
    # 9 of 10 after 8 days: one day
    assert _next_chunk(8, 8, 9, 10) == 1
    # 1 in 4 days: the rate says 36 days; never more than the last chunk
    assert _next_chunk(4, 4, 1, 10) == 4
    # no limit: keep doubling
    assert _next_chunk(4, 4, 30, None) == 8
