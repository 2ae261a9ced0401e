"""Every way to book or move a visit keeps the same rules, because each calls the one booking
service: a visit that needs a procedure room can't be booked when none is free, and a time
outside the provider's hours needs the override permission and a reason.

Entry points: the Book form, Find a slot, the calendar's move, the appointments API (book,
series, reschedule), the availability API, waitlist offers, the portal and FHIR."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.urls import reverse

from medassist.audit.models import AuditEvent
from medassist.availability.models import AvailabilityException
from medassist.booking.errors import SeriesConflict
from medassist.booking.services import (
    appointment_book,
    appointment_cancel,
    appointment_reschedule,
    series_book,
)
from medassist.core.errors import PermissionDenied
from medassist.portal.models import PortalSettings
from medassist.portal.services import portal_book
from medassist.scheduling.models import Appointment
from medassist.waitlist.services import offer_accept, waitlist_entry_add
from medassist.worker.loop import run_once
from tests import factories
from tests.api.conftest import Api
from tests.availability.conftest import at
from tests.fhir.conftest import Fhir
from tests.waitlist.conftest import offer_token


def booked(patient) -> int:
    return Appointment.objects.filter(patient=patient, status="booked").count()


def book_form(clinic, *, provider, visit_type, patient, day, hh, mm=0, **extra) -> dict:
    return {
        "patient": str(patient.public_id),
        "provider": str(provider.public_id),
        "visit_type": str(visit_type.public_id),
        "location": str(clinic.locations.first().public_id),
        "date": day.isoformat(),
        "time": f"{hh:02d}:{mm:02d}",
        "note": "",
        **extra,
    }


# ---------------------------------------------------------------------------- the service


def test_the_service_refuses_a_procedure_when_no_procedure_room_is_free(
    front_desk, clinic, templated, monday, patient, procedure, room_taken
):
    with pytest.raises(Exception, match="No Procedure room is free at 09:00") as refused:
        appointment_book(
            actor=front_desk,
            patient=patient,
            provider=templated,
            visit_type=procedure["visit_type"],
            start=at(clinic, monday, 9),
            location=clinic.locations.first(),
        )
    assert refused.value.code == "resource_taken" and refused.value.status == 409
    assert booked(patient) == 0


def test_outside_hours_needs_the_permission_and_a_reason_and_both_are_recorded(
    front_desk, medical_assistant, clinic, templated, monday, patient, follow_up
):
    evening = at(clinic, monday, 19)
    kwargs = dict(patient=patient, provider=templated, visit_type=follow_up, start=evening)
    # an MA may not book past hours at all
    with pytest.raises(PermissionDenied):
        appointment_book(
            actor=medical_assistant, outside_hours=True, override_reason="late", **kwargs
        )
    # the front desk may, with a reason
    with pytest.raises(Exception, match="Give a reason"):
        appointment_book(actor=front_desk, outside_hours=True, **kwargs)
    with pytest.raises(Exception, match="not seeing patients at 19:00"):
        appointment_book(actor=front_desk, **kwargs)
    assert booked(patient) == 0
    appt = appointment_book(
        actor=front_desk,
        outside_hours=True,
        override_reason="Only time the patient can come",
        location=clinic.locations.first(),
        **kwargs,
    )
    assert appt.changes.get().reason == "Only time the patient can come"
    event = AuditEvent.objects.filter(object_id=str(appt.public_id), action="create").first()
    assert event.detail["outside_hours"] is True
    assert event.detail["override_reason"] == "Only time the patient can come"


# ---------------------------------------------------------------------------- staff screens


def test_the_book_form_refuses_a_procedure_without_a_free_room(
    client, front_desk, clinic, templated, monday, patient, procedure, room_taken
):
    client.force_login(front_desk)
    response = client.post(
        reverse("scheduling:book"),
        book_form(
            clinic,
            provider=templated,
            visit_type=procedure["visit_type"],
            patient=patient,
            day=monday,
            hh=9,
        ),
    )
    assert response.status_code == 409
    assert "No Procedure room is free" in response.content.decode()
    assert booked(patient) == 0


def test_the_book_form_asks_for_the_override_and_its_reason_outside_hours(
    client, front_desk, medical_assistant, clinic, templated, monday, patient, follow_up
):
    form = book_form(
        clinic, provider=templated, visit_type=follow_up, patient=patient, day=monday, hh=18
    )
    client.force_login(medical_assistant)
    as_ma = client.post(
        reverse("scheduling:book"), {**form, "outside_hours": "on", "override_reason": "x"}
    )
    client.force_login(front_desk)
    plain = client.post(reverse("scheduling:book"), form)
    no_reason = client.post(reverse("scheduling:book"), {**form, "outside_hours": "on"})
    assert (as_ma.status_code, plain.status_code, no_reason.status_code) == (403, 422, 422)
    assert "not seeing patients at 18:00" in plain.content.decode()
    assert "Give a reason" in no_reason.content.decode()
    assert booked(patient) == 0
    done = client.post(
        reverse("scheduling:book"),
        {**form, "outside_hours": "on", "override_reason": "Works until 17:30"},
    )
    assert done.status_code == 302 and booked(patient) == 1


def test_find_a_slot_refuses_a_time_outside_hours(
    client, front_desk, clinic, templated, monday, patient, follow_up
):
    client.force_login(front_desk)
    response = client.post(
        reverse("booking:find_book"),
        {
            "patient": str(patient.public_id),
            "visit_type": str(follow_up.public_id),
            "provider": str(templated.public_id),
            "location": str(clinic.locations.first().public_id),
            "start": at(clinic, monday, 12, 15).isoformat(),
        },
    )
    assert response.status_code == 422
    assert "not seeing patients at 12:15" in response.content.decode()
    assert booked(patient) == 0


def test_a_calendar_move_outside_hours_is_refused(
    client, front_desk, clinic, templated, monday, patient, follow_up
):
    appt = appointment_book(
        actor=front_desk,
        patient=patient,
        provider=templated,
        visit_type=follow_up,
        start=at(clinic, monday, 9),
    )
    client.force_login(front_desk)
    back = reverse("scheduling:calendar")
    response = client.post(
        reverse("scheduling:move", args=[appt.public_id]),
        {"date": (monday + timedelta(days=5)).isoformat(), "time": "09:00", "from": "calendar"},
        QUERY_STRING=f"next={back}",
    )
    appt.refresh_from_db()
    assert response.status_code == 302
    assert appt.start == at(clinic, monday, 9)
    assert appt.moves.count() == 0


# ---------------------------------------------------------------------------- the API


def test_the_appointments_api_keeps_hours_and_rooms(
    front_desk, clinic, templated, monday, patient, procedure, room_taken, follow_up
):
    api = Api(front_desk)
    body = {
        "patient": str(patient.public_id),
        "provider": str(templated.public_id),
        "location": str(clinic.locations.first().public_id),
    }
    room = api.post(
        "/api/appointments",
        {
            **body,
            "visit_type": str(procedure["visit_type"].public_id),
            "start": at(clinic, monday, 9).isoformat(),
        },
    )
    late = {**body, "visit_type": str(follow_up.public_id)}
    late["start"] = at(clinic, monday, 20).isoformat()
    closed = api.post("/api/appointments", late)
    no_reason = api.post("/api/appointments", {**late, "outside_hours": True})
    assert (room.status_code, room.json()["code"]) == (409, "resource_taken")
    assert (closed.status_code, closed.json()["code"]) == (422, "not_open")
    assert (no_reason.status_code, no_reason.json()["code"]) == (422, "override_reason_required")
    assert booked(patient) == 0
    ok = api.post(
        "/api/appointments", {**late, "outside_hours": True, "override_reason": "Evening clinic"}
    )
    assert ok.status_code == 201 and booked(patient) == 1


def test_the_availability_booking_api_keeps_hours_and_rooms(
    front_desk, clinic, templated, monday, patient, procedure, room_taken, follow_up
):
    api = Api(front_desk)
    body = {"patient": str(patient.public_id), "provider": str(templated.public_id)}
    room = api.post(
        "/api/availability/book",
        {
            **body,
            "visit_type": str(procedure["visit_type"].public_id),
            "start": at(clinic, monday, 9).isoformat(),
        },
    )
    closed = api.post(
        "/api/availability/book",
        {
            **body,
            "visit_type": str(follow_up.public_id),
            "start": at(clinic, monday, 12, 30).isoformat(),
        },
    )
    assert (room.status_code, room.json()["code"]) == (409, "resource_taken")
    assert (closed.status_code, closed.json()["code"]) == (422, "not_open")
    assert booked(patient) == 0


def test_a_series_refuses_dates_outside_hours_and_books_none(
    front_desk, clinic, templated, monday, patient, follow_up
):
    # weekly on Fridays at 16:45 for 30 minutes runs past the 17:00 close every time
    friday = monday + timedelta(days=4)
    with pytest.raises(SeriesConflict, match="outside .*hours"):
        series_book(
            actor=front_desk,
            patient=patient,
            provider=templated,
            visit_type=follow_up,
            location=clinic.locations.first(),
            first_date=friday,
            local_time=time(16, 45),
            count=3,
        )
    response = Api(front_desk).post(
        "/api/appointments/series",
        {
            "patient": str(patient.public_id),
            "provider": str(templated.public_id),
            "visit_type": str(follow_up.public_id),
            "location": str(clinic.locations.first().public_id),
            "first_date": monday.isoformat(),
            "local_time": "12:15",
            "count": 2,
        },
    )
    assert (response.status_code, response.json()["code"]) == (409, "series_conflict")
    assert booked(patient) == 0


def test_rescheduling_outside_hours_needs_the_override(
    front_desk, medical_assistant, clinic, templated, monday, patient, follow_up
):
    appt = appointment_book(
        actor=front_desk,
        patient=patient,
        provider=templated,
        visit_type=follow_up,
        start=at(clinic, monday, 9),
    )
    path = f"/api/appointments/{appt.public_id}/reschedule"
    saturday_at_9 = at(clinic, monday + timedelta(days=5), 9)
    saturday = saturday_at_9.isoformat()
    closed = Api(front_desk).post(path, {"start": saturday})
    as_ma = Api(medical_assistant).post(
        path, {"start": saturday, "outside_hours": True, "reason": "x"}
    )
    appt.refresh_from_db()
    assert (closed.status_code, closed.json()["code"]) == (422, "not_open")
    assert as_ma.status_code == 403
    assert appt.start == at(clinic, monday, 9)
    moved = Api(front_desk).post(
        path, {"start": saturday, "outside_hours": True, "reason": "Saturday clinic"}
    )
    appt.refresh_from_db()
    assert moved.status_code == 200 and appt.start == saturday_at_9


def test_a_moved_procedure_needs_a_free_room_at_the_new_time(
    front_desk, clinic, templated, monday, patient, procedure, room_taken
):
    appt = appointment_book(
        actor=front_desk,
        patient=patient,
        provider=templated,
        visit_type=procedure["visit_type"],
        start=at(clinic, monday, 10),
    )
    with pytest.raises(Exception, match="Procedure room") as refused:
        appointment_reschedule(actor=front_desk, appointment=appt, start=at(clinic, monday, 9))
    appt.refresh_from_db()
    assert refused.value.code == "resource_taken"
    assert appt.start == at(clinic, monday, 10)


# ---------------------------------------------------------------------------- patients' paths


def test_a_waitlist_offer_is_not_booked_once_the_provider_is_off_that_day(
    front_desk, clinic, templated, monday, patient, follow_up, settings, tmp_path
):
    settings.MEDASSIST_SMS_DIR = str(tmp_path / "sms")
    settings.MEDASSIST_SMS_SENDER = "medassist.reminders.senders.FileSender"
    visit = appointment_book(
        actor=front_desk,
        patient=patient,
        provider=templated,
        visit_type=follow_up,
        start=at(clinic, monday, 9),
    )
    waiting = factories.make_patient(front_desk, first_name="Avery")
    waitlist_entry_add(
        actor=front_desk,
        patient=waiting,
        visit_type=follow_up,
        earliest_date=monday - timedelta(days=7),
        latest_date=monday + timedelta(days=7),
    )
    appointment_cancel(actor=front_desk, appointment=visit, reason="Patient called")
    run_once()
    from medassist.reminders.models import Message

    offer = Message.objects.filter(patient=waiting).first()
    # the provider takes the day off before the patient answers
    AvailabilityException.objects.create(
        clinic=clinic, provider=templated, start_date=monday, end_date=monday, reason="Sick"
    )
    result = offer_accept(token=offer_token(offer))
    assert not result.ok
    assert booked(waiting) == 0


def test_the_portal_books_only_inside_hours(clinic, templated, monday, patient, follow_up):
    settings = PortalSettings.objects.create(
        clinic=clinic, enabled=True, min_days_ahead=1, max_days_ahead=60, link_valid_days=14
    )
    settings.visit_types.add(follow_up)
    location = clinic.locations.first()
    key = f"{templated.public_id}|{location.public_id}|{at(clinic, monday, 12, 15).isoformat()}"
    with pytest.raises(Exception, match="not seeing patients") as refused:
        portal_book(patient=patient, visit_type=follow_up, slot_key=key)
    assert refused.value.code == "not_open"
    assert booked(patient) == 0


def test_fhir_appointment_create_keeps_hours_and_rooms(
    front_desk, clinic, templated, monday, patient, procedure, room_taken
):
    def body(code: str, start) -> dict:
        return {
            "resourceType": "Appointment",
            "status": "booked",
            "appointmentType": {
                "coding": [
                    {"system": f"urn:medassist:clinic:{clinic.public_id}:visit-type", "code": code}
                ]
            },
            "start": start.isoformat(),
            "participant": [
                {"actor": {"reference": f"Patient/{patient.public_id}"}, "status": "accepted"},
                {
                    "actor": {"reference": f"Practitioner/{templated.public_id}"},
                    "status": "accepted",
                },
            ],
        }

    api = Fhir(front_desk)
    room = api.post("/Appointment", body("procedure-x", at(clinic, monday, 9)))
    closed = api.post("/Appointment", body("follow-up", at(clinic, monday, 21)))
    assert room.status_code == 409
    assert closed.status_code == 422
    assert booked(patient) == 0
