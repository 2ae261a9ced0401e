"""List endpoints: what they show (only the caller's clinic), and a query count that does not
grow with the number of rows."""

from __future__ import annotations

import pytest

from medassist.frontdesk.services import check_in
from medassist.intake.services import rooming_complete, vitals_record
from medassist.practice.models import Location, Payer, Room, VisitType
from tests import factories
from tests.api.conftest import Api, free_provider, today_at


def _today_visits(front_desk, provider, n: int) -> list:
    clinic = provider.clinic
    return [
        factories.book(
            front_desk,
            factories.make_patient(front_desk, last_name=f"Query{i}"),
            provider,
            start=today_at(clinic, 20 * i),
        )
        for i in range(n)
    ]


def _rows(kind: str, n: int, *, clinic, front_desk, medical_assistant, physician):
    """Make n rows for a list endpoint and return the path that lists them."""
    match kind:
        case "providers":
            for _ in range(n):
                free_provider(clinic)
            return "/api/practice/providers"
        case "visit-types":
            for i in range(n):
                VisitType.objects.create(
                    clinic=clinic, name=f"Type {i}", code=f"t{i}", duration_minutes=15
                )
            return "/api/practice/visit-types"
        case "locations":
            for i in range(n):
                Location.objects.create(clinic=clinic, name=f"Branch {i}")
            return "/api/practice/locations"
        case "rooms":
            location = Location.objects.get(clinic=clinic)
            for i in range(n):
                Room.objects.create(location=location, name=f"Extra {i}")
            return "/api/practice/rooms"
        case "payers":
            for i in range(n):
                Payer.objects.create(clinic=clinic, name=f"Payer {i}")
            return "/api/practice/payers"
        case "patients":
            for i in range(n):
                factories.make_patient(front_desk, last_name=f"Query{i}")
            return "/api/patients/search"
        case "coverages":
            patient = factories.make_patient(front_desk)
            for _ in range(n):
                factories.add_coverage(front_desk, patient)
            return f"/api/patients/{patient.public_id}/coverages"
        case "appointments" | "board":
            _today_visits(front_desk, free_provider(clinic), n)
            if kind == "board":
                return "/api/visits/board"
            return f"/api/appointments?date={today_at(clinic, 0).date()}"
        case "worklist":
            location = Location.objects.get(clinic=clinic)
            for i, appt in enumerate(_today_visits(front_desk, physician.provider, n)):
                check_in(
                    actor=front_desk, appointment=appt, demographics_confirmed=True, self_pay=True
                )
                room = Room.objects.create(location=location, name=f"Bay {i}")
                rooming_complete(
                    actor=medical_assistant,
                    appointment=appt,
                    room=room,
                    reason_for_visit="Check-up",
                    vitals={"pulse": 70 + i},
                )
            return "/api/intake/worklist"
        case "vitals":
            appt = _today_visits(front_desk, free_provider(clinic), 1)[0]
            check_in(actor=front_desk, appointment=appt, demographics_confirmed=True, self_pay=True)
            for i in range(n):
                vitals_record(actor=medical_assistant, appointment=appt, pulse=60 + i)
            return f"/api/intake/{appt.public_id}/vitals"
    raise AssertionError(kind)


# The most queries each list may take, whatever its length: the request's savepoint, token
# look-up and last-use stamp, the rows (related rows joined or prefetched), and the audit events
# of the patients shown (those not already recorded within the repeat window: one look-up) written
# in one insert inside its own savepoint.
MAX_QUERIES = {
    "providers": 6,
    "visit-types": 5,
    "locations": 5,
    "rooms": 5,
    "payers": 5,
    "patients": 9,
    "coverages": 9,
    "appointments": 9,
    "board": 9,
    "worklist": 12,
    "vitals": 9,
}
EXPECTED_ROWS = {"visit-types": 2, "rooms": 3, "locations": 1, "payers": 1, "providers": 1}
SEARCHES = {"patients": {"q": "query"}}  # searches are POSTed: a name in a URL stays in logs
CALLER = {"worklist": "physician", "vitals": "medical_assistant"}


@pytest.mark.parametrize("n", [1, 10])
@pytest.mark.parametrize("kind", list(MAX_QUERIES))
def test_a_list_takes_the_same_number_of_queries_for_1_and_10_rows(
    kind, n, cast, clinic, django_assert_max_num_queries
):
    # given
    path = _rows(
        kind,
        n,
        clinic=clinic,
        front_desk=cast["front_desk"],
        medical_assistant=cast["medical_assistant"],
        physician=cast["physician"],
    )
    api = Api(cast[CALLER.get(kind, "front_desk")])
    # when
    with django_assert_max_num_queries(MAX_QUERIES[kind]):
        if kind in SEARCHES:
            response = api.post(path, SEARCHES[kind])
        else:
            response = api.client.get(path, headers=api.headers)
    # then
    assert response.status_code == 200, response.content
    assert len(response.json()) == n + EXPECTED_ROWS.get(kind, 0)


def test_lists_show_only_the_callers_clinic(cast, patient, clinic, other_clinic):
    # given: the cast's clinic has a patient, a booked visit today, and its own set-up
    provider = free_provider(clinic)
    factories.book(cast["front_desk"], patient, provider, start=today_at(clinic, 0))
    api = Api(cast["other_clinic_physician"])
    day = today_at(clinic, 0).date().isoformat()
    # when / then
    names = {p["display_name"] for p in api.get("/api/practice/providers").json()}
    assert names == {"Olga Other, MD"}
    assert [loc["name"] for loc in api.get("/api/practice/locations").json()] == [
        "Harbor Pediatrics Main"
    ]
    assert api.post("/api/patients/search", {"q": "Reyes"}).json() == []
    assert api.get("/api/appointments", date=day).json() == []
    assert api.get("/api/visits/board").json() == []
    assert api.get("/api/intake/worklist").json() == []


def test_the_day_schedule_filters_by_provider_and_location(cast, patient, clinic):
    # given: two providers with a visit each today
    a, b = free_provider(clinic), free_provider(clinic)
    visit_a = factories.book(cast["front_desk"], patient, a, start=today_at(clinic, 0))
    factories.book(
        cast["front_desk"], factories.make_patient(cast["front_desk"]), b, start=today_at(clinic, 0)
    )
    api = Api(cast["front_desk"])
    day = today_at(clinic, 0).date().isoformat()
    location = Location.objects.get(clinic=clinic)
    # when
    only_a = api.get("/api/appointments", date=day, provider=str(a.public_id)).json()
    at_location = api.get("/api/appointments", date=day, location=str(location.public_id)).json()
    # then
    assert [v["id"] for v in only_a] == [str(visit_a.public_id)]
    assert len(at_location) == 2
    assert only_a[0]["start"] == today_at(clinic, 0).isoformat()


def test_the_board_shows_minutes_in_status_and_the_worklist_the_reason_and_vitals(
    cast, patient, clinic
):
    # given: a visit of the physician's, checked in and roomed with vitals
    appt = factories.book(
        cast["front_desk"], patient, cast["physician"].provider, start=today_at(clinic, 0)
    )
    check_in(actor=cast["front_desk"], appointment=appt, demographics_confirmed=True, self_pay=True)
    rooming_complete(
        actor=cast["medical_assistant"],
        appointment=appt,
        room=Room.objects.filter(location__clinic=clinic).first(),
        reason_for_visit="Ear pain",
        vitals={"spo2": 88},
    )
    # when
    board = Api(cast["medical_assistant"]).get("/api/visits/board").json()
    worklist = Api(cast["physician"]).get("/api/intake/worklist").json()
    # then
    assert [(b["id"], b["status"], b["minutes_in_status"]) for b in board] == [
        (str(appt.public_id), "roomed", 0)
    ]
    assert worklist[0]["reason_for_visit"] == "Ear pain"
    assert worklist[0]["latest_vitals"]["spo2"] == 88
    assert worklist[0]["latest_vitals"]["flags"][0]["critical"] is True


def test_patient_search_without_a_query_lists_nobody(front_desk, patient):
    response = Api(front_desk).get("/api/patients")
    assert response.status_code == 200
    assert response.json() == []
