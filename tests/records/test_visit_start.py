"""The doctor's path: the worklist opens the chart for the visit, and starting the visit (one
service, records.services.visit_start, behind the worklist, the visit page, the flow board and
the API) opens the visit's encounter with the reason for visit from rooming."""

from __future__ import annotations

import ast
from datetime import datetime, time
from pathlib import Path

import pytest
from django.urls import reverse

from medassist.core.errors import PermissionDenied
from medassist.intake.models import Rooming, Vitals
from medassist.intake.services import rooming_complete
from medassist.practice.models import Room
from medassist.records import services
from medassist.records.models import ChartHistory, Encounter
from medassist.scheduling.errors import IllegalTransition
from medassist.scheduling.models import Appointment, StatusChange
from medassist.scheduling.selectors import clinic_today
from medassist.scheduling.services import appointment_transition
from tests import factories

ROLES = ["anonymous", *factories.STAFF_ROLES, "other_clinic_physician"]
REASON = "My knee hurts when I climb stairs"
START_POST = {
    "anonymous": 302,
    "front_desk": 403,
    "medical_assistant": 302,
    "physician": 302,
    "biller": 403,
    "clinic_admin": 403,
    "other_clinic_physician": 404,
}


@pytest.fixture
def actor(cast):
    def pick(role: str):
        return None if role == "anonymous" else cast[role]

    return pick


@pytest.fixture
def snapshot(db):
    """Everything a refused start must leave as it was."""

    def take():
        return {
            "appointments": sorted(
                Appointment.objects.values_list("public_id", "status", "room_id")
            ),
            "status_changes": StatusChange.objects.count(),
            "vitals": Vitals.objects.count(),
            "roomings": Rooming.objects.count(),
            "encounters": sorted(Encounter.objects.values_list("public_id", "reason_text")),
            "chart_history": ChartHistory.objects.count(),
        }

    return take


@pytest.fixture
def rooms(clinic):
    return list(Room.objects.filter(location__clinic=clinic).order_by("name"))


@pytest.fixture
def arrived(front_desk, appointment):
    appointment_transition(actor=front_desk, appointment=appointment, to_status="arrived")
    return appointment


@pytest.fixture
def roomed(medical_assistant, arrived, rooms):
    rooming_complete(
        actor=medical_assistant, appointment=arrived, room=rooms[0], reason_for_visit=REASON
    )
    return arrived


@pytest.fixture
def today_visit(clinic, front_desk, provider):
    def make(hh: int, mm: int = 0, **patient):
        start = datetime.combine(clinic_today(clinic), time(hh, mm), tzinfo=clinic.tz)
        who = factories.make_patient(front_desk, **patient)
        return factories.book(front_desk, who, provider, start=start)

    return make


def assert_sent_to_login(response):
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def chart_for_visit(appt) -> str:
    return f"{reverse('records:chart', args=[appt.patient.public_id])}?visit={appt.public_id}"


# ---------------------------------------------------------------------------- the service


def test_starting_the_visit_makes_exactly_one_encounter_with_the_reason_for_visit(
    physician, roomed
):
    # when
    encounter = services.visit_start(actor=physician, appointment=roomed)
    # then the visit is with the provider and its one encounter carries the patient's words
    roomed.refresh_from_db()
    assert roomed.status == "with_provider"
    assert list(Encounter.objects.all()) == [encounter]
    assert encounter.appointment == roomed
    assert encounter.patient == roomed.patient
    assert encounter.provider == roomed.provider
    assert encounter.reason_text == REASON
    assert encounter.type_display == roomed.visit_type.name
    assert encounter.status == Encounter.Status.IN_PROGRESS
    assert ChartHistory.objects.filter(item_id=encounter.public_id, action="create").count() == 1


def test_starting_twice_is_refused_and_makes_no_second_encounter(physician, roomed, snapshot):
    # given a started visit
    services.visit_start(actor=physician, appointment=roomed)
    before = snapshot()
    # when it is started again
    with pytest.raises(IllegalTransition):
        services.visit_start(actor=physician, appointment=roomed)
    # then nothing changed
    assert snapshot() == before
    assert Encounter.objects.count() == 1


def test_a_visit_that_is_not_roomed_cannot_be_started_and_gets_no_encounter(
    physician, arrived, snapshot
):
    before = snapshot()
    with pytest.raises(IllegalTransition):
        services.visit_start(actor=physician, appointment=arrived)
    assert snapshot() == before


def test_a_role_that_may_not_start_visits_makes_no_encounter(front_desk, roomed, snapshot):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.visit_start(actor=front_desk, appointment=roomed)
    assert snapshot() == before


def test_an_encounter_opened_before_the_start_is_linked_and_given_the_reason(physician, roomed):
    # given the visit's encounter, opened from the chart before the visit started
    opened = services.encounter_for_appointment(actor=physician, appointment=roomed)
    assert opened.reason_text == ""
    # when the visit is started
    encounter = services.visit_start(actor=physician, appointment=roomed)
    # then it is the same encounter, now with the reason, and the change is in its history
    assert encounter.pk == opened.pk
    assert Encounter.objects.count() == 1
    assert encounter.reason_text == REASON
    update = ChartHistory.objects.get(item_id=opened.public_id, action="update")
    assert update.reason == "Reason for visit from rooming"


def test_a_long_reason_for_visit_is_kept_whole(physician, medical_assistant, arrived, rooms):
    # given the longest reason rooming takes
    words = "x" * 2000
    rooming_complete(
        actor=medical_assistant, appointment=arrived, room=rooms[0], reason_for_visit=words
    )
    # when
    encounter = services.visit_start(actor=physician, appointment=arrived)
    # then
    encounter.refresh_from_db()
    assert encounter.reason_text == words


def test_only_records_starts_visits():
    # given the transition under the one start-visit service
    package = Path(services.__file__).resolve().parents[2]
    callers = []
    for path in sorted(package.rglob("*.py")):
        app = path.relative_to(package).parts[0]
        if app in ("scheduling", "records") or "migrations" in path.parts:
            continue
        # when any other app names it
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and any(
                a.name == "appointment_start_visit" for a in node.names
            ):
                callers.append(str(path.relative_to(package)))
    # then nobody does: every entry point starts the visit through records
    assert callers == []


# ---------------------------------------------------------------------------- the view


@pytest.mark.parametrize("role", ROLES)
def test_start_visit_role_matrix_and_refusals_change_nothing(
    role, actor, client_for, roomed, snapshot
):
    # given
    before = snapshot()
    # when
    response = client_for(actor(role)).post(reverse("records:start_visit", args=[roomed.public_id]))
    # then
    assert response.status_code == START_POST[role]
    roomed.refresh_from_db()
    if START_POST[role] == 302 and role != "anonymous":
        assert roomed.status == "with_provider"
        assert response["Location"] == reverse("intake:worklist")
        assert Encounter.objects.get(appointment=roomed).reason_text == REASON
    else:
        assert snapshot() == before
        assert roomed.status == "roomed"
    if role == "anonymous":
        assert_sent_to_login(response)


def test_start_visit_refuses_get(physician, client_for, roomed):
    response = client_for(physician).get(reverse("records:start_visit", args=[roomed.public_id]))
    assert response.status_code == 405
    assert Appointment.objects.get(pk=roomed.pk).status == "roomed"
    assert not Encounter.objects.exists()


def test_start_visit_moves_a_roomed_visit_to_the_provider(physician, client_for, roomed):
    response = client_for(physician).post(reverse("records:start_visit", args=[roomed.public_id]))
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:worklist")
    roomed.refresh_from_db()
    assert roomed.status == "with_provider"
    assert roomed.changes.last().by == physician


def test_start_visit_returns_to_a_safe_next_and_ignores_an_off_site_one(
    physician, client_for, roomed, today_visit, medical_assistant, front_desk, rooms
):
    # given
    here = reverse("scheduling:appointment", args=[roomed.public_id])
    other = today_visit(9)
    appointment_transition(actor=front_desk, appointment=other, to_status="arrived")
    rooming_complete(
        actor=medical_assistant, appointment=other, room=rooms[1], reason_for_visit="Cough"
    )
    client = client_for(physician)
    # when
    local = client.post(reverse("records:start_visit", args=[roomed.public_id]), {"next": here})
    offsite = client.post(
        reverse("records:start_visit", args=[other.public_id]),
        {"next": "https://evil.example/steal"},
    )
    # then
    assert local["Location"] == here
    assert offsite["Location"] == reverse("intake:worklist")


def test_starting_a_visit_that_is_not_roomed_is_refused_with_a_message(
    physician, client_for, arrived, snapshot
):
    before = snapshot()
    response = client_for(physician).post(
        reverse("records:start_visit", args=[arrived.public_id]), follow=True
    )
    assert "cannot be marked with provider" in response.content.decode()
    assert snapshot() == before


def test_starting_twice_from_the_screen_says_so_and_makes_no_second_encounter(
    physician, client_for, roomed, snapshot
):
    # given a visit started from the worklist
    client = client_for(physician)
    client.post(reverse("records:start_visit", args=[roomed.public_id]))
    before = snapshot()
    # when the button is pressed again (a second tab, a double click)
    response = client.post(reverse("records:start_visit", args=[roomed.public_id]), follow=True)
    # then
    assert "cannot be marked with provider" in response.content.decode()
    assert snapshot() == before


# ---------------------------------------------------------------------------- the doctor's path


def test_the_worklist_opens_the_chart_for_the_visit_in_one_click(physician, client_for, roomed):
    # when
    html = client_for(physician).get(reverse("intake:worklist")).content.decode()
    # then the patient's name links to the chart for this visit, and the start button comes
    # back to that chart
    row = html[html.index(f'data-appointment="{roomed.public_id}"') :]
    row = row[: row.index("</tr>")]
    target = chart_for_visit(roomed)
    assert f'href="{target}"' in row
    assert f'action="{reverse("records:start_visit", args=[roomed.public_id])}"' in row
    assert f'name="next" value="{target}"' in row


def test_the_chart_for_a_roomed_visit_shows_the_reason_and_starts_it(physician, client_for, roomed):
    client = client_for(physician)
    # when the chart is opened for the visit
    html = client.get(chart_for_visit(roomed)).content.decode()
    # then it shows this visit with the reason for visit and a start button
    card = html[html.index('id="this-visit"') :]
    card = card[: card.index("</section>")]
    assert REASON in card
    assert "Start visit" in card
    # when the visit is started from there
    response = client.post(
        reverse("records:start_visit", args=[roomed.public_id]),
        {"next": chart_for_visit(roomed)},
        follow=True,
    )
    # then the chart comes back with a link to the visit's encounter, which has the reason
    encounter = Encounter.objects.get(appointment=roomed)
    html = response.content.decode()
    card = html[html.index('id="this-visit"') :]
    card = card[: card.index("</section>")]
    assert f'href="#enc-{encounter.public_id}"' in card
    assert "Start visit" not in card
    assert f'id="enc-{encounter.public_id}"' in html
    assert f"Reason: {REASON}" in html


def test_the_chart_for_a_visit_offers_no_start_to_a_role_that_cannot_start(
    front_desk, client_for, roomed
):
    html = client_for(front_desk).get(chart_for_visit(roomed)).content.decode()
    assert 'id="this-visit"' in html
    assert reverse("records:start_visit", args=[roomed.public_id]) not in html


def test_a_visit_of_another_patient_or_a_bad_id_shows_the_plain_chart(
    physician, client_for, roomed, patient, today_visit
):
    # given a visit of someone else
    other = today_visit(10, last_name="Other")
    url = reverse("records:chart", args=[patient.public_id])
    client = client_for(physician)
    # when / then
    for query in (f"?visit={other.public_id}", "?visit=not-a-uuid"):
        response = client.get(url + query)
        assert response.status_code == 200
        assert 'id="this-visit"' not in response.content.decode()


def test_a_visit_of_another_clinic_is_not_found(physician, client_for, patient, other_clinic):
    # given a visit of another clinic
    desk = factories.make_user(other_clinic, "front_desk", "harbor_desk")
    doctor = factories.make_user(other_clinic, "physician", "harbor_doc")
    provider = factories.make_provider(other_clinic, user=doctor, npi="1245319599")
    theirs = factories.book(desk, factories.make_patient(desk, last_name="Harbor"), provider)
    url = reverse("records:chart", args=[patient.public_id])
    # when / then
    assert client_for(physician).get(f"{url}?visit={theirs.public_id}").status_code == 404


def test_the_visit_page_links_to_the_chart_for_the_visit(physician, client_for, roomed):
    html = (
        client_for(physician)
        .get(reverse("scheduling:appointment", args=[roomed.public_id]))
        .content.decode()
    )
    assert f'href="{chart_for_visit(roomed)}"' in html
    assert "Open chart" in html


def test_the_api_start_visit_opens_the_encounter(physician, client_for, roomed):
    # when
    response = client_for(physician).post(f"/api/appointments/{roomed.public_id}/start-visit")
    # then
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "with_provider"
    assert Encounter.objects.get(appointment=roomed).reason_text == REASON


def test_the_flow_board_starts_the_visit_and_comes_back_to_the_board(
    medical_assistant, client_for, roomed
):
    # given the board as the medical assistant sees it
    client = client_for(medical_assistant)
    board = reverse("frontdesk:board")
    html = client.get(board).content.decode()
    start = reverse("records:start_visit", args=[roomed.public_id])
    assert f'action="{start}"' in html and f'name="next" value="{board}"' in html
    # when the visit is started from there
    response = client.post(start, {"next": board})
    # then the visit has its encounter and the board comes back
    assert response["Location"] == board
    assert Encounter.objects.get(appointment=roomed).reason_text == REASON
