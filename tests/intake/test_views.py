"""Intake screens: rooming with vitals, another set of vitals, the physician's worklist."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from medassist.intake.models import Rooming, Vitals
from medassist.intake.services import rooming_complete, vitals_record
from medassist.scheduling.models import Appointment
from medassist.scheduling.services import appointment_transition
from tests import factories
from tests.intake.conftest import ROLES

ROOM_VITALS = {
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


def room_data(room, /, **extra) -> dict:
    data = {"room": str(room.public_id), "reason_for_visit": "My knee hurts on the stairs"}
    data.update(ROOM_VITALS)
    data.update(extra)
    return data


def assert_sent_to_login(response):
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def field_errors(html: str, name: str) -> str:
    """The error list Django renders for one field (empty when the field has no error)."""
    match = re.search(rf'<ul class="errorlist" id="id_{name}_error">(.*?)</ul>', html, re.S)
    return match.group(1) if match else ""


# ---------------------------------------------------------------------------- role matrix

ROOM_GET = {
    "anonymous": 302,
    "front_desk": 403,
    "medical_assistant": 200,
    "physician": 200,
    "biller": 403,
    "clinic_admin": 403,
    "other_clinic_physician": 404,
}
ROOM_POST = {**ROOM_GET, "medical_assistant": 302, "physician": 302}
VITALS_GET = {
    "anonymous": 302,
    "front_desk": 200,
    "medical_assistant": 200,
    "physician": 200,
    "biller": 403,
    "clinic_admin": 200,
    "other_clinic_physician": 404,
}
VITALS_POST = {
    "anonymous": 302,
    "front_desk": 403,
    "medical_assistant": 302,
    "physician": 302,
    "biller": 403,
    "clinic_admin": 403,
    "other_clinic_physician": 404,
}
WORKLIST_GET = {
    "anonymous": 302,
    "front_desk": 403,
    "medical_assistant": 403,
    "physician": 200,
    "biller": 403,
    "clinic_admin": 403,
    "other_clinic_physician": 200,
}


@pytest.mark.parametrize("role", ROLES)
def test_rooming_page_role_matrix(role, actor, client_for, arrived):
    response = client_for(actor(role)).get(reverse("intake:room", args=[arrived.public_id]))
    assert response.status_code == ROOM_GET[role]
    if role == "anonymous":
        assert_sent_to_login(response)


@pytest.mark.parametrize("role", ROLES)
def test_rooming_post_role_matrix_and_refusals_change_nothing(
    role, actor, client_for, arrived, rooms, snapshot
):
    # given
    before = snapshot()
    # when
    response = client_for(actor(role)).post(
        reverse("intake:room", args=[arrived.public_id]), room_data(rooms[0])
    )
    # then
    assert response.status_code == ROOM_POST[role]
    arrived.refresh_from_db()
    if ROOM_POST[role] == 302 and role != "anonymous":
        assert arrived.status == "roomed"
        assert Rooming.objects.count() == 1 and Vitals.objects.count() == 1
    else:
        assert snapshot() == before
        assert arrived.status == "arrived"
    if role == "anonymous":
        assert_sent_to_login(response)


@pytest.mark.parametrize("role", ROLES)
def test_vitals_page_role_matrix(role, actor, client_for, roomed):
    response = client_for(actor(role)).get(reverse("intake:vitals", args=[roomed.public_id]))
    assert response.status_code == VITALS_GET[role]
    if role == "anonymous":
        assert_sent_to_login(response)


@pytest.mark.parametrize("role", ROLES)
def test_vitals_post_role_matrix_and_refusals_change_nothing(
    role, actor, client_for, roomed, snapshot
):
    # given
    before = snapshot()
    # when
    response = client_for(actor(role)).post(
        reverse("intake:vitals", args=[roomed.public_id]), {"pulse": "72", "spo2": "98"}
    )
    # then
    assert response.status_code == VITALS_POST[role]
    if VITALS_POST[role] == 302 and role != "anonymous":
        assert Vitals.objects.filter(appointment=roomed, pulse=72).count() == 1
    else:
        assert snapshot() == before
    if role == "anonymous":
        assert_sent_to_login(response)


@pytest.mark.parametrize("role", ROLES)
def test_worklist_role_matrix(role, actor, client_for, roomed):
    response = client_for(actor(role)).get(reverse("intake:worklist"))
    assert response.status_code == WORKLIST_GET[role]
    if role == "anonymous":
        assert_sent_to_login(response)
    if role == "other_clinic_physician":
        assert roomed.patient.last_name not in response.content.decode()


# ---------------------------------------------------------------------------- rooming


def test_rooming_in_f_lb_in_stores_metric_and_shows_flags(
    medical_assistant, client_for, arrived, rooms
):
    # given
    client = client_for(medical_assistant)
    # when
    response = client.post(
        reverse("intake:room", args=[arrived.public_id]), room_data(rooms[1]), follow=True
    )
    # then
    html = response.content.decode()
    arrived.refresh_from_db()
    assert arrived.status == "roomed" and arrived.room == rooms[1]
    vitals = Vitals.objects.get(appointment=arrived)
    assert vitals.temperature_c == Decimal("38.5")
    assert vitals.height_cm == Decimal("177.8")
    assert vitals.weight_kg == Decimal("81.65")
    assert vitals.bmi == Decimal("25.8")
    assert Rooming.objects.get(appointment=arrived).reason_for_visit == (
        "My knee hurts on the stairs"
    )
    # the page shows what was recorded, with BMI and the out-of-range values highlighted
    assert response.redirect_chain[-1][0] == reverse("intake:room", args=[arrived.public_id])
    assert "In Exam 2" in html
    assert re.search(r'data-vital="bp"><span class="flag" title="[^"]+">150/95</span>', html)
    # in the clinic's unit first (°F, as typed on the form), metric beside it
    assert re.search(r'data-vital="temperature"><span class="flag"[^>]*>101.3 °F \(38.5 °C\)', html)
    assert 'data-vital="bmi">25.8<' in html
    assert 'data-vital="pulse">88/min<' in html
    assert "Temperature 101.3 °F (38.5 °C) is high" in html


def test_a_critical_value_is_highlighted_as_critical(medical_assistant, client_for, arrived, rooms):
    response = client_for(medical_assistant).post(
        reverse("intake:room", args=[arrived.public_id]),
        room_data(rooms[0], bp_systolic="200", bp_diastolic="110", spo2="85"),
        follow=True,
    )
    html = response.content.decode()
    assert re.search(r'data-vital="bp"><span class="flag critical"', html)
    assert re.search(r'data-vital="spo2"><span class="flag critical"', html)


def test_an_impossible_temperature_is_refused_by_the_field_and_the_visit_stays_arrived(
    medical_assistant, client_for, arrived, rooms, snapshot
):
    # given
    before = snapshot()
    # when
    response = client_for(medical_assistant).post(
        reverse("intake:room", args=[arrived.public_id]),
        room_data(rooms[0], temperature="200", temperature_unit="F"),
    )
    # then
    html = response.content.decode()
    assert response.status_code == 422
    assert "Temperature 200 °F is not possible" in field_errors(html, "temperature")
    assert snapshot() == before
    assert Appointment.objects.get(pk=arrived.pk).status == "arrived"
    # what was typed is kept and the form is still there to correct it
    assert 'value="200"' in html
    assert 'value="My knee hurts on the stairs"' not in html  # a textarea, not an input
    assert "My knee hurts on the stairs" in html
    assert 'value="180"' in html and "Room patient" in html


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"pulse": "fast"}, "pulse", "is not a number"),
        ({"bp_systolic": "80", "bp_diastolic": "120"}, "bp_diastolic", "were they swapped"),
        ({"bp_diastolic": ""}, "bp_diastolic", "needs both"),
        ({"weight": "2000"}, "weight", "Weight 2000 lb is not possible"),
        ({"height": "300", "height_unit": "cm"}, "height", "Height 300 cm is not possible"),
        ({"temperature_unit": "K"}, "temperature_unit", "must be C or F"),
        ({"reason_for_visit": ""}, "reason_for_visit", "in the patient's own words"),
        ({"room": ""}, "room", "Choose a room"),
        ({"room": "not-a-uuid"}, "room", "Choose a room from the list"),
        ({"room": "6f1d3c51-1d7e-4a47-9d55-0f7d1a1a2b3c"}, "room", "no such room"),
    ],
)
def test_bad_rooming_input_is_explained_by_the_field_and_writes_nothing(
    medical_assistant, client_for, arrived, rooms, snapshot, change, field, message
):
    before = snapshot()
    response = client_for(medical_assistant).post(
        reverse("intake:room", args=[arrived.public_id]), room_data(rooms[0], **change)
    )
    html = response.content.decode()
    assert response.status_code in (409, 422)
    assert message in field_errors(html, field).replace("&#x27;", "'")
    assert snapshot() == before


def test_an_occupied_room_is_refused_with_the_service_message(
    medical_assistant, front_desk, client_for, roomed, rooms, provider, snapshot
):
    # given
    second = factories.book(
        front_desk, factories.make_patient(front_desk), provider, start=roomed.end
    )
    appointment_transition(actor=front_desk, appointment=second, to_status="arrived")
    before = snapshot()
    # when
    response = client_for(medical_assistant).post(
        reverse("intake:room", args=[second.public_id]), room_data(rooms[0])
    )
    # then
    html = response.content.decode()
    assert response.status_code == 409
    assert "Exam 1 is occupied by another patient" in field_errors(html, "room")
    assert snapshot() == before


def test_the_room_list_offers_only_free_rooms_of_the_visits_location(
    medical_assistant, front_desk, client_for, roomed, rooms, provider, other_clinic
):
    # given
    second = factories.book(
        front_desk, factories.make_patient(front_desk), provider, start=roomed.end
    )
    appointment_transition(actor=front_desk, appointment=second, to_status="arrived")
    # when
    html = (
        client_for(medical_assistant)
        .get(reverse("intake:room", args=[second.public_id]))
        .content.decode()
    )
    # then
    select = re.search(r'<select name="room".*?</select>', html, re.S).group(0)
    assert str(rooms[0].public_id) not in select  # Exam 1 holds the first patient
    assert str(rooms[1].public_id) in select and str(rooms[2].public_id) in select
    assert select.count("<option") == 3  # the prompt and the two free rooms


def test_a_room_at_another_location_is_refused(
    medical_assistant, client_for, arrived, clinic, snapshot
):
    from medassist.practice.models import Location, Room

    annex = Location.objects.create(clinic=clinic, name="Annex")
    annex_room = Room.objects.create(location=annex, name="Annex 1")
    before = snapshot()
    response = client_for(medical_assistant).post(
        reverse("intake:room", args=[arrived.public_id]), room_data(annex_room)
    )
    assert response.status_code == 422
    assert "Annex 1 is not a room of" in response.content.decode()
    assert snapshot() == before


def test_rooming_page_of_a_booked_visit_explains_it_must_be_checked_in_first(
    medical_assistant, client_for, appointment
):
    response = client_for(medical_assistant).get(
        reverse("intake:room", args=[appointment.public_id])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "once the front desk has checked them in" in html
    assert 'name="room"' not in html


def test_rooming_a_booked_visit_by_post_is_refused_and_writes_nothing(
    medical_assistant, client_for, appointment, rooms, snapshot
):
    before = snapshot()
    response = client_for(medical_assistant).post(
        reverse("intake:room", args=[appointment.public_id]), room_data(rooms[0])
    )
    assert response.status_code == 409
    assert "cannot be marked roomed" in response.content.decode()
    assert snapshot() == before


def test_after_rooming_the_page_links_back_to_the_board(medical_assistant, client_for, roomed):
    html = (
        client_for(medical_assistant)
        .get(reverse("intake:room", args=[roomed.public_id]))
        .content.decode()
    )
    assert "In Exam 1" in html
    assert "My knee hurts when I climb stairs" in html
    assert f'href="{reverse("frontdesk:board")}"' in html


# ---------------------------------------------------------------------------- vitals


def test_another_set_of_vitals_is_added_and_listed_with_flags(physician, client_for, roomed):
    # given
    client = client_for(physician)
    # when
    response = client.post(
        reverse("intake:vitals", args=[roomed.public_id]),
        {"temperature": "39.1", "temperature_unit": "C", "pulse": "112"},
        follow=True,
    )
    # then
    html = response.content.decode()
    assert Vitals.objects.filter(appointment=roomed).count() == 1
    assert re.search(r'data-vital="temperature"><span class="flag"[^>]*>102.4 °F \(39.1 °C\)', html)
    assert re.search(r'data-vital="pulse"><span class="flag"[^>]*>112/min', html)
    assert "Vitals recorded" in html


def test_an_impossible_vital_on_the_vitals_page_is_refused_by_the_field(
    medical_assistant, client_for, roomed, snapshot
):
    before = snapshot()
    response = client_for(medical_assistant).post(
        reverse("intake:vitals", args=[roomed.public_id]), {"spo2": "130", "pulse": "70"}
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "SpO2 130 % is not possible" in field_errors(html, "spo2")
    assert 'value="130"' in html and 'value="70"' in html
    assert snapshot() == before


def test_an_empty_vitals_form_asks_for_a_reading(medical_assistant, client_for, roomed, snapshot):
    before = snapshot()
    response = client_for(medical_assistant).post(
        reverse("intake:vitals", args=[roomed.public_id]), {"pulse": ""}
    )
    assert response.status_code == 422
    assert "Enter at least one vital sign." in response.content.decode()
    assert snapshot() == before


def test_vitals_of_a_booked_visit_are_shown_but_not_recordable(
    medical_assistant, client_for, appointment, snapshot
):
    client = client_for(medical_assistant)
    page = client.get(reverse("intake:vitals", args=[appointment.public_id]))
    assert "only while the patient is in the clinic" in page.content.decode()
    before = snapshot()
    refused = client.post(reverse("intake:vitals", args=[appointment.public_id]), {"pulse": "70"})
    assert refused.status_code == 422
    assert "only for a patient who is in the clinic" in refused.content.decode()
    assert snapshot() == before


# ---------------------------------------------------------------------------- worklist


def test_worklist_shows_roomed_visits_first_with_reason_room_and_flagged_vitals(
    physician, medical_assistant, front_desk, client_for, today_visit, rooms
):
    # given
    early = today_visit(6, 0, last_name="Early")
    late = today_visit(7, 0, last_name="Later", date_of_birth=date(1950, 1, 2), sex="M")
    appointment_transition(actor=front_desk, appointment=late, to_status="arrived")
    rooming_complete(
        actor=medical_assistant,
        appointment=late,
        room=rooms[2],
        reason_for_visit="Short of breath at night",
        vitals={"bp_systolic": "185", "bp_diastolic": "100", "spo2": "96"},
    )
    # when
    response = client_for(physician).get(reverse("intake:worklist"))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Later, Alex") < html.index("Early, Alex")
    row = html[html.index(f'data-appointment="{late.public_id}"') :]
    row = row[: row.index("</tr>")]
    assert "Exam 3" in row and "Short of breath at night" in row
    assert re.search(r"<td>\d+ y M</td>", row)
    assert '<span class="badge roomed">Roomed</span>' in row
    assert "0 min" in row
    assert re.search(r'<span class="flag critical"[^>]*>185/100</span>', row)
    assert "Start visit" in row
    assert f'data-appointment="{early.public_id}"' in html


def test_worklist_refresh_returns_only_the_list(physician, client_for, today_visit):
    today_visit(8)
    response = client_for(physician).get(reverse("intake:worklist"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="worklist"')
    assert 'hx-trigger="every 30s"' in html
    assert "<html" not in html


@pytest.mark.parametrize("count", [1, 10])
def test_worklist_query_count_does_not_grow_with_visits(
    count, physician, medical_assistant, front_desk, client_for, today_visit, rooms,
    django_assert_max_num_queries,
):  # fmt: skip
    # given
    for i in range(count):
        visit = today_visit(6 + i // 3, (i % 3) * 20)
        if i < 3:
            appointment_transition(actor=front_desk, appointment=visit, to_status="arrived")
            rooming_complete(
                actor=medical_assistant,
                appointment=visit,
                room=rooms[i],
                reason_for_visit="Check-up",
                vitals={"pulse": "70"},
            )
            vitals_record(actor=medical_assistant, appointment=visit, pulse="75")
    client = client_for(physician)
    # when / then
    with django_assert_max_num_queries(16):
        response = client.get(reverse("intake:worklist"))
    assert response.content.decode().count("data-appointment=") == count
