"""Reschedule (same row, history kept) and deliberate double-booking."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.db import transaction

from medassist.audit.models import AuditEvent
from medassist.booking.services import appointment_book, appointment_cancel, appointment_reschedule
from medassist.core.errors import PermissionDenied, ValidationFailed
from medassist.scheduling.models import Appointment, AppointmentMove, StatusChange
from medassist.scheduling.services import IllegalTransition, SlotTaken, appointment_transition
from tests import factories
from tests.api.conftest import snapshot


def at(clinic, day, hh, mm=0):
    return datetime.combine(day, time(hh, mm), tzinfo=clinic.tz)


def test_reschedule_moves_the_same_row_and_keeps_a_move_record(
    front_desk, patient, provider, clinic, future_day, book_at
):
    # given
    appt = book_at(front_desk, patient, provider, future_day, 9)
    # when
    appointment_reschedule(
        actor=front_desk, appointment=appt, start=at(clinic, future_day, 11), reason="Asked"
    )
    # then
    appt.refresh_from_db()
    assert appt.start == at(clinic, future_day, 11)
    assert appt.end - appt.start == timedelta(minutes=20)
    assert Appointment.objects.count() == 1
    move = AppointmentMove.objects.get()
    assert (move.from_start, move.to_start, move.by, move.reason) == (
        at(clinic, future_day, 9),
        at(clinic, future_day, 11),
        front_desk,
        "Asked",
    )
    assert AuditEvent.objects.filter(action="update", object_id=str(appt.public_id)).exists()


def test_reschedule_onto_a_taken_time_is_refused_and_changes_nothing(
    front_desk, patient, provider, clinic, future_day, book_at
):
    # given
    appt = book_at(front_desk, patient, provider, future_day, 9)
    book_at(front_desk, factories.make_patient(front_desk), provider, future_day, 11)
    before = snapshot()
    # when
    with pytest.raises(SlotTaken) as err:
        appointment_reschedule(
            actor=front_desk, appointment=appt, start=at(clinic, future_day, 11, 10)
        )
    # then
    assert "overlaps" in err.value.message
    assert snapshot() == before
    assert AppointmentMove.objects.count() == 0


def test_reschedule_to_another_provider(
    front_desk, patient, provider, second_provider, clinic, future_day, book_at
):
    appt = book_at(front_desk, patient, provider, future_day, 9)
    appointment_reschedule(
        actor=front_desk,
        appointment=appt,
        start=at(clinic, future_day, 9),
        provider=second_provider,
    )
    appt.refresh_from_db()
    assert appt.provider == second_provider
    assert AppointmentMove.objects.get().from_provider == provider


def test_a_visit_can_move_onto_its_own_old_time_range(
    front_desk, patient, provider, clinic, future_day, book_at
):
    appt = book_at(front_desk, patient, provider, future_day, 9)
    appointment_reschedule(actor=front_desk, appointment=appt, start=at(clinic, future_day, 9, 10))
    appt.refresh_from_db()
    assert appt.start == at(clinic, future_day, 9, 10)


def test_reschedule_is_refused_once_the_patient_has_arrived(front_desk, appointment, clinic):
    # given
    appointment_transition(actor=front_desk, appointment=appointment, to_status="arrived")
    before = snapshot()
    # when / then
    with pytest.raises(IllegalTransition, match="only a booked visit"):
        appointment_reschedule(
            actor=front_desk, appointment=appointment, start=appointment.start + timedelta(days=1)
        )
    assert snapshot() == before


def test_reschedule_to_a_past_date_is_refused(front_desk, appointment):
    before = snapshot()
    with pytest.raises(ValidationFailed, match="past date"):
        appointment_reschedule(
            actor=front_desk, appointment=appointment, start=appointment.start - timedelta(days=3)
        )
    assert snapshot() == before


def test_reschedule_without_a_time_zone_is_refused(front_desk, appointment):
    with pytest.raises(ValidationFailed, match="time zone"):
        appointment_reschedule(
            actor=front_desk, appointment=appointment, start=datetime(2030, 1, 1, 9, 0)
        )


@pytest.mark.parametrize(
    "role,allowed",
    [
        ("front_desk", True),
        ("medical_assistant", True),
        ("clinic_admin", True),
        ("physician", False),
        ("biller", False),
    ],
)
def test_reschedule_role_matrix(role, allowed, cast, appointment):
    before = snapshot()
    new_start = appointment.start + timedelta(days=1)
    if allowed:
        appointment_reschedule(actor=cast[role], appointment=appointment, start=new_start)
        appointment.refresh_from_db()
        assert appointment.start == new_start
    else:
        with pytest.raises(PermissionDenied):
            appointment_reschedule(actor=cast[role], appointment=appointment, start=new_start)
        assert snapshot() == before


def test_cancel_requires_a_reason(front_desk, appointment):
    before = snapshot()
    with pytest.raises(ValidationFailed, match="Give a reason for cancelling"):
        appointment_cancel(actor=front_desk, appointment=appointment, reason="   ")
    assert snapshot() == before


# ---------------------------------------------------------------------------- double-booking


def test_admin_can_double_book_and_the_visit_is_flagged(
    front_desk, clinic_admin, patient, provider, clinic, future_day, book_at
):
    # given
    first = book_at(front_desk, patient, provider, future_day, 9)
    other = factories.make_patient(front_desk)
    # when
    second = appointment_book(
        actor=clinic_admin,
        patient=other,
        provider=provider,
        visit_type=first.visit_type,
        location=first.location,
        start=first.start,
        double_book=True,
    )
    # then
    assert second.double_booked is True
    first.refresh_from_db()
    assert first.double_booked is False
    assert StatusChange.objects.get(appointment=second).reason == "Double-booked on purpose"
    event = AuditEvent.objects.get(action="create", object_id=str(second.public_id))
    assert event.detail["double_booked"] is True


def test_double_book_without_the_permission_is_refused(
    front_desk, patient, provider, future_day, book_at
):
    first = book_at(front_desk, patient, provider, future_day, 9)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        appointment_book(
            actor=front_desk,
            patient=factories.make_patient(front_desk),
            provider=provider,
            visit_type=first.visit_type,
            location=first.location,
            start=first.start,
            double_book=True,
        )
    assert snapshot()["appointments"] == before["appointments"]


def test_a_double_book_request_without_a_clash_is_not_flagged(
    clinic_admin, patient, provider, clinic, future_day, book_at
):
    appt = book_at(clinic_admin, patient, provider, future_day, 10)
    assert appt.double_booked is False


def test_an_ordinary_booking_is_refused_over_a_double_booked_visit(
    front_desk, clinic_admin, patient, provider, future_day, book_at
):
    # given: a visit and a deliberate second one at the same time; the first is cancelled
    first = book_at(front_desk, patient, provider, future_day, 9)
    appointment_book(
        actor=clinic_admin,
        patient=factories.make_patient(front_desk),
        provider=provider,
        visit_type=first.visit_type,
        location=first.location,
        start=first.start,
        double_book=True,
    )
    appointment_cancel(actor=front_desk, appointment=first, reason="Called")
    # when / then: the double-booked visit still holds the time
    with pytest.raises(SlotTaken):
        book_at(front_desk, factories.make_patient(front_desk), provider, future_day, 9)


def test_moving_a_double_booked_visit_to_a_free_time_clears_the_flag(
    front_desk, clinic_admin, patient, provider, clinic, future_day, book_at
):
    first = book_at(front_desk, patient, provider, future_day, 9)
    extra = appointment_book(
        actor=clinic_admin,
        patient=factories.make_patient(front_desk),
        provider=provider,
        visit_type=first.visit_type,
        location=first.location,
        start=first.start,
        double_book=True,
    )
    appointment_reschedule(actor=front_desk, appointment=extra, start=at(clinic, future_day, 14))
    extra.refresh_from_db()
    assert extra.double_booked is False


def test_database_refuses_an_unflagged_overlap_but_allows_a_flagged_one(
    front_desk, patient, provider, future_day, book_at
):
    """The PostgreSQL exclusion constraint leaves out double-booked rows (SQLite: the service)."""
    from django.db import IntegrityError, connection

    first = book_at(front_desk, patient, provider, future_day, 9)
    clone = dict(
        clinic_id=first.clinic_id,
        patient_id=first.patient_id,
        provider_id=first.provider_id,
        location_id=first.location_id,
        visit_type_id=first.visit_type_id,
        start=first.start,
        end=first.end,
        status="booked",
        status_changed_at=first.status_changed_at,
    )
    Appointment.objects.create(**clone, double_booked=True)
    if connection.vendor != "postgresql":
        return
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(**clone)


@pytest.fixture
def cart_visit(front_desk, patient, provider, clinic, future_day, book_at):
    """A visit at 9:00 holding an ECG cart (one of two at its location)."""
    from medassist.availability.models import Resource, ResourceBooking, ResourceKind

    appt = book_at(front_desk, patient, provider, future_day, 9)
    kind = ResourceKind.objects.create(clinic=clinic, name="ECG cart")
    where = clinic.locations.first()
    carts = [
        Resource.objects.create(clinic=clinic, kind=kind, location=where, name=name)
        for name in ("Cart 1", "Cart 2")
    ]
    held = ResourceBooking.objects.create(
        clinic=clinic, appointment=appt, resource=carts[0], start=appt.start, end=appt.end
    )
    return appt, carts, held


def _cart_held_by(other_appt, cart):
    from medassist.availability.models import ResourceBooking

    return ResourceBooking.objects.create(
        clinic=other_appt.clinic,
        appointment=other_appt,
        resource=cart,
        start=other_appt.start,
        end=other_appt.end,
    )


def test_a_moved_visit_takes_its_equipment_to_the_new_time(
    front_desk, clinic, future_day, cart_visit
):
    from medassist.availability.models import ResourceBooking

    # given the visit holds Cart 1 at 9:00
    appt, carts, held = cart_visit
    # when it moves to 15:00
    appointment_reschedule(actor=front_desk, appointment=appt, start=at(clinic, future_day, 15))
    # then the 9:00 hold is released and Cart 1 is held at 15:00 instead
    held.refresh_from_db()
    assert held.active is False
    now_held = ResourceBooking.objects.get(appointment=appt, active=True)
    assert (now_held.resource, now_held.start) == (carts[0], at(clinic, future_day, 15))


def test_a_moved_visit_takes_another_cart_when_its_own_is_busy_then(
    front_desk, clinic, future_day, cart_visit, book_at, provider
):
    from medassist.availability.models import ResourceBooking

    # given Cart 1 is held at 15:00 by another provider's visit
    appt, carts, _ = cart_visit
    other_doc = factories.make_provider(clinic)
    other = book_at(front_desk, factories.make_patient(front_desk), other_doc, future_day, 15)
    _cart_held_by(other, carts[0])
    # when the visit moves to 15:00
    appointment_reschedule(actor=front_desk, appointment=appt, start=at(clinic, future_day, 15))
    # then it holds Cart 2
    assert ResourceBooking.objects.get(appointment=appt, active=True).resource == carts[1]


def test_a_move_to_a_time_with_no_free_cart_is_refused_and_changes_nothing(
    front_desk, clinic, future_day, cart_visit, book_at
):
    from medassist.availability.models import ResourceBooking
    from medassist.availability.services import ResourceTaken

    # given both carts are held at 15:00 by other visits
    appt, carts, held = cart_visit
    for cart in carts:
        doc = factories.make_provider(clinic)
        other = book_at(front_desk, factories.make_patient(front_desk), doc, future_day, 15)
        _cart_held_by(other, cart)
    before = snapshot()
    # when
    with pytest.raises(ResourceTaken) as err, transaction.atomic():
        appointment_reschedule(actor=front_desk, appointment=appt, start=at(clinic, future_day, 15))
    # then the visit, its hold and the move history are as they were
    assert "No ECG cart is free" in err.value.message
    assert snapshot() == before
    appt.refresh_from_db()
    assert appt.start == at(clinic, future_day, 9)
    assert ResourceBooking.objects.get(appointment=appt, active=True).pk == held.pk
