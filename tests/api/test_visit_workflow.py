"""A whole visit through the API: register → coverage → book → check in → room with vitals →
start visit → check out, each step audited with the caller's address."""

from __future__ import annotations

import uuid
from datetime import datetime

from medassist.audit.models import AuditEvent
from medassist.practice.models import Location, Payer, Room, VisitType
from tests import factories
from tests.api.conftest import Api


def _events_since(last_id: int) -> list[tuple[str, str, str]]:
    rows = AuditEvent.objects.filter(id__gt=last_id).order_by("id")
    assert rows, "the step wrote no audit event"
    assert {(e.client_address, e.channel) for e in rows} == {("127.0.0.1", "api")}
    return sorted((e.action, e.object_type, e.actor_username) for e in rows)


def _ids_are_uuids(value, path="") -> None:
    """No integer key leaves the server: every id in a response is a UUID."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "id" or (key.endswith("_id") and key not in {"member_id", "payer_id"}):
                assert isinstance(item, str) and uuid.UUID(item), f"{path}.{key}={item!r}"
            _ids_are_uuids(item, f"{path}.{key}")
    elif isinstance(value, list):
        for item in value:
            _ids_are_uuids(item, path)


def _last_event_id() -> int:
    last = AuditEvent.objects.order_by("-id").first()
    return last.id if last else 0


def test_a_whole_visit_runs_through_the_api_and_every_step_is_audited(
    front_desk, medical_assistant, physician, provider, clinic
):
    desk, ma, doctor = Api(front_desk), Api(medical_assistant), Api(physician)
    start = factories.slot_today(clinic, hours_ahead=2)

    # when: the front desk registers the patient
    mark = _last_event_id()
    response = desk.post(
        "/api/patients",
        {
            "first_name": "Lena",
            "last_name": "Okafor",
            "date_of_birth": "1972-11-02",
            "sex": "F",
            "phone_mobile": "(518) 555-0177",
            "state": "ny",
        },
    )
    # then
    assert response.status_code == 201, response.content
    patient = response.json()
    assert patient["mrn"].startswith("MF")
    assert patient["phone_mobile"] == "+15185550177"
    assert patient["state"] == "NY"
    assert patient["demographics_confirmed_at"] is None
    assert _events_since(mark) == [("create", "patients.Patient", "frontdesk")]

    # when: adds insurance
    mark = _last_event_id()
    payer = Payer.objects.get(clinic=clinic)
    response = desk.post(
        f"/api/patients/{patient['id']}/coverages",
        {"payer": str(payer.public_id), "member_id": "QX55501", "copay": "25"},
    )
    # then
    assert response.status_code == 201, response.content
    coverage = response.json()
    assert coverage["payer"] == {"id": str(payer.public_id), "name": "Acme Health"}
    assert coverage["copay"] == "25.00"
    assert coverage["subscriber_name"] == "Lena Okafor"
    assert coverage["verified_at"] is None
    assert _events_since(mark) == [("create", "patients.Coverage", "frontdesk")]

    # when: books a follow-up with the physician
    mark = _last_event_id()
    response = desk.post(
        "/api/appointments",
        {
            "patient": patient["id"],
            "provider": str(provider.public_id),
            "visit_type": str(VisitType.objects.get(clinic=clinic, code="follow-up").public_id),
            "location": str(Location.objects.get(clinic=clinic).public_id),
            "start": start.isoformat(),
            "note": "Bring medication list",
        },
    )
    # then
    assert response.status_code == 201, response.content
    appt = response.json()
    assert appt["status"] == "booked"
    assert datetime.fromisoformat(appt["start"]) == start
    assert appt["start"] == start.isoformat()  # clinic-local, with its UTC offset
    assert (datetime.fromisoformat(appt["end"]) - start).total_seconds() == 20 * 60
    assert appt["patient"]["id"] == patient["id"]
    assert appt["provider"]["name"] == provider.display_name
    assert appt["note"] == "Bring medication list"
    assert [h["to_status"] for h in appt["history"]] == ["booked"]
    assert _events_since(mark) == [("create", "scheduling.Appointment", "frontdesk")]
    appt_id = appt["id"]

    # when: checks the patient in, collecting the copay in cash
    mark = _last_event_id()
    response = desk.post(
        f"/api/visits/{appt_id}/check-in",
        {
            "demographics_confirmed": True,
            "coverage": coverage["id"],
            "copay_collected": "25.00",
            "payment_method": "cash",
        },
    )
    # then
    assert response.status_code == 200, response.content
    checked_in = response.json()
    assert checked_in["appointment"]["status"] == "arrived"
    assert checked_in["insurance_confirmed"] is True and checked_in["self_pay"] is False
    assert checked_in["coverage"] == coverage["id"]
    assert checked_in["copay_due"] == "25.00"
    assert checked_in["copay_collected"] == "25.00"
    assert checked_in["payment_method"] == "cash"
    assert checked_in["checked_in_by"] == "Fran Desk"
    assert _events_since(mark) == [
        ("create", "frontdesk.CheckIn", "frontdesk"),
        ("transition", "scheduling.Appointment", "frontdesk"),
        ("update", "patients.Coverage", "frontdesk"),
        ("update", "patients.Patient", "frontdesk"),
    ]

    # when: the medical assistant rooms the patient with vitals in US units
    mark = _last_event_id()
    room = Room.objects.filter(location__clinic=clinic).order_by("name").first()
    response = ma.post(
        f"/api/intake/{appt_id}/room",
        {
            "room": str(room.public_id),
            "reason_for_visit": "Cough for two weeks",
            "vitals": {
                "bp_systolic": 150,
                "bp_diastolic": 92,
                "pulse": 88,
                "temperature": 100.4,
                "temperature_unit": "F",
                "height": 65,
                "weight": 150,
            },
        },
    )
    # then
    assert response.status_code == 200, response.content
    rooming = response.json()
    assert rooming["appointment"]["status"] == "roomed"
    assert rooming["appointment"]["room"] == {"id": str(room.public_id), "name": room.name}
    assert rooming["room"]["id"] == str(room.public_id)
    assert rooming["reason_for_visit"] == "Cough for two weeks"
    vitals = rooming["vitals"]
    assert vitals["temperature_c"] == 38.0
    assert vitals["height_cm"] == 165.1
    assert vitals["weight_kg"] == 68.04
    assert vitals["bmi"] == 25.0
    assert {f["field"] for f in vitals["flags"]} == {"bp_systolic", "bp_diastolic", "temperature_c"}
    assert _events_since(mark) == [
        ("create", "intake.Rooming", "ma"),
        ("create", "intake.Vitals", "ma"),
        ("transition", "scheduling.Appointment", "ma"),
    ]
    listed = ma.get(f"/api/intake/{appt_id}/vitals").json()
    assert [v["id"] for v in listed] == [vitals["id"]]

    # when: the physician starts the visit
    mark = _last_event_id()
    response = doctor.post(f"/api/appointments/{appt_id}/start-visit")
    # then
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "with_provider"
    # (starting the visit opens its encounter in the chart: records.services.visit_start)
    assert _events_since(mark) == [
        ("create", "records.Encounter", "doctor"),
        ("transition", "scheduling.Appointment", "doctor"),
    ]

    # when: the front desk checks the patient out
    mark = _last_event_id()
    response = desk.post(
        f"/api/visits/{appt_id}/check-out",
        {"follow_up": "in 2 weeks", "note": "Recheck BP", "amount_collected": "0.00"},
    )
    # then
    assert response.status_code == 200, response.content
    checkout = response.json()
    assert checkout["appointment"]["status"] == "checked_out"
    assert checkout["follow_up"] == "in 2 weeks"
    assert checkout["amount_collected"] == "0.00"
    assert checkout["payment_method"] == ""
    assert _events_since(mark) == [
        ("create", "frontdesk.Checkout", "frontdesk"),
        ("transition", "scheduling.Appointment", "frontdesk"),
    ]

    # then: the appointment's history shows every step, who took it, and the read is audited
    mark = _last_event_id()
    detail = desk.get(f"/api/appointments/{appt_id}").json()
    assert [(h["from_status"], h["to_status"], h["by"]) for h in detail["history"]] == [
        ("", "booked", "Fran Desk"),
        ("booked", "arrived", "Fran Desk"),
        ("arrived", "roomed", "Maya Assist"),
        ("roomed", "with_provider", "Paul Osler"),
        ("with_provider", "checked_out", "Fran Desk"),
    ]
    assert _events_since(mark) == [("read", "scheduling.Appointment", "frontdesk")]
    patient_now = desk.get(f"/api/patients/{patient['id']}").json()
    assert patient_now["demographics_confirmed_at"] is not None
    coverage_now = desk.get(f"/api/patients/{patient['id']}/coverages").json()
    assert coverage_now[0]["verified_at"] is not None
    for body in (patient, coverage, appt, checked_in, rooming, checkout, detail, coverage_now):
        _ids_are_uuids(body)
