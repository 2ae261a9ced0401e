"""Every endpoint × every member of the cast (and anonymous), with token auth: the exact status,
and a refused request leaves every record as it was."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from medassist.practice.models import Location, Payer, Room, VisitType
from tests import factories
from tests.api.conftest import Api, snapshot, today_at

ROLES = [*factories.STAFF_ROLES, "other_clinic_physician", None]  # None: nobody logged in
ALL_STAFF = {"front_desk", "medical_assistant", "physician", "biller", "clinic_admin"}


@dataclass
class Case:
    name: str
    method: str
    allowed: set[str]
    ok: int = 200
    # What another clinic's physician gets: 404 for this clinic's records, 200 for lists they
    # may read (scoped to their own clinic), 403 where their role is refused before any lookup.
    other_clinic: int = 404
    write: bool = False
    setup: str = "none"
    extra: dict = field(default_factory=dict)
    # roles whose role allows the act but whose scope of practice does not (the cast's MA has
    # no training records): 403 with code scope_refused, not permission_denied
    scope_refused: set[str] = field(default_factory=set)


def _path_and_body(case: Case, w: dict):
    patient, appt = w["patient"], w.get("appt")
    pid = patient.public_id
    match case.name:
        case "providers" | "visit-types" | "locations" | "rooms" | "payers":
            return f"/api/practice/{case.name}", None
        case "patient_search":
            return "/api/patients/search", {"q": "Reyes"}
        case "patient_register":
            return "/api/patients", {
                "first_name": "Lena",
                "last_name": "Okafor",
                "date_of_birth": "1972-11-02",
                "sex": "F",
            }
        case "patient_get":
            return f"/api/patients/{pid}", None
        case "patient_patch":
            return f"/api/patients/{pid}", {"preferred_name": "Jo"}
        case "coverage_list":
            return f"/api/patients/{pid}/coverages", None
        case "coverage_add":
            return f"/api/patients/{pid}/coverages", {
                "payer": str(w["payer"].public_id),
                "member_id": "ZZ998877",
                "priority": 2,
                "copay": "10.00",
            }
        case "coverage_patch":
            cov = patient.coverages.first()
            return f"/api/patients/{pid}/coverages/{cov.public_id}", {"group_number": "G-2"}
        case "appointment_list":
            return f"/api/appointments?date={w['today']}", None
        case "appointment_book":
            return "/api/appointments", {
                "patient": str(pid),
                "provider": str(w["provider"].public_id),
                "visit_type": str(w["visit_type"].public_id),
                "location": str(w["location"].public_id),
                "start": factories.next_slot(patient.clinic, hours_ahead=3).isoformat(),
                "note": "",
            }
        case "appointment_get":
            return f"/api/appointments/{appt.public_id}", None
        case "cancel":
            return f"/api/appointments/{appt.public_id}/cancel", {"reason": "Patient called"}
        case "no_show":
            return f"/api/appointments/{appt.public_id}/no-show", None
        case "start_visit":
            return f"/api/appointments/{appt.public_id}/start-visit", None
        case "check_in":
            return f"/api/visits/{appt.public_id}/check-in", {
                "demographics_confirmed": True,
                "self_pay": True,
            }
        case "check_out":
            return f"/api/visits/{appt.public_id}/check-out", {"follow_up": "2 weeks"}
        case "board":
            return "/api/visits/board", None
        case "room":
            return f"/api/intake/{appt.public_id}/room", {
                "room": str(w["room"].public_id),
                "reason_for_visit": "Sore throat",
                "vitals": {"pulse": 80},
            }
        case "vitals_record":
            return f"/api/intake/{appt.public_id}/vitals", {"pulse": 72, "spo2": 98}
        case "vitals_list":
            return f"/api/intake/{appt.public_id}/vitals", None
        case "worklist":
            return "/api/intake/worklist", None
        case "immunization_given_here" | "immunization_reported":
            return f"/api/records/patients/{pid}/immunizations", {
                "cvx_code": "140",
                "occurrence_date": w["today"],
                "lot_number": "FLU1",
                "primary_source": case.name == "immunization_given_here",
            }
    raise AssertionError(case.name)


READ_EVERYONE = dict(allowed=ALL_STAFF, other_clinic=200)
CASES = [
    Case("providers", "GET", **READ_EVERYONE),
    Case("visit-types", "GET", **READ_EVERYONE),
    Case("locations", "GET", **READ_EVERYONE),
    Case("rooms", "GET", **READ_EVERYONE),
    Case("payers", "GET", **READ_EVERYONE),
    Case("patient_search", "POST", **READ_EVERYONE),
    Case(
        "patient_register",
        "POST",
        {"front_desk", "clinic_admin"},
        ok=201,
        other_clinic=403,
        write=True,
    ),
    Case("patient_get", "GET", ALL_STAFF),
    Case("patient_patch", "PATCH", {"front_desk", "medical_assistant", "clinic_admin"}, write=True),
    Case("coverage_list", "GET", ALL_STAFF),
    Case("coverage_add", "POST", {"front_desk", "biller", "clinic_admin"}, ok=201, write=True),
    Case("coverage_patch", "PATCH", {"front_desk", "biller", "clinic_admin"}, write=True),
    Case("appointment_list", "GET", **READ_EVERYONE),
    Case(
        "appointment_book",
        "POST",
        {"front_desk", "medical_assistant", "clinic_admin"},
        ok=201,
        write=True,
    ),
    Case("appointment_get", "GET", ALL_STAFF, setup="booked"),
    Case("cancel", "POST", {"front_desk", "clinic_admin"}, write=True, setup="booked"),
    Case("no_show", "POST", {"front_desk", "clinic_admin"}, write=True, setup="past"),
    Case("start_visit", "POST", {"physician", "medical_assistant"}, write=True, setup="roomed"),
    Case("check_in", "POST", {"front_desk", "clinic_admin"}, write=True, setup="booked"),
    Case("check_out", "POST", {"front_desk", "clinic_admin"}, write=True, setup="with_provider"),
    Case(
        "board",
        "GET",
        {"front_desk", "medical_assistant", "physician", "clinic_admin"},
        other_clinic=200,
    ),
    Case("room", "POST", {"medical_assistant", "physician"}, write=True, setup="arrived"),
    Case(
        "vitals_record",
        "POST",
        {"medical_assistant", "physician"},
        ok=201,
        write=True,
        setup="arrived",
    ),
    Case(
        "vitals_list",
        "GET",
        {"medical_assistant", "physician", "clinic_admin", "front_desk"},
        setup="arrived",
    ),
    Case("worklist", "GET", {"physician"}, other_clinic=200),
    # a vaccine recorded as given here is giving a vaccine: the scope task, not just chart.edit
    Case(
        "immunization_given_here",
        "POST",
        {"physician"},
        ok=201,
        write=True,
        scope_refused={"medical_assistant"},
    ),
    Case(
        "immunization_reported",
        "POST",
        {"medical_assistant", "physician"},
        ok=201,
        write=True,
    ),
]


def expected_status(case: Case, role: str | None) -> int:
    if role is None:
        return 401
    if role == "other_clinic_physician":
        return case.other_clinic
    return case.ok if role in case.allowed else 403


@pytest.fixture
def world(cast, patient, provider, clinic, visit_in):
    def build(setup: str) -> dict:
        w = {
            "patient": patient,
            "provider": provider,
            "visit_type": VisitType.objects.get(clinic=clinic, code="follow-up"),
            "location": Location.objects.get(clinic=clinic),
            "room": Room.objects.filter(location__clinic=clinic).first(),
            "payer": Payer.objects.get(clinic=clinic),
            "today": today_at(clinic, 0).date().isoformat(),
        }
        if setup == "past":
            w["appt"] = visit_in("booked", start=today_at(clinic, 0))
        elif setup != "none":
            w["appt"] = visit_in(setup)
        return w

    return build


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_endpoint_answers_each_role_with_the_exact_status_and_refusals_change_nothing(
    case, role, cast, world
):
    # given
    w = world(case.setup)
    path, body = _path_and_body(case, w)
    api = Api(cast[role] if role else None)
    before = snapshot()
    expected = expected_status(case, role)
    # when
    response = api.call(case.method, path, body)
    # then
    assert response.status_code == expected, response.content
    if expected >= 400:
        code = {401: "not_authenticated", 403: "permission_denied", 404: "not_found"}[expected]
        if role in case.scope_refused:
            code = "scope_refused"
        assert response.json()["code"] == code
        assert snapshot() == before
    elif case.write:
        assert snapshot() != before
