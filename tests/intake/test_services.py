"""intake.services: rooming a visit and recording vitals; refusals write nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from medassist.audit.models import AuditEvent
from medassist.core.errors import PermissionDenied, ValidationFailed
from medassist.intake.models import Rooming, Vitals
from medassist.intake.services import RoomOccupied, rooming_complete, vitals_record
from medassist.practice.models import Room
from medassist.scheduling.models import Appointment
from medassist.scheduling.services import IllegalTransition, appointment_transition
from tests import factories

FEVER_VITALS = {
    "bp_systolic": "150",
    "bp_diastolic": "95",
    "pulse": "88",
    "respiratory_rate": "16",
    "temperature": "101.3",
    "temperature_unit": "F",
    "spo2": "97",
    "height": "70",
    "height_unit": "in",
    "weight": "180",
    "weight_unit": "lb",
    "pain": "3",
}


def test_rooming_puts_the_patient_in_the_room_with_reason_and_metric_vitals(
    medical_assistant, arrived, rooms
):
    # when
    rooming = rooming_complete(
        actor=medical_assistant,
        appointment=arrived,
        room=rooms[1],
        reason_for_visit="  Cough for two weeks  ",
        vitals=FEVER_VITALS,
    )
    # then
    arrived.refresh_from_db()
    assert arrived.status == "roomed" and arrived.room == rooms[1]
    assert rooming.reason_for_visit == "Cough for two weeks"
    assert rooming.roomed_by == medical_assistant
    vitals = Vitals.objects.get(appointment=arrived)
    assert vitals.temperature_c == Decimal("38.5")
    assert vitals.height_cm == Decimal("177.8")
    assert vitals.weight_kg == Decimal("81.65")
    assert vitals.bmi == Decimal("25.8")
    assert {f["field"] for f in vitals.flags} == {"bp_systolic", "bp_diastolic", "temperature_c"}
    assert not vitals.has_critical


def test_rooming_without_any_reading_records_no_vitals(medical_assistant, arrived, rooms):
    blank = {k: "" for k in FEVER_VITALS} | {
        "temperature_unit": "F",
        "height_unit": "in",
        "weight_unit": "lb",
    }
    rooming_complete(
        actor=medical_assistant,
        appointment=arrived,
        room=rooms[0],
        reason_for_visit="Refill",
        vitals=blank,
    )
    assert Rooming.objects.count() == 1
    assert Vitals.objects.count() == 0


def test_rooming_into_an_occupied_room_is_refused_and_writes_nothing(
    medical_assistant, front_desk, roomed, rooms, provider
):
    # given
    second = factories.book(
        front_desk, factories.make_patient(front_desk), provider, start=roomed.end
    )
    appointment_transition(actor=front_desk, appointment=second, to_status="arrived")
    roomings, events = (
        Rooming.objects.count(),
        AuditEvent.objects.exclude(action=AuditEvent.Action.REFUSED).count(),
    )
    # when
    with pytest.raises(RoomOccupied) as err:
        rooming_complete(
            actor=medical_assistant,
            appointment=second,
            room=rooms[0],
            reason_for_visit="Rash",
            vitals={"pulse": "80"},
        )
    # then
    assert err.value.code == "room_occupied"
    assert "occupied" in err.value.message and err.value.errors == {"room": [err.value.message]}
    second.refresh_from_db()
    assert second.status == "arrived" and second.room is None
    assert Rooming.objects.count() == roomings
    assert Vitals.objects.count() == 0
    assert AuditEvent.objects.exclude(action=AuditEvent.Action.REFUSED).count() == events


def test_a_room_is_free_again_once_its_visit_is_checked_out(
    medical_assistant, physician, front_desk, roomed, rooms, provider
):
    # given
    appointment_transition(actor=physician, appointment=roomed, to_status="with_provider")
    appointment_transition(actor=front_desk, appointment=roomed, to_status="checked_out")
    second = factories.book(
        front_desk, factories.make_patient(front_desk), provider, start=roomed.end
    )
    appointment_transition(actor=front_desk, appointment=second, to_status="arrived")
    # when
    rooming_complete(
        actor=medical_assistant, appointment=second, room=rooms[0], reason_for_visit="Rash"
    )
    # then
    second.refresh_from_db()
    assert second.room == rooms[0] and second.status == "roomed"


@pytest.mark.parametrize("status", ["booked", "roomed"])
def test_rooming_a_visit_that_is_not_arrived_is_refused_and_writes_nothing(
    medical_assistant, front_desk, appointment, rooms, status
):
    # given
    if status == "roomed":
        appointment_transition(actor=front_desk, appointment=appointment, to_status="arrived")
        rooming_complete(
            actor=medical_assistant, appointment=appointment, room=rooms[0], reason_for_visit="x"
        )
    roomings = Rooming.objects.count()
    # when
    with pytest.raises(IllegalTransition):
        rooming_complete(
            actor=medical_assistant,
            appointment=Appointment.objects.get(pk=appointment.pk),
            room=rooms[1],
            reason_for_visit="Again",
            vitals={"pulse": "70"},
        )
    # then
    fresh = Appointment.objects.get(pk=appointment.pk)
    assert fresh.status == status
    assert Rooming.objects.count() == roomings
    assert Vitals.objects.count() == 0


@pytest.mark.parametrize(
    "reading, field",
    [
        ({"temperature": "200", "temperature_unit": "F"}, "temperature_c"),
        ({"temperature": "98.6", "temperature_unit": "K"}, "temperature_unit"),
        ({"bp_systolic": "80", "bp_diastolic": "120"}, "bp_diastolic"),
        ({"pulse": "abc"}, "pulse"),
        ({"weight": "2000", "weight_unit": "lb"}, "weight_kg"),
        ({"spo2": "101"}, "spo2"),
        ({"pain": "11"}, "pain"),
    ],
)
def test_impossible_vitals_refuse_the_whole_rooming_and_leave_nothing_written(
    medical_assistant, arrived, rooms, reading, field
):
    # given
    changes = arrived.changes.count()
    # when
    with pytest.raises(ValidationFailed) as err:
        rooming_complete(
            actor=medical_assistant,
            appointment=arrived,
            room=rooms[0],
            reason_for_visit="Dizzy",
            vitals=reading,
        )
    # then
    assert field in err.value.errors
    fresh = Appointment.objects.get(pk=arrived.pk)
    assert fresh.status == "arrived" and fresh.room is None
    assert fresh.changes.count() == changes
    assert Rooming.objects.count() == 0
    assert Vitals.objects.count() == 0


def test_rooming_needs_the_reason_in_the_patients_words(medical_assistant, arrived, rooms):
    with pytest.raises(ValidationFailed) as err:
        rooming_complete(
            actor=medical_assistant, appointment=arrived, room=rooms[0], reason_for_visit="  "
        )
    assert "reason_for_visit" in err.value.errors
    assert Appointment.objects.get(pk=arrived.pk).status == "arrived"


def test_rooming_into_another_clinics_room_is_refused(medical_assistant, arrived, other_clinic):
    foreign = Room.objects.filter(location__clinic=other_clinic).first()
    with pytest.raises(ValidationFailed) as err:
        rooming_complete(
            actor=medical_assistant, appointment=arrived, room=foreign, reason_for_visit="x"
        )
    assert "room" in err.value.errors
    assert Rooming.objects.count() == 0


def test_rooming_into_a_room_at_another_location_is_refused(medical_assistant, arrived, clinic):
    # given a second location of the same clinic, with its own room
    from medassist.practice.models import Location

    elsewhere = Location.objects.create(clinic=clinic, name="Riverside annex")
    far_room = Room.objects.create(location=elsewhere, name="Annex 1")
    # when
    with pytest.raises(ValidationFailed) as err:
        rooming_complete(
            actor=medical_assistant, appointment=arrived, room=far_room, reason_for_visit="cough"
        )
    # then
    assert "Riverside annex" in err.value.errors["room"][0]
    assert Rooming.objects.count() == 0
    assert Appointment.objects.get(pk=arrived.pk).status == "arrived"


def test_rooming_into_a_room_out_of_service_is_refused(medical_assistant, arrived, rooms):
    # given
    Room.objects.filter(pk=rooms[0].pk).update(active=False)
    rooms[0].refresh_from_db()
    # when
    with pytest.raises(ValidationFailed) as err:
        rooming_complete(
            actor=medical_assistant, appointment=arrived, room=rooms[0], reason_for_visit="cough"
        )
    # then
    assert "out of service" in err.value.errors["room"][0]
    assert Rooming.objects.count() == 0


@pytest.mark.parametrize("role", ["front_desk", "biller", "clinic_admin"])
def test_only_clinical_staff_may_room(role, cast, arrived, rooms):
    with pytest.raises(PermissionDenied):
        rooming_complete(actor=cast[role], appointment=arrived, room=rooms[0], reason_for_visit="x")
    assert Rooming.objects.count() == 0


def test_vitals_record_adds_a_set_with_flags(physician, roomed):
    # when
    vitals = vitals_record(
        actor=physician, appointment=roomed, bp_systolic="190", bp_diastolic="100", spo2="88"
    )
    # then
    assert vitals.recorded_by == physician and vitals.patient == roomed.patient
    flagged = {f["field"]: f["critical"] for f in vitals.flags}
    assert flagged == {"bp_systolic": True, "bp_diastolic": False, "spo2": True}


@pytest.mark.parametrize("status", ["booked", "cancelled"])
def test_vitals_only_for_a_patient_in_the_clinic(
    medical_assistant, front_desk, appointment, status
):
    if status == "cancelled":
        appointment_transition(
            actor=front_desk, appointment=appointment, to_status="cancelled", reason="Ill"
        )
    with pytest.raises(ValidationFailed) as err:
        vitals_record(actor=medical_assistant, appointment=appointment, pulse="70")
    assert "in the clinic" in err.value.message
    assert Vitals.objects.count() == 0


def test_impossible_vitals_record_nothing(medical_assistant, arrived):
    with pytest.raises(ValidationFailed) as err:
        vitals_record(
            actor=medical_assistant,
            appointment=arrived,
            temperature="45.5",
            temperature_unit="C",
            height="300",
            height_unit="cm",
        )
    assert set(err.value.errors) == {"temperature_c", "height_cm"}
    assert Vitals.objects.count() == 0


def test_an_empty_set_of_vitals_is_refused(medical_assistant, arrived):
    with pytest.raises(ValidationFailed, match="at least one"):
        vitals_record(actor=medical_assistant, appointment=arrived, pulse="", spo2=None)
    assert Vitals.objects.count() == 0


@pytest.mark.parametrize("role", ["front_desk", "biller", "clinic_admin"])
def test_only_clinical_staff_record_vitals(role, cast, arrived):
    with pytest.raises(PermissionDenied):
        vitals_record(actor=cast[role], appointment=arrived, pulse="70")
    assert Vitals.objects.count() == 0


def test_vitals_for_another_clinics_visit_are_refused(other_clinic_physician, arrived):
    with pytest.raises(ValidationFailed):
        vitals_record(actor=other_clinic_physician, appointment=arrived, pulse="70")
    assert Vitals.objects.count() == 0
