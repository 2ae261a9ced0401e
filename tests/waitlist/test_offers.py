"""A freed slot is offered to the waitlist; the first to accept gets it, the others are told."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client

from medassist.booking.services import appointment_book, appointment_cancel
from medassist.reminders.models import Message
from medassist.scheduling.models import Appointment, Status
from medassist.waitlist.models import OpenSlot, SlotOffer, WaitlistEntry
from medassist.waitlist.services import offer_accept, slot_freed
from medassist.worker.loop import run_once
from tests import factories
from tests.waitlist.conftest import offer_token

pytestmark = pytest.mark.django_db


def offers_sent():
    return list(Message.objects.filter(kind=Message.Kind.OFFER).order_by("id"))


def test_a_cancelled_future_visit_is_offered_to_matching_entries_by_the_worker(
    busy_visit, waiting, front_desk
):
    # given patients waiting and a visit ahead
    # when the visit is cancelled and the worker runs
    appointment_cancel(actor=front_desk, appointment=busy_visit, reason="Patient called")
    run_once()
    # then the slot is open and offered to the waiting patients, each with a signed link
    slot = OpenSlot.objects.get()
    assert (slot.start, slot.provider_id, slot.status) == (
        busy_visit.start,
        busy_visit.provider_id,
        "open",
    )
    assert SlotOffer.objects.filter(slot=slot).count() == 3
    assert {m.patient_id for m in offers_sent()} == {e.patient_id for e in waiting}
    assert all("https://clinic.example.org/waitlist/o/" in m.body for m in offers_sent())
    assert set(WaitlistEntry.objects.values_list("status", flat=True)) == {"offered"}
    # and the offers went out as texts in the same pass
    assert {m.status for m in offers_sent()} == {"sent"}


def test_the_scan_and_a_direct_call_offer_a_slot_only_once(busy_visit, waiting, front_desk):
    appointment_cancel(actor=front_desk, appointment=busy_visit, reason="x")
    slot_freed(appointment=busy_visit)
    run_once()
    run_once()
    assert OpenSlot.objects.count() == 1
    assert SlotOffer.objects.count() == 3


def test_a_past_or_rebooked_time_is_not_offered(busy_visit, waiting, front_desk, patient):
    # given the visit is cancelled and someone else is booked at the same time at once
    appointment_cancel(actor=front_desk, appointment=busy_visit, reason="x")
    factories.book(front_desk, patient, busy_visit.provider, start=busy_visit.start)
    # when the worker scans
    run_once()
    # then nothing is offered
    assert OpenSlot.objects.count() == 0
    # and a time in the past is never offered
    assert slot_freed(appointment=busy_visit, now=busy_visit.start + timedelta(minutes=1)) is None


def test_entries_that_do_not_fit_are_not_offered(busy_visit, front_desk, clinic, slot_day):
    from medassist.practice.models import VisitType
    from medassist.waitlist.services import waitlist_entry_add

    # given entries that each miss the 20-minute 10:00 slot in one way
    other = factories.make_provider(clinic, npi="1003000126")
    new_visit = VisitType.objects.get(clinic=clinic, code="new")  # 40 min: longer than the slot
    follow_up = VisitType.objects.get(clinic=clinic, code="follow-up")
    for kwargs in [
        {"visit_type": new_visit},
        {"visit_type": follow_up, "provider": other},
        {"visit_type": follow_up, "time_of_day": "afternoon"},
        {"visit_type": follow_up, "earliest_date": slot_day + timedelta(days=1)},
    ]:
        kwargs.setdefault("earliest_date", slot_day - timedelta(days=1))
        waitlist_entry_add(
            actor=front_desk,
            patient=factories.make_patient(front_desk),
            latest_date=slot_day + timedelta(days=5),
            **kwargs,
        )
    # when the slot frees
    appointment_cancel(actor=front_desk, appointment=busy_visit, reason="x")
    run_once()
    # then nobody is offered it and the slot is recorded as without a taker
    assert SlotOffer.objects.count() == 0
    assert OpenSlot.objects.get().status == "expired"


def test_priority_decides_who_is_offered_first(busy_visit, waiting, front_desk):
    # given a fourth, urgent entry added last and offers going to 3 at a time
    urgent = waiting[2]
    WaitlistEntry.objects.filter(pk=urgent.pk).update(priority=1)
    extra = factories.make_patient(front_desk, first_name="Drew")
    WaitlistEntry.objects.create(
        clinic=urgent.clinic,
        patient=extra,
        visit_type=urgent.visit_type,
        earliest_date=urgent.earliest_date,
        latest_date=urgent.latest_date,
    )
    # when the slot frees
    appointment_cancel(actor=front_desk, appointment=busy_visit, reason="x")
    run_once()
    # then the urgent one and the two longest waiting are offered; the newest waits
    offered = set(SlotOffer.objects.values_list("entry__patient_id", flat=True))
    assert offered == {e.patient_id for e in waiting}
    assert extra.pk not in offered


def test_the_first_to_accept_is_booked_and_the_others_are_told_it_is_gone(
    busy_visit, waiting, front_desk
):
    # given the slot offered to three patients
    appointment_cancel(actor=front_desk, appointment=busy_visit, reason="x")
    run_once()
    first, second, third = offers_sent()
    # when the second patient accepts first
    result = offer_accept(token=offer_token(second))
    # then they are booked through scheduling, the others told it's gone
    assert result.ok
    appt = result.appointment
    assert (appt.patient_id, appt.start, appt.status) == (
        second.patient_id,
        busy_visit.start,
        Status.BOOKED,
    )
    assert appt.created_by.username.startswith("system-")
    entry = WaitlistEntry.objects.get(patient_id=second.patient_id)
    assert (entry.status, entry.appointment_id) == ("booked", appt.pk)
    gone = Message.objects.filter(kind=Message.Kind.OFFER_GONE)
    assert {m.patient_id for m in gone} == {first.patient_id, third.patient_id}
    assert set(WaitlistEntry.objects.exclude(pk=entry.pk).values_list("status", flat=True)) == {
        "waiting"
    }
    # when another accepts afterwards
    late = offer_accept(token=offer_token(first))
    # then: sorry, and nothing more is booked
    assert not late.ok
    assert late.message == "Sorry, that time was just taken."
    assert Appointment.objects.filter(start=busy_visit.start, status="booked").count() == 1


def test_a_slot_booked_at_the_desk_meanwhile_is_refused_politely(
    busy_visit, waiting, front_desk, patient
):
    appointment_cancel(actor=front_desk, appointment=busy_visit, reason="x")
    run_once()
    factories.book(front_desk, patient, busy_visit.provider, start=busy_visit.start)
    result = offer_accept(token=offer_token(offers_sent()[0]))
    assert not result.ok and result.message == "Sorry, that time was just taken."
    assert OpenSlot.objects.get().status == "filled"
    assert set(SlotOffer.objects.values_list("status", flat=True)) == {"gone"}


# The in-memory SQLite test database refuses a second thread's writer at once ("table is
# locked") instead of waiting; on a real SQLite file every transaction is BEGIN IMMEDIATE, so
# accepts queue one after the other (the sequential test above covers that, and
# tests/concurrency covers concurrent HTTP writers on a SQLite file).
@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_patients_accepting_at_once_get_one_booking(busy_visit, waiting, front_desk):
    # given the slot offered
    appointment_cancel(actor=front_desk, appointment=busy_visit, reason="x")
    run_once()
    tokens = [offer_token(m) for m in offers_sent()[:2]]
    results, errors = [], []
    barrier = threading.Barrier(2)

    def accept(token):
        try:
            barrier.wait()
            results.append(offer_accept(token=token))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    # when two accept at the same moment
    threads = [threading.Thread(target=accept, args=(t,)) for t in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then exactly one is booked, the other is told it was taken
    assert errors == []
    assert sorted(r.ok for r in results) == [False, True]
    assert Appointment.objects.filter(start=busy_visit.start, status="booked").count() == 1
    assert SlotOffer.objects.filter(status="accepted").count() == 1


def test_an_expired_offer_cannot_be_accepted_and_the_slot_goes_to_the_next(
    busy_visit, front_desk, clinic, slot_day, waiting
):
    # given one slot offered to the first three of four waiting
    from medassist.waitlist.services import waitlist_entry_add

    late = waitlist_entry_add(
        actor=front_desk,
        patient=factories.make_patient(front_desk, first_name="Drew"),
        visit_type=waiting[0].visit_type,
        earliest_date=slot_day,
        latest_date=slot_day,
    )
    appointment_cancel(actor=front_desk, appointment=busy_visit, reason="x")
    run_once()
    first = offers_sent()[0]
    expiry = SlotOffer.objects.first().expires_at
    # when the offers expire and the worker runs
    run_once(now=expiry)
    # then the first can no longer accept, and the fourth is offered the slot
    result = offer_accept(token=offer_token(first), now=expiry)
    assert not result.ok and "ended" in result.message
    assert SlotOffer.objects.get(entry=late).status == "offered"
    assert WaitlistEntry.objects.get(pk=waiting[0].pk).status == "waiting"


def test_the_offer_page_accepts_without_login_and_shows_no_clinical_detail(
    busy_visit, waiting, front_desk
):
    appointment_cancel(actor=front_desk, appointment=busy_visit, reason="x")
    run_once()
    token = offer_token(offers_sent()[0])
    page = Client().get(f"/waitlist/o/{token}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Accept this time" in text
    assert busy_visit.provider.last_name not in text
    assert "Follow-up" not in text
    response = Client().post(f"/waitlist/o/{token}/")
    assert response.status_code == 200
    assert "You are booked." in response.content.decode()
    second = Client().post(f"/waitlist/o/{offer_token(offers_sent()[1])}/")
    assert second.status_code == 409
    assert "Sorry, that time was just taken." in second.content.decode()


@pytest.mark.parametrize("token", ["bad", "x" * 300])
def test_a_bad_offer_link_is_refused_and_changes_nothing(token, busy_visit, waiting, snapshot):
    before = snapshot()
    assert Client().post(f"/waitlist/o/{token}/").status_code == 404
    assert snapshot() == before


def test_a_reminder_link_does_not_open_an_offer(busy_visit):
    from medassist.reminders.links import reminder_token

    assert Client().get(f"/waitlist/o/{reminder_token(busy_visit)}/").status_code == 404


def test_a_no_show_in_the_past_offers_nothing(front_desk, patient, provider, waiting):
    start = factories.next_slot(patient.clinic)  # to come (tomorrow's, late in the evening)
    appt = appointment_book(
        actor=front_desk,
        patient=patient,
        provider=provider,
        visit_type=waiting[0].visit_type,
        location=patient.clinic.locations.first(),
        start=start,
    )
    Appointment.objects.filter(pk=appt.pk).update(status="no_show")
    assert slot_freed(appointment=appt, now=start + timedelta(minutes=5)) is None


def test_a_rescheduled_visit_frees_its_old_time_for_the_waitlist(busy_visit, waiting, front_desk):
    from medassist.booking.services import appointment_reschedule

    # given a visit moved to the next day
    old_start = busy_visit.start
    appointment_reschedule(
        actor=front_desk, appointment=busy_visit, start=old_start + timedelta(days=1)
    )
    # when the worker scans
    run_once()
    # then the old time is offered, the new one is not
    slot = OpenSlot.objects.get()
    assert (slot.start, slot.provider_id) == (old_start, busy_visit.provider_id)
    assert SlotOffer.objects.filter(slot=slot).count() == 3
