"""First-available search: templates, exceptions, holidays, appointments, rules, ranking."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from medassist.availability.models import AvailabilityException, ClinicHoliday, VisitTypeRule
from medassist.availability.selectors import first_available, provider_open_slots
from medassist.core.errors import ValidationFailed
from tests import factories
from tests.availability.conftest import add_session, at, make_provider, weekday_template


def _starts(slots, tz):
    return [s.start.astimezone(tz).strftime("%a %H:%M") for s in slots]


def test_weekday_template_gives_slots_from_the_session_start_on_a_15_minute_grid(
    front_desk, clinic, templated, follow_up, monday
):
    # given a provider working 08:00–12:00 and 13:00–17:00 on weekdays
    # when the front desk searches from a Monday
    slots = first_available(
        user=front_desk, visit_type=follow_up, date_from=monday, date_to=monday, limit=5
    )
    # then the first slots are 08:00, 08:15, ... each 20 minutes long, with that provider
    assert _starts(slots, clinic.tz) == [
        "Mon 08:00",
        "Mon 08:15",
        "Mon 08:30",
        "Mon 08:45",
        "Mon 09:00",
    ]
    assert all(s.end - s.start == timedelta(minutes=20) for s in slots)
    assert {s.provider for s in slots} == {templated}


def test_lunch_gap_and_session_end_are_respected(front_desk, clinic, templated, new_visit, monday):
    # given 40-minute new-patient visits
    # when all of Monday's open starts are listed
    slots = provider_open_slots(
        user=front_desk, provider=templated, day=monday, visit_type=new_visit
    )
    starts = [s.start.astimezone(clinic.tz).time() for s in slots]
    # then none runs into lunch or past 17:00
    assert time(11, 15) in starts and time(11, 30) not in starts
    assert time(12, 0) not in starts and time(13, 0) in starts
    assert max(starts) == time(16, 15)


def test_existing_appointments_are_taken_out_and_the_next_free_minute_is_offered(
    front_desk, clinic, templated, follow_up, monday, patient
):
    # given a 20-minute visit booked at 08:00
    factories.book(front_desk, patient, templated, start=at(clinic, monday, 8))
    # when searching
    slots = first_available(
        user=front_desk, visit_type=follow_up, date_from=monday, date_to=monday, limit=3
    )
    # then 08:00 and 08:15 are gone; 08:20 (right after the visit) comes first
    assert _starts(slots, clinic.tz) == ["Mon 08:20", "Mon 08:30", "Mon 08:45"]


def test_cancelled_appointments_free_their_time(
    front_desk, clinic, templated, follow_up, monday, patient
):
    from medassist.booking.services import appointment_cancel

    appt = factories.book(front_desk, patient, templated, start=at(clinic, monday, 8))
    appointment_cancel(actor=front_desk, appointment=appt, reason="Patient asked")
    slots = first_available(
        user=front_desk, visit_type=follow_up, date_from=monday, date_to=monday, limit=1
    )
    assert _starts(slots, clinic.tz) == ["Mon 08:00"]


def test_all_day_time_off_and_partial_time_off(front_desk, clinic, templated, follow_up, monday):
    # given Monday off and Tuesday morning off
    AvailabilityException.objects.create(
        clinic=clinic, provider=templated, start_date=monday, end_date=monday
    )
    AvailabilityException.objects.create(
        clinic=clinic,
        provider=templated,
        start_date=monday + timedelta(days=1),
        end_date=monday + timedelta(days=1),
        start_time=time(8),
        end_time=time(10, 30),
    )
    # when searching Monday–Tuesday
    slots = first_available(
        user=front_desk,
        visit_type=follow_up,
        date_from=monday,
        date_to=monday + timedelta(days=1),
        limit=2,
    )
    # then the first slot is Tuesday 10:30
    assert _starts(slots, clinic.tz) == ["Tue 10:30", "Tue 10:45"]


def test_extra_session_opens_a_saturday(front_desk, clinic, templated, follow_up, monday):
    saturday = monday + timedelta(days=5)
    AvailabilityException.objects.create(
        clinic=clinic,
        provider=templated,
        kind=AvailabilityException.Kind.EXTRA,
        start_date=saturday,
        end_date=saturday,
        start_time=time(9),
        end_time=time(10),
        location=clinic.locations.first(),
    )
    slots = first_available(
        user=front_desk,
        visit_type=follow_up,
        date_from=saturday,
        date_to=saturday + timedelta(days=1),
        limit=10,
    )
    assert _starts(slots, clinic.tz) == ["Sat 09:00", "Sat 09:15", "Sat 09:30"]


def test_clinic_holiday_closes_every_session(front_desk, clinic, templated, follow_up, monday):
    ClinicHoliday.objects.create(clinic=clinic, date=monday, name="Closed for training")
    slots = first_available(
        user=front_desk,
        visit_type=follow_up,
        date_from=monday,
        date_to=monday + timedelta(days=1),
        limit=1,
    )
    assert _starts(slots, clinic.tz) == ["Tue 08:00"]


def test_effective_dates_limit_a_session(front_desk, clinic, provider, follow_up, monday):
    add_session(clinic, provider, 0, (8, 0), (9, 0), effective_from=monday + timedelta(days=7))
    slots = first_available(
        user=front_desk,
        visit_type=follow_up,
        date_from=monday,
        date_to=monday + timedelta(days=13),
        limit=1,
    )
    assert slots[0].start.date() == monday + timedelta(days=7)


def test_time_of_day_window(front_desk, clinic, templated, follow_up, monday):
    slots = first_available(
        user=front_desk,
        visit_type=follow_up,
        date_from=monday,
        date_to=monday,
        time_of_day="afternoon",
        limit=1,
    )
    assert _starts(slots, clinic.tz) == ["Mon 13:00"]
    slots = first_available(
        user=front_desk,
        visit_type=follow_up,
        date_from=monday,
        date_to=monday,
        time_of_day=(time(10, 5), time(11)),
        limit=2,
    )
    assert _starts(slots, clinic.tz) == ["Mon 10:15", "Mon 10:30"]
    assert (
        first_available(
            user=front_desk,
            visit_type=follow_up,
            date_from=monday,
            date_to=monday,
            time_of_day="evening",
        )
        == []
    )


# ---------------------------------------------------------------------------- DST


def test_spring_forward_keeps_wall_clock_hours(front_desk, clinic, provider, follow_up):
    # given Sunday sessions 01:00–04:00 and Monday 08:00–12:00 around 2027-03-14 (America/New_York)
    assert clinic.timezone == "America/New_York"
    sunday = date(2027, 3, 14)
    add_session(clinic, provider, 6, (1, 0), (4, 0))
    add_session(clinic, provider, 0, (8, 0), (12, 0))
    # when listing the Sunday and the Mondays before and after
    sun = provider_open_slots(user=front_desk, provider=provider, day=sunday, visit_type=follow_up)
    before = first_available(
        user=front_desk,
        visit_type=follow_up,
        date_from=date(2027, 3, 8),
        date_to=date(2027, 3, 8),
        limit=1,
    )
    after = first_available(
        user=front_desk,
        visit_type=follow_up,
        date_from=date(2027, 3, 15),
        date_to=date(2027, 3, 15),
        limit=1,
    )
    # then Sunday has two real hours (02:00–03:00 does not exist): 01:00 EST ... 03:40 EDT
    local = [s.start.astimezone(clinic.tz) for s in sun]
    assert local[0].strftime("%H:%M %Z") == "01:00 EST"
    assert local[-1].strftime("%H:%M %Z") == "03:30 EDT"
    assert all(s.start.astimezone(clinic.tz).hour != 2 for s in sun)
    assert len(sun) == 7  # 06:00Z to 07:30Z: two real hours, minus the last visit's length
    # and Monday 08:00 local is 13:00 UTC before the change, 12:00 UTC after it
    assert before[0].start.astimezone(clinic.tz).strftime("%H:%M") == "08:00"
    assert after[0].start.astimezone(clinic.tz).strftime("%H:%M") == "08:00"
    assert before[0].start.utcoffset() == timedelta(hours=-5)
    assert after[0].start.utcoffset() == timedelta(hours=-4)


def test_fall_back_day_has_an_extra_real_hour(front_desk, clinic, provider, follow_up):
    # given a Sunday session 00:00–03:00 on 2027-11-07, when 01:00–02:00 happens twice
    sunday = date(2027, 11, 7)
    add_session(clinic, provider, 6, (0, 0), (3, 0))
    add_session(clinic, provider, 0, (8, 0), (9, 0))
    # when listing it
    sun = provider_open_slots(user=front_desk, provider=provider, day=sunday, visit_type=follow_up)
    # then the session lasts four real hours: 16 starts every 15 minutes, no duplicates
    starts = [s.start.timestamp() for s in sun]
    assert len(starts) == len(set(starts)) == 15  # 04:00Z to 07:30Z
    assert sun[-1].start.timestamp() - sun[0].start.timestamp() == 3.5 * 3600
    assert sun[-1].start.astimezone(clinic.tz).strftime("%H:%M %Z") == "02:30 EST"
    # and the Monday after: 08:00 EST (UTC-5)
    mon = first_available(
        user=front_desk,
        visit_type=follow_up,
        date_from=date(2027, 11, 8),
        date_to=date(2027, 11, 8),
        limit=1,
    )
    assert mon[0].start.astimezone(clinic.tz).strftime("%H:%M") == "08:00"
    assert mon[0].start.utcoffset() == timedelta(hours=-5)


# ---------------------------------------------------------------------------- rules


def test_rule_limits_providers(front_desk, clinic, templated, follow_up, monday):
    # given a second provider and a rule that only the second may do follow-ups
    other = make_provider(clinic)
    weekday_template(clinic, other)
    rule = VisitTypeRule.objects.create(clinic=clinic, visit_type=follow_up)
    rule.providers.add(other)
    # when searching
    slots = first_available(
        user=front_desk, visit_type=follow_up, date_from=monday, date_to=monday, limit=5
    )
    # then only the allowed provider appears; asking for the other one is refused clearly
    assert {s.provider for s in slots} == {other}
    with pytest.raises(ValidationFailed, match="does not offer Follow-up"):
        first_available(
            user=front_desk,
            visit_type=follow_up,
            provider=templated,
            date_from=monday,
            date_to=monday,
        )


def _seen_before(front_desk, clinic, patient, provider):
    """A checked-out visit in the past (written directly: the services refuse past dates)."""
    from django.utils import timezone

    from medassist.practice.models import VisitType
    from medassist.scheduling.models import Appointment, Status

    start = timezone.now() - timedelta(days=30)
    return Appointment.objects.create(
        clinic=clinic,
        patient=patient,
        provider=provider,
        location=clinic.locations.first(),
        visit_type=VisitType.objects.get(clinic=clinic, code="follow-up"),
        start=start,
        end=start + timedelta(minutes=20),
        status=Status.CHECKED_OUT,
        status_changed_at=start,
    )


def test_new_patient_only_visit_refuses_an_established_patient(
    front_desk, clinic, templated, new_visit, monday, patient
):
    VisitTypeRule.objects.create(
        clinic=clinic, visit_type=new_visit, patients=VisitTypeRule.Patients.NEW
    )
    # a brand-new patient may
    assert first_available(
        user=front_desk, visit_type=new_visit, patient=patient, date_from=monday, date_to=monday
    )
    # once seen, no longer
    _seen_before(front_desk, clinic, patient, templated)
    with pytest.raises(ValidationFailed, match="established patient"):
        first_available(
            user=front_desk, visit_type=new_visit, patient=patient, date_from=monday, date_to=monday
        )


def test_established_only_visit_refuses_a_new_patient(
    front_desk, clinic, templated, follow_up, monday, patient
):
    VisitTypeRule.objects.create(
        clinic=clinic, visit_type=follow_up, patients=VisitTypeRule.Patients.ESTABLISHED
    )
    with pytest.raises(ValidationFailed, match="has not been seen here yet"):
        first_available(
            user=front_desk, visit_type=follow_up, patient=patient, date_from=monday, date_to=monday
        )


# ---------------------------------------------------------------------------- ranking


def test_ranking_usual_provider_then_least_booked(
    front_desk, clinic, templated, follow_up, monday, patient
):
    # given three providers with the same hours
    b = make_provider(clinic)
    c = make_provider(clinic)
    weekday_template(clinic, b)
    weekday_template(clinic, c)
    # b has two visits that afternoon, c none, the cast's provider one
    other = factories.make_patient(front_desk)
    factories.book(front_desk, other, b, start=at(clinic, monday, 15))
    factories.book(front_desk, other, b, start=at(clinic, monday, 16))
    factories.book(front_desk, other, templated, start=at(clinic, monday, 15, 30))
    # when searching without a patient: at 08:00 the least-booked provider comes first
    slots = first_available(
        user=front_desk, visit_type=follow_up, date_from=monday, date_to=monday, limit=3
    )
    assert [s.provider for s in slots] == [c, templated, b]
    assert len({s.start for s in slots}) == 1
    # when the patient usually sees b: b comes first, then the least booked
    _seen_before(front_desk, clinic, patient, b)
    slots = first_available(
        user=front_desk,
        visit_type=follow_up,
        patient=patient,
        date_from=monday,
        date_to=monday,
        limit=3,
    )
    assert [s.provider for s in slots] == [b, c, templated]


def test_never_offers_the_past(front_desk, clinic, templated, follow_up, monday):
    from medassist.availability.selectors.engine import Search, search_slots

    # given "now" is Monday 10:07 local
    now = at(clinic, monday, 10, 7)
    search = Search.load(
        clinic=clinic,
        duration_minutes=20,
        providers=[templated],
        location=None,
        required_kinds=[],
        date_from=monday,
        date_to=monday,
    )
    slots = search_slots(
        search,
        date_from=monday,
        date_to=monday,
        window=None,
        usual_provider_id=None,
        limit=2,
        now=now,
    )
    assert _starts(slots, clinic.tz) == ["Mon 10:15", "Mon 10:30"]


# ---------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("shift_from", "shift_to", "message"),
    [
        (3, 1, "before the first date"),
        (-3, -1, "in the past"),
        (-1, 3, "first date is in the past"),
        (0, 400, "at most 366 days"),
    ],
)
def test_bad_ranges_are_refused_clearly(
    front_desk, clinic, follow_up, shift_from, shift_to, message
):
    from django.utils import timezone

    today = timezone.localdate(timezone=clinic.tz)
    with pytest.raises(ValidationFailed, match=message):
        first_available(
            user=front_desk,
            visit_type=follow_up,
            date_from=today + timedelta(days=shift_from),
            date_to=today + timedelta(days=shift_to),
        )


def test_bad_time_of_day_and_limit(front_desk, follow_up, monday):
    with pytest.raises(ValidationFailed, match="morning, afternoon or evening"):
        first_available(
            user=front_desk,
            visit_type=follow_up,
            date_from=monday,
            date_to=monday,
            time_of_day="noonish",
        )
    with pytest.raises(ValidationFailed, match="end after it starts"):
        first_available(
            user=front_desk,
            visit_type=follow_up,
            date_from=monday,
            date_to=monday,
            time_of_day=(time(11), time(9)),
        )
    with pytest.raises(ValidationFailed, match="between 1 and 100"):
        first_available(
            user=front_desk, visit_type=follow_up, date_from=monday, date_to=monday, limit=0
        )


def test_another_clinics_visit_type_is_unknown(other_clinic_physician, follow_up, monday):
    with pytest.raises(ValidationFailed, match="Unknown visit type"):
        first_available(
            user=other_clinic_physician, visit_type=follow_up, date_from=monday, date_to=monday
        )


# ---------------------------------------------------------------------------- query count


def _count_queries(fn):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        result = fn()
    return len(ctx.captured_queries), result


def test_query_count_does_not_grow_with_appointments_or_providers(
    front_desk, clinic, templated, follow_up, monday, patient
):
    # given one provider with a few visits
    factories.book(front_desk, patient, templated, start=at(clinic, monday, 8))

    def search():
        return first_available(
            user=front_desk,
            visit_type=follow_up,
            patient=patient,
            date_from=monday,
            date_to=monday + timedelta(days=30),
        )

    small, slots = _count_queries(search)
    assert slots
    # when there are ten more providers and many more visits (the schedule not full)
    for _ in range(10):
        p = make_provider(clinic)
        weekday_template(clinic, p)
        for hour in (9, 10, 11, 14, 15):
            for day in range(3):
                factories.book(
                    front_desk, patient, p, start=at(clinic, monday + timedelta(days=day), hour)
                )
    big, slots = _count_queries(search)
    # then the search makes exactly as many queries
    assert big == small
    assert len(slots) == 10


def test_no_provider_offers_it_means_no_slots(front_desk, clinic, follow_up, monday):
    # given a rule naming only an inactive provider
    from medassist.practice.models import Provider

    gone = make_provider(clinic, active=False)
    rule = VisitTypeRule.objects.create(clinic=clinic, visit_type=follow_up)
    rule.providers.add(gone)
    assert Provider.objects.filter(active=True, clinic=clinic).count() == 0
    # then the search simply finds nothing
    slots = first_available(user=front_desk, visit_type=follow_up, date_from=monday, date_to=monday)
    assert slots == []
