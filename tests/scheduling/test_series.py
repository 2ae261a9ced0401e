"""Recurring series: all-or-nothing booking, exact conflict dates, DST-correct wall-clock time,
and this / this-and-following / all edits."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from medassist.booking.services import SeriesConflict, series_book, series_cancel, series_reschedule
from medassist.core.errors import PermissionDenied, ValidationFailed
from medassist.practice.models import VisitType
from medassist.scheduling.models import Appointment, AppointmentSeries, Status
from tests.api.conftest import snapshot

# America/New_York: clocks go forward on Sunday 2027-03-14, back on Sunday 2027-11-07.
BEFORE_SPRING = date(2027, 3, 1)  # a Monday


def book_series(actor, patient, provider, first, hh=9, mm=0, **kw):
    clinic = patient.clinic
    kw.setdefault("count", 4)
    return series_book(
        actor=actor,
        patient=patient,
        provider=provider,
        visit_type=VisitType.objects.get(clinic=clinic, code="follow-up"),
        location=clinic.locations.first(),
        first_date=first,
        local_time=time(hh, mm),
        **kw,
    )


def visits(series):
    return list(series.appointments.order_by("series_index"))


def local(appt):
    return appt.start.astimezone(appt.clinic.tz)


def test_a_weekly_series_books_every_visit_as_a_real_appointment(front_desk, patient, provider):
    # when
    series = book_series(front_desk, patient, provider, BEFORE_SPRING, count=3)
    # then
    got = visits(series)
    assert [a.series_index for a in got] == [1, 2, 3]
    assert [local(a).date() for a in got] == [
        date(2027, 3, 1),
        date(2027, 3, 8),
        date(2027, 3, 15),
    ]
    assert all(a.status == Status.BOOKED for a in got)


def test_every_two_weeks_until_a_date(front_desk, patient, provider):
    series = book_series(
        front_desk, patient, provider, BEFORE_SPRING, interval_weeks=2, count=None,
        until=date(2027, 4, 12),
    )  # fmt: skip
    assert [local(a).date() for a in visits(series)] == [
        date(2027, 3, 1),
        date(2027, 3, 15),
        date(2027, 3, 29),
        date(2027, 4, 12),
    ]


def test_wall_clock_time_is_kept_across_the_spring_dst_change(front_desk, patient, provider):
    series = book_series(front_desk, patient, provider, BEFORE_SPRING, hh=9, count=4)
    got = visits(series)
    assert {local(a).time() for a in got} == {time(9, 0)}
    # 09:00 EST is 14:00 UTC; 09:00 EDT is 13:00 UTC.
    assert [a.start.astimezone(UTC).hour for a in got] == [14, 14, 13, 13]


def test_wall_clock_time_is_kept_across_the_fall_dst_change(front_desk, patient, provider):
    series = book_series(front_desk, patient, provider, date(2027, 10, 25), hh=16, count=3)
    assert {local(a).time() for a in visits(series)} == {time(16, 0)}
    assert [a.start.astimezone(UTC).hour for a in visits(series)] == [20, 20, 21]


def test_a_time_the_clocks_skip_is_reported_as_a_conflict(front_desk, patient, provider):
    # given: Sundays at 02:30; 2027-03-14 has no 02:30
    before = snapshot()
    with pytest.raises(SeriesConflict) as err:
        book_series(front_desk, patient, provider, date(2027, 3, 7), hh=2, mm=30, count=3)
    assert "Sun Mar 14, 2027 (02:30 does not exist that day)" in err.value.message
    assert snapshot() == before


def test_conflicts_book_nothing_and_name_every_clashing_date(front_desk, patient, provider, clinic):
    # given: the provider is busy on the 2nd and 4th dates
    from tests import factories

    for day in (date(2027, 3, 8), date(2027, 3, 22)):
        factories.book(front_desk, factories.make_patient(front_desk), provider,
                       start=datetime.combine(day, time(9, 10), tzinfo=clinic.tz))  # fmt: skip
    before = snapshot()
    series_before = AppointmentSeries.objects.count()
    # when
    with pytest.raises(SeriesConflict) as err:
        book_series(front_desk, patient, provider, BEFORE_SPRING, count=4)
    # then
    assert err.value.extra["conflicts"] == [
        "Mon Mar 08, 2027 (taken at 09:10)",
        "Mon Mar 22, 2027 (taken at 09:10)",
    ]
    assert "2 of the dates cannot be booked, so nothing was booked" in err.value.message
    assert snapshot() == before
    assert AppointmentSeries.objects.count() == series_before


@pytest.mark.parametrize(
    "kw,message",
    [
        ({"count": None}, "either how many visits or the date"),
        ({"count": 2, "until": date(2027, 5, 1)}, "either how many visits or the date"),
        ({"count": 0}, "1 to 104 visits"),
        ({"count": 500}, "1 to 104 visits"),
        ({"interval_weeks": 0}, "every 1 to 52 weeks"),
        ({"count": None, "until": date(2027, 2, 1)}, "end on or after"),
        ({"count": None, "until": date(2031, 1, 1)}, "at most 104 visits"),
    ],
)
def test_bad_series_rules_are_refused_and_change_nothing(
    front_desk, patient, provider, kw, message
):
    before = snapshot()
    with pytest.raises(ValidationFailed, match=message):
        book_series(front_desk, patient, provider, BEFORE_SPRING, **kw)
    assert snapshot() == before


def test_a_series_starting_in_the_past_is_refused(front_desk, patient, provider):
    with pytest.raises(ValidationFailed, match="past date"):
        book_series(front_desk, patient, provider, date(2020, 1, 6))


def test_an_unknown_visit_type_is_refused(front_desk, patient, provider, other_clinic):
    foreign = VisitType.objects.filter(clinic=other_clinic).first()
    with pytest.raises(ValidationFailed, match="Unknown visit type"):
        series_book(
            actor=front_desk, patient=patient, provider=provider, visit_type=foreign,
            location=patient.clinic.locations.first(), first_date=BEFORE_SPRING,
            local_time=time(9), count=2,
        )  # fmt: skip


@pytest.mark.parametrize("role", ["physician", "biller"])
def test_roles_without_booking_cannot_book_a_series(role, cast, patient, provider):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        book_series(cast[role], patient, provider, BEFORE_SPRING)
    assert snapshot() == before


# ---------------------------------------------------------------------------- edits


def test_reschedule_this_one_moves_only_that_visit(front_desk, patient, provider, clinic):
    got = visits(book_series(front_desk, patient, provider, BEFORE_SPRING))
    series_reschedule(
        actor=front_desk, appointment=got[1],
        start=datetime(2027, 3, 8, 11, 0, tzinfo=clinic.tz), scope="this",
    )  # fmt: skip
    assert [local(a).time() for a in Appointment.objects.order_by("series_index")] == [
        time(9), time(11), time(9), time(9)
    ]  # fmt: skip


def test_reschedule_this_and_following_shifts_the_rest_keeping_wall_clock(
    front_desk, patient, provider, clinic
):
    got = visits(book_series(front_desk, patient, provider, BEFORE_SPRING))
    # when: the 2nd visit (Mar 8, before DST) moves to Tuesday 10:30
    series_reschedule(
        actor=front_desk, appointment=got[1],
        start=datetime(2027, 3, 9, 10, 30, tzinfo=clinic.tz), scope="following",
    )  # fmt: skip
    # then: 2nd, 3rd, 4th on Tuesdays at 10:30 local (across DST), the 1st unchanged
    after = [local(a) for a in Appointment.objects.order_by("series_index")]
    assert [(d.date(), d.time()) for d in after] == [
        (date(2027, 3, 1), time(9)),
        (date(2027, 3, 9), time(10, 30)),
        (date(2027, 3, 16), time(10, 30)),
        (date(2027, 3, 23), time(10, 30)),
    ]


def test_reschedule_all_moves_every_booked_visit_and_the_rule(
    front_desk, patient, provider, clinic
):
    series = book_series(front_desk, patient, provider, BEFORE_SPRING)
    got = visits(series)
    series_reschedule(
        actor=front_desk, appointment=got[2],
        start=datetime(2027, 3, 15, 8, 0, tzinfo=clinic.tz), scope="all",
    )  # fmt: skip
    assert {local(a).time() for a in Appointment.objects.all()} == {time(8)}
    series.refresh_from_db()
    assert series.local_time == time(8)


def test_moving_a_whole_series_by_a_week_does_not_trip_over_itself(
    front_desk, patient, provider, clinic
):
    got = visits(book_series(front_desk, patient, provider, BEFORE_SPRING))
    series_reschedule(
        actor=front_desk, appointment=got[0],
        start=datetime(2027, 3, 8, 9, 0, tzinfo=clinic.tz), scope="all",
    )  # fmt: skip
    assert [local(a).date() for a in Appointment.objects.order_by("series_index")] == [
        date(2027, 3, 8), date(2027, 3, 15), date(2027, 3, 22), date(2027, 3, 29)
    ]  # fmt: skip


def test_a_series_move_onto_a_clash_moves_nothing_and_names_the_dates(
    front_desk, patient, provider, clinic
):
    from tests import factories

    got = visits(book_series(front_desk, patient, provider, BEFORE_SPRING))
    factories.book(front_desk, factories.make_patient(front_desk), provider,
                   start=datetime(2027, 3, 22, 14, 0, tzinfo=clinic.tz))  # fmt: skip
    before = snapshot()
    with pytest.raises(SeriesConflict) as err:
        series_reschedule(
            actor=front_desk, appointment=got[0],
            start=datetime(2027, 3, 1, 14, 0, tzinfo=clinic.tz), scope="all",
        )  # fmt: skip
    assert err.value.extra["conflicts"] == ["Mon Mar 22, 2027 (taken at 14:00)"]
    assert snapshot() == before


@pytest.mark.parametrize("scope,cancelled", [("this", [2]), ("following", [2, 3, 4]),
                                              ("all", [1, 2, 3, 4])])  # fmt: skip
def test_cancel_scopes(front_desk, patient, provider, scope, cancelled):
    got = visits(book_series(front_desk, patient, provider, BEFORE_SPRING))
    series_cancel(actor=front_desk, appointment=got[1], scope=scope, reason="Moving away")
    done = list(
        Appointment.objects.filter(status=Status.CANCELLED)
        .order_by("series_index")
        .values_list("series_index", flat=True)
    )
    assert done == cancelled


def test_series_cancel_needs_a_reason_and_permission(front_desk, medical_assistant, patient,
                                                     provider):  # fmt: skip
    got = visits(book_series(front_desk, patient, provider, BEFORE_SPRING))
    before = snapshot()
    with pytest.raises(ValidationFailed, match="reason"):
        series_cancel(actor=front_desk, appointment=got[0], scope="all", reason=" ")
    with pytest.raises(PermissionDenied):
        series_cancel(actor=medical_assistant, appointment=got[0], scope="all", reason="x")
    with pytest.raises(ValidationFailed, match="Choose this visit"):
        series_cancel(actor=front_desk, appointment=got[0], scope="some", reason="x")
    assert snapshot() == before


def test_a_checked_in_visit_is_left_alone_by_a_series_move(front_desk, patient, provider,
                                                           clinic):  # fmt: skip
    got = visits(book_series(front_desk, patient, provider, BEFORE_SPRING))
    # (check-in is only for the day of the visit: this future visit is marked arrived directly)
    Appointment.objects.filter(pk=got[3].pk).update(status="arrived")
    series_reschedule(
        actor=front_desk, appointment=got[0],
        start=datetime(2027, 3, 1, 10, 0, tzinfo=clinic.tz), scope="all",
    )  # fmt: skip
    times = [local(a).time() for a in Appointment.objects.order_by("series_index")]
    assert times == [time(10), time(10), time(10), time(9)]


# ---------------------------------------------------------------------------- the booking screen


def _form(patient, provider, clinic, day, **extra):
    return {
        "patient": patient.public_id,
        "provider": provider.public_id,
        "visit_type": VisitType.objects.get(clinic=clinic, code="follow-up").public_id,
        "location": clinic.locations.first().public_id,
        "date": day.isoformat(),
        "time": "09:00",
        **extra,
    }


def test_the_booking_screen_books_a_series(front_desk, client_for, patient, provider, clinic):
    from django.urls import reverse

    response = client_for(front_desk).post(
        reverse("scheduling:book"),
        _form(patient, provider, clinic, BEFORE_SPRING, repeat_weeks="2", repeat_count="3"),
    )
    assert response.status_code == 302
    assert [local(a).date() for a in Appointment.objects.order_by("start")] == [
        date(2027, 3, 1), date(2027, 3, 15), date(2027, 3, 29)
    ]  # fmt: skip


def test_the_booking_screen_lists_series_conflicts_and_books_nothing(
    front_desk, client_for, patient, provider, clinic
):
    from django.urls import reverse

    from tests import factories

    factories.book(front_desk, factories.make_patient(front_desk), provider,
                   start=datetime(2027, 3, 8, 9, 0, tzinfo=clinic.tz))  # fmt: skip
    before = snapshot()
    response = client_for(front_desk).post(
        reverse("scheduling:book"),
        _form(patient, provider, clinic, BEFORE_SPRING, repeat_weeks="1", repeat_count="3"),
    )
    assert response.status_code == 409
    assert "Mon Mar 08, 2027 (taken at 09:00)" in response.content.decode()
    after = snapshot()
    assert after["appointments"] == before["appointments"]
    assert after["status_changes"] == before["status_changes"]


def test_a_repeat_without_a_count_is_refused(front_desk, client_for, patient, provider, clinic):
    from django.urls import reverse

    response = client_for(front_desk).post(
        reverse("scheduling:book"),
        _form(patient, provider, clinic, BEFORE_SPRING, repeat_weeks="1"),
    )
    assert response.status_code == 422
    assert "How many visits in the series?" in response.content.decode()
    assert Appointment.objects.count() == 0
