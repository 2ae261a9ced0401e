"""Booking a found slot (booking.appointment_book): re-checks under the lock, books the visit
and its resources in one transaction."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from medassist.availability.models import ResourceBooking, VisitTypeRule
from medassist.availability.selectors import first_available
from medassist.availability.services import (
    NotOpen,
    ResourceTaken,
    resource_booking_add,
    resources_release,
)
from medassist.booking.services import appointment_book, appointment_cancel
from medassist.core.errors import PermissionDenied, ValidationFailed
from medassist.scheduling.models import Appointment
from medassist.scheduling.services import SlotTaken
from tests import factories
from tests.availability.conftest import at


def test_booking_a_found_slot_books_the_appointment(
    front_desk, clinic, templated, follow_up, monday, patient
):
    # given the first open slot
    slot = first_available(
        user=front_desk, visit_type=follow_up, date_from=monday, date_to=monday, limit=1
    )[0]
    # when the front desk books it
    appt = appointment_book(
        actor=front_desk, patient=patient, visit_type=follow_up, slot=slot, note="knee"
    )
    # then the appointment is there, and the slot is gone from the search
    assert appt.start == slot.start and appt.provider == templated and appt.note == "knee"
    again = first_available(
        user=front_desk, visit_type=follow_up, date_from=monday, date_to=monday, limit=1
    )
    assert again[0].start > slot.start


def test_booking_a_taken_slot_raises_slot_taken(
    front_desk, clinic, templated, follow_up, monday, patient
):
    slot = first_available(
        user=front_desk, visit_type=follow_up, date_from=monday, date_to=monday, limit=1
    )[0]
    appointment_book(actor=front_desk, patient=patient, visit_type=follow_up, slot=slot)
    other = factories.make_patient(front_desk)
    # when someone books the same slot from a stale list
    with pytest.raises(SlotTaken, match="was just booked"):
        appointment_book(actor=front_desk, patient=other, visit_type=follow_up, slot=slot)
    # then nothing more was written
    assert Appointment.objects.filter(patient=other).count() == 0


def test_booking_outside_hours_is_refused(
    front_desk, clinic, templated, follow_up, monday, patient
):
    with pytest.raises(NotOpen, match="not seeing patients at 12:10"):
        appointment_book(
            actor=front_desk,
            patient=patient,
            visit_type=follow_up,
            provider=templated,
            start=at(clinic, monday, 12, 10),
            location=clinic.locations.first(),
        )
    assert not Appointment.objects.exists()


def test_booking_needs_the_book_permission(biller, clinic, templated, follow_up, monday, patient):
    with pytest.raises(PermissionDenied):
        appointment_book(
            actor=biller,
            patient=patient,
            visit_type=follow_up,
            provider=templated,
            start=at(clinic, monday, 8),
        )
    assert not Appointment.objects.exists()


def test_booking_respects_the_new_patient_rule(
    front_desk, clinic, templated, new_visit, monday, patient
):
    from tests.availability.test_slots import _seen_before

    VisitTypeRule.objects.create(
        clinic=clinic, visit_type=new_visit, patients=VisitTypeRule.Patients.NEW
    )
    _seen_before(front_desk, clinic, patient, templated)
    with pytest.raises(ValidationFailed, match="established patient"):
        appointment_book(
            actor=front_desk,
            patient=patient,
            visit_type=new_visit,
            provider=templated,
            start=at(clinic, monday, 8),
        )
    assert Appointment.objects.filter(start__gt=at(clinic, monday, 0)).count() == 0


# ---------------------------------------------------------------------------- resources


def test_required_resource_is_booked_with_the_visit(
    front_desk, clinic, templated, monday, patient, ecg
):
    slot = first_available(
        user=front_desk, visit_type=ecg["visit_type"], date_from=monday, date_to=monday, limit=1
    )[0]
    assert slot.resources == (ecg["cart"],)
    appt = appointment_book(
        actor=front_desk, patient=patient, visit_type=ecg["visit_type"], slot=slot
    )
    booking = ResourceBooking.objects.get(appointment=appt)
    assert (booking.resource, booking.start, booking.end, booking.active) == (
        ecg["cart"],
        appt.start,
        appt.end,
        True,
    )


def test_the_visit_page_says_what_it_reserves_until_it_is_cancelled(
    front_desk, client_for, clinic, templated, monday, patient, ecg
):
    # given an ECG visit booked with the cart
    appt = appointment_book(
        actor=front_desk,
        patient=patient,
        visit_type=ecg["visit_type"],
        provider=templated,
        start=at(clinic, monday, 9),
    )
    page = client_for(front_desk).get(f"/schedule/appointments/{appt.public_id}/")
    # then its page names the cart
    assert "Reserved" in page.content.decode() and "ECG cart 1" in page.content.decode()
    # and once cancelled, it no longer does
    appointment_cancel(actor=front_desk, appointment=appt, reason="Patient asked")
    page = client_for(front_desk).get(f"/schedule/appointments/{appt.public_id}/")
    assert "ECG cart 1" not in page.content.decode()


def test_a_busy_resource_hides_the_slot_for_every_provider(
    front_desk, clinic, templated, monday, patient, ecg
):
    # given a second provider, and the only ECG cart booked at 08:00–08:30 with the first
    from tests.availability.conftest import make_provider, weekday_template

    second = make_provider(clinic)
    weekday_template(clinic, second)
    appointment_book(
        actor=front_desk,
        patient=patient,
        visit_type=ecg["visit_type"],
        provider=templated,
        start=at(clinic, monday, 8),
    )
    # when searching ECG visits
    slots = first_available(
        user=front_desk, visit_type=ecg["visit_type"], date_from=monday, date_to=monday, limit=2
    )
    # then nobody is offered 08:00 or 08:15: the cart is busy until 08:30
    assert [s.start.astimezone(clinic.tz).strftime("%H:%M") for s in slots] == ["08:30", "08:30"]
    # and booking the second provider at 08:15 anyway is refused by the service
    other = factories.make_patient(front_desk)
    with pytest.raises(ResourceTaken, match="No ECG cart is free at 08:15"):
        appointment_book(
            actor=front_desk,
            patient=other,
            visit_type=ecg["visit_type"],
            provider=second,
            start=at(clinic, monday, 8, 15),
        )
    assert not Appointment.objects.filter(patient=other).exists()


def test_no_resource_at_all_means_no_slots(front_desk, clinic, templated, monday, ecg):
    ecg["cart"].active = False
    ecg["cart"].save()
    assert (
        first_available(
            user=front_desk, visit_type=ecg["visit_type"], date_from=monday, date_to=monday
        )
        == []
    )


def test_release_frees_the_resource(front_desk, clinic, templated, monday, patient, ecg):
    appt = appointment_book(
        actor=front_desk,
        patient=patient,
        visit_type=ecg["visit_type"],
        provider=templated,
        start=at(clinic, monday, 8),
    )
    assert resources_release(appointment=appt, actor=front_desk) == 1
    assert resources_release(appointment=appt) == 0
    assert not ResourceBooking.objects.filter(active=True).exists()


def test_cancelling_or_no_show_releases_the_visits_resources(
    front_desk, clinic, templated, monday, patient, ecg
):
    # given an ECG visit holding the cart
    appt = appointment_book(
        actor=front_desk,
        patient=patient,
        visit_type=ecg["visit_type"],
        provider=templated,
        start=at(clinic, monday, 8),
    )
    assert ResourceBooking.objects.filter(appointment=appt, active=True).count() == 1
    # when it is cancelled
    appointment_cancel(actor=front_desk, appointment=appt, reason="Sick")
    # then the cart is free again
    assert not ResourceBooking.objects.filter(appointment=appt, active=True).exists()


def test_cancelled_visit_does_not_hold_its_resource(
    front_desk, clinic, templated, monday, patient, ecg
):
    # given an ECG visit cancelled without releasing its cart (the cancel path may not call us)
    from tests.availability.conftest import make_provider, weekday_template

    appt = appointment_book(
        actor=front_desk,
        patient=patient,
        visit_type=ecg["visit_type"],
        provider=templated,
        start=at(clinic, monday, 8),
    )
    appointment_cancel(actor=front_desk, appointment=appt, reason="Sick")
    second = make_provider(clinic)
    weekday_template(clinic, second)
    # then the cart shows free, and booking it at that time works
    slots = first_available(
        user=front_desk,
        visit_type=ecg["visit_type"],
        provider=second,
        date_from=monday,
        date_to=monday,
        limit=1,
    )
    assert slots[0].start == at(clinic, monday, 8)
    appointment_book(actor=front_desk, patient=patient, visit_type=ecg["visit_type"], slot=slots[0])
    assert ResourceBooking.objects.filter(active=True).count() == 1


def test_resource_booking_add_refuses_an_overlap(
    front_desk, clinic, templated, monday, patient, ecg
):
    appt = appointment_book(
        actor=front_desk,
        patient=patient,
        visit_type=ecg["visit_type"],
        provider=templated,
        start=at(clinic, monday, 8),
    )
    later = factories.book(front_desk, patient, templated, start=at(clinic, monday, 9))
    with pytest.raises(ResourceTaken):
        resource_booking_add(
            actor=front_desk,
            appointment=later,
            resource=ecg["cart"],
            start=appt.start + timedelta(minutes=10),
            end=appt.end,
        )
    assert ResourceBooking.objects.count() == 1


@pytest.mark.postgresql
def test_postgresql_refuses_overlapping_resource_bookings(
    front_desk, clinic, templated, monday, patient, ecg
):
    # given a booked cart
    appt = appointment_book(
        actor=front_desk,
        patient=patient,
        visit_type=ecg["visit_type"],
        provider=templated,
        start=at(clinic, monday, 8),
    )
    later = factories.book(front_desk, patient, templated, start=at(clinic, monday, 9))
    # when a row that overlaps is written straight to the database
    with pytest.raises(IntegrityError, match="resource_booking_no_overlap"), transaction.atomic():
        ResourceBooking.objects.create(
            clinic=clinic,
            appointment=later,
            resource=ecg["cart"],
            start=appt.start + timedelta(minutes=10),
            end=appt.end + timedelta(minutes=10),
        )
    # then an inactive one, or one that only touches the end, is fine
    ResourceBooking.objects.create(
        clinic=clinic,
        appointment=later,
        resource=ecg["cart"],
        start=appt.end,
        end=appt.end + timedelta(minutes=30),
    )
    ResourceBooking.objects.create(
        clinic=clinic,
        appointment=later,
        resource=ecg["cart"],
        start=appt.start,
        end=appt.end,
        active=False,
    )
