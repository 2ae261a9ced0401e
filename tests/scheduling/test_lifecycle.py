from datetime import timedelta

import pytest

from medassist.booking.services import appointment_cancel
from medassist.core.errors import PermissionDenied, ValidationFailed
from medassist.scheduling.models import Appointment, StatusChange
from medassist.scheduling.services import IllegalTransition, SlotTaken, appointment_transition
from tests import factories


def test_booking_refuses_an_overlapping_time_for_the_same_provider(front_desk, patient, provider):
    # given
    first = factories.book(front_desk, patient, provider)
    other = factories.make_patient(front_desk)
    # when
    with pytest.raises(SlotTaken) as err:
        factories.book(front_desk, other, provider, start=first.start + timedelta(minutes=10))
    # then
    assert "overlaps" in err.value.message
    assert Appointment.objects.count() == 1


def test_back_to_back_visits_do_not_overlap(front_desk, patient, provider):
    first = factories.book(front_desk, patient, provider)
    factories.book(front_desk, factories.make_patient(front_desk), provider, start=first.end)
    assert Appointment.objects.count() == 2


def test_a_cancelled_slot_can_be_booked_again(front_desk, patient, provider):
    first = factories.book(front_desk, patient, provider)
    appointment_cancel(actor=front_desk, appointment=first, reason="Patient called")
    factories.book(front_desk, factories.make_patient(front_desk), provider, start=first.start)
    assert Appointment.objects.filter(status="booked").count() == 1


def test_booking_a_past_date_is_refused(front_desk, patient, provider):
    with pytest.raises(ValidationFailed):
        factories.book(
            front_desk,
            patient,
            provider,
            start=factories.next_slot(patient.clinic) - timedelta(days=2),
        )


def test_each_transition_is_stamped_with_time_and_user(
    front_desk, medical_assistant, physician, appointment
):
    appointment_transition(actor=front_desk, appointment=appointment, to_status="arrived")
    appointment_transition(actor=medical_assistant, appointment=appointment, to_status="roomed")
    appointment_transition(actor=physician, appointment=appointment, to_status="with_provider")
    appointment_transition(actor=front_desk, appointment=appointment, to_status="checked_out")
    steps = list(
        StatusChange.objects.filter(appointment=appointment).values_list(
            "to_status", "by__username"
        )
    )
    assert steps == [
        ("booked", "frontdesk"),
        ("arrived", "frontdesk"),
        ("roomed", "ma"),
        ("with_provider", "doctor"),
        ("checked_out", "frontdesk"),
    ]


@pytest.mark.parametrize("to_status", ["roomed", "with_provider", "checked_out"])
def test_skipping_a_step_is_refused(
    front_desk, medical_assistant, physician, appointment, to_status
):
    actor = {"roomed": medical_assistant, "with_provider": physician, "checked_out": front_desk}[
        to_status
    ]
    with pytest.raises(IllegalTransition):
        appointment_transition(actor=actor, appointment=appointment, to_status=to_status)
    appointment.refresh_from_db()
    assert appointment.status == "booked"


def test_cancel_needs_a_reason(front_desk, appointment):
    with pytest.raises(ValidationFailed):
        appointment_cancel(actor=front_desk, appointment=appointment, reason="  ")


def test_front_desk_cannot_room_a_patient(front_desk, appointment):
    appointment_transition(actor=front_desk, appointment=appointment, to_status="arrived")
    with pytest.raises(PermissionDenied):
        appointment_transition(actor=front_desk, appointment=appointment, to_status="roomed")


def test_the_database_itself_refuses_overlapping_active_appointments(front_desk, patient, provider):
    # given a booked visit
    from django.db import IntegrityError, connection, transaction

    first = factories.book(front_desk, patient, provider)
    clash = Appointment(
        clinic=first.clinic,
        patient=patient,
        provider=provider,
        location=first.location,
        visit_type=first.visit_type,
        start=first.start,
        end=first.end,
        status="booked",
        status_changed_at=first.status_changed_at,
    )
    if connection.vendor == "postgresql":
        # when a row is written past the service (as a racing writer would)
        # then PostgreSQL's exclusion constraint refuses it
        with pytest.raises(IntegrityError), transaction.atomic():
            clash.save()
    else:
        # SQLite has no exclusion constraints: every transaction takes the write lock at BEGIN
        # (BEGIN IMMEDIATE), so the booking service's re-check cannot race another writer.
        assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
        with pytest.raises(SlotTaken):
            factories.book(front_desk, patient, provider, start=first.start)
