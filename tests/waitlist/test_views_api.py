"""Waitlist and recall screens and API: role matrices, refusals change nothing, bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from medassist.practice.models import ApiToken, VisitType
from medassist.scheduling.selectors import clinic_today
from medassist.waitlist.models import ContactAttempt, Recall, WaitlistEntry
from medassist.waitlist.services import recall_add, recall_contact_record, waitlist_entry_add
from tests import factories
from tests.factories import make_patient
from tests.waitlist.conftest import ROLES

pytestmark = pytest.mark.django_db

WAITLIST_ROLES = {"front_desk", "clinic_admin"}
RECALL_ROLES = {"front_desk", "medical_assistant", "clinic_admin"}


def status_for(role, allowed, ok=200, cross=404):
    if role == "anonymous":
        return 302
    if role == "other_clinic_front_desk":
        return cross
    return ok if role in allowed else 403


def api_status(role, allowed, ok=200, cross=404):
    return 401 if role == "anonymous" else status_for(role, allowed, ok, cross)


def bearer(user):
    if user is None:
        return {}
    _, key = ApiToken.issue(user, "t")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def entry(front_desk, patient, clinic):
    return waitlist_entry_add(
        actor=front_desk,
        patient=patient,
        visit_type=VisitType.objects.get(clinic=clinic, code="follow-up"),
        earliest_date=clinic_today(clinic),
        latest_date=clinic_today(clinic) + timedelta(days=30),
    )


@pytest.fixture
def recalls(front_desk, patient, clinic):
    today = clinic_today(clinic)
    later = recall_add(
        actor=front_desk, patient=patient, reason="Annual physical", due_date=today + timedelta(30)
    )
    overdue = recall_add(
        actor=front_desk, patient=patient, reason="Diabetes check", due_date=today - timedelta(10)
    )
    return overdue, later


def entry_post(patient, clinic, /, **over):
    today = clinic_today(clinic)
    data = {
        "patient": str(patient.public_id),
        "visit_type": str(VisitType.objects.get(clinic=clinic, code="new").public_id),
        "earliest_date": today.isoformat(),
        "latest_date": (today + timedelta(days=14)).isoformat(),
        "time_of_day": "morning",
        "priority": "2",
        "note": "prefers mornings",
    }
    data.update(over)
    return data


# ---------------------------------------------------------------------------- waitlist screen


@pytest.mark.parametrize("role", ROLES)
def test_waitlist_page_role_matrix(role, who, client_for, entry, patient):
    response = client_for(who(role)).get(reverse("waitlist:home"))
    assert response.status_code == status_for(role, WAITLIST_ROLES, cross=200)
    if role in WAITLIST_ROLES:
        assert patient.last_name in response.content.decode()
    if role == "other_clinic_front_desk":
        assert patient.last_name not in response.content.decode()


def test_waitlist_page_query_count(
    client_for, front_desk, entry, clinic, django_assert_max_num_queries
):
    # given many more entries than one
    follow_up = VisitType.objects.get(clinic=clinic, code="new")
    for _ in range(15):
        waitlist_entry_add(
            actor=front_desk,
            patient=make_patient(front_desk),
            visit_type=follow_up,
            earliest_date=clinic_today(clinic),
            latest_date=clinic_today(clinic) + timedelta(days=9),
        )
    client = client_for(front_desk)
    # then the page is a fixed number of queries
    with django_assert_max_num_queries(18):
        assert client.get(reverse("waitlist:home")).status_code == 200


def test_waitlist_patient_search_finds_the_patient(client_for, front_desk, patient):
    response = client_for(front_desk).post(
        reverse("waitlist:home"), {"q": patient.last_name}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert str(patient.public_id) in response.content.decode()
    assert "<html" not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_waitlist_add_role_matrix_and_refusals_change_nothing(
    role, who, client_for, patient, clinic, snapshot
):
    before = snapshot()
    response = client_for(who(role)).post(reverse("waitlist:add"), entry_post(patient, clinic))
    if role in WAITLIST_ROLES:
        assert response.status_code == 302
        e = WaitlistEntry.objects.get()
        assert (e.time_of_day, e.priority, e.note) == ("morning", 2, "prefers mornings")
    else:
        # another clinic's desk: the patient is not one of theirs
        assert response.status_code == status_for(role, WAITLIST_ROLES, cross=422)
        assert snapshot() == before


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"patient": ""}, "Choose a patient"),
        ({"patient": "not-a-uuid"}, "Choose a patient from the search results"),
        ({"visit_type": "00000000-0000-0000-0000-000000000000"}, "not offered here"),
        ({"earliest_date": "2026-02-30"}, "YYYY-MM-DD"),
        ({"latest_date": "2001-01-01"}, "in the past"),
        ({"time_of_day": "midnight"}, "Select a valid choice"),
        ({"priority": "9"}, "Select a valid choice"),
        ({"note": "x" * 301}, "at most 300"),
    ],
)
def test_waitlist_bad_input_is_shown_in_place_and_changes_nothing(
    client_for, front_desk, patient, clinic, snapshot, over, message
):
    before = snapshot()
    response = client_for(front_desk).post(
        reverse("waitlist:add"), entry_post(patient, clinic, **over)
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert snapshot() == before


def test_a_second_entry_for_the_same_visit_type_is_refused(
    client_for, front_desk, patient, clinic, entry, snapshot
):
    before = snapshot()
    response = client_for(front_desk).post(
        reverse("waitlist:add"),
        entry_post(
            patient,
            clinic,
            visit_type=str(VisitType.objects.get(clinic=clinic, code="follow-up").public_id),
        ),
    )
    assert response.status_code == 409
    assert "already on the waitlist" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("role", ROLES)
def test_waitlist_remove_role_matrix_and_refusals_change_nothing(
    role, who, client_for, entry, snapshot
):
    before = snapshot()
    response = client_for(who(role)).post(reverse("waitlist:remove", args=[entry.public_id]))
    entry.refresh_from_db()
    if role in WAITLIST_ROLES:
        assert response.status_code == 302 and entry.status == "removed"
    else:
        assert response.status_code == status_for(role, WAITLIST_ROLES)
        assert snapshot() == before


# ---------------------------------------------------------------------------- recall screen


@pytest.mark.parametrize("role", ROLES)
def test_recalls_page_role_matrix_lists_overdue_first(role, who, client_for, recalls):
    response = client_for(who(role)).get(reverse("waitlist:recalls"))
    assert response.status_code == status_for(role, RECALL_ROLES, cross=200)
    if role in RECALL_ROLES:
        page = response.content.decode()
        assert page.index("Diabetes check") < page.index("Annual physical")
        assert "Overdue" in page
    if role == "other_clinic_front_desk":
        assert "Diabetes check" not in response.content.decode()


def test_recalls_page_query_count(
    client_for, front_desk, recalls, clinic, django_assert_max_num_queries
):
    for n in range(15):
        recall = recall_add(
            actor=front_desk,
            patient=make_patient(front_desk),
            reason=f"Recall {n}",
            due_date=clinic_today(clinic),
        )
        recall_contact_record(actor=front_desk, recall=recall, channel="phone", outcome="no_answer")
    client = client_for(front_desk)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("waitlist:recalls")).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_recall_add_role_matrix(role, who, client_for, patient, clinic, snapshot):
    before = snapshot()
    response = client_for(who(role)).post(
        reverse("waitlist:recall_add"),
        {
            "patient": str(patient.public_id),
            "reason": "Annual physical",
            "due_date": (clinic_today(clinic) + timedelta(days=60)).isoformat(),
        },
    )
    if role in RECALL_ROLES:
        assert response.status_code == 302 and Recall.objects.count() == 1
    else:
        assert response.status_code == status_for(role, RECALL_ROLES, cross=422)
        assert snapshot() == before


@pytest.mark.parametrize(
    "data",
    [
        {"reason": "", "due_date": "2027-01-01"},
        {"reason": "Physical", "due_date": "tomorrow"},
        {"reason": "Physical", "due_date": "2099-01-01"},
        {"reason": "x" * 201, "due_date": "2027-01-01"},
    ],
)
def test_recall_bad_input_changes_nothing(client_for, front_desk, patient, snapshot, data):
    before = snapshot()
    response = client_for(front_desk).post(
        reverse("waitlist:recall_add"), {"patient": str(patient.public_id), **data}
    )
    assert response.status_code == 422
    assert snapshot() == before


@pytest.mark.parametrize("role", ROLES)
def test_recall_contact_role_matrix_and_refusals_change_nothing(
    role, who, client_for, recalls, snapshot
):
    overdue, _ = recalls
    before = snapshot()
    response = client_for(who(role)).post(
        reverse("waitlist:recall_contact", args=[overdue.public_id]),
        {"channel": "phone", "outcome": "voicemail", "note": "Left a message"},
    )
    overdue.refresh_from_db()
    if role in RECALL_ROLES:
        assert response.status_code == 302
        attempt = ContactAttempt.objects.get()
        assert (attempt.by, attempt.channel, attempt.outcome) == (who(role), "phone", "voicemail")
        assert overdue.status == "contacted"
    else:
        assert response.status_code == status_for(role, RECALL_ROLES)
        assert snapshot() == before


def test_recall_contact_with_bad_choices_changes_nothing(client_for, front_desk, recalls, snapshot):
    before = snapshot()
    response = client_for(front_desk).post(
        reverse("waitlist:recall_contact", args=[recalls[0].public_id]),
        {"channel": "pigeon", "outcome": "voicemail"},
    )
    assert response.status_code == 422
    assert snapshot() == before


def test_contact_attempts_accumulate_and_scheduling_closes_the_recall(
    client_for, medical_assistant, recalls
):
    overdue, _ = recalls
    client = client_for(medical_assistant)
    url = reverse("waitlist:recall_contact", args=[overdue.public_id])
    client.post(url, {"channel": "phone", "outcome": "no_answer"})
    client.post(url, {"channel": "sms", "outcome": "sent", "note": "texted"})
    assert overdue.attempts.count() == 2
    client.post(reverse("waitlist:recall_scheduled", args=[overdue.public_id]))
    overdue.refresh_from_db()
    assert overdue.status == "scheduled"
    # a scheduled recall takes no more attempts
    response = client.post(url, {"channel": "phone", "outcome": "reached"})
    assert response.status_code == 409
    assert overdue.attempts.count() == 2


@pytest.mark.parametrize("role", ROLES)
def test_recall_scheduled_role_matrix(role, who, client_for, recalls, snapshot):
    before = snapshot()
    response = client_for(who(role)).post(
        reverse("waitlist:recall_scheduled", args=[recalls[0].public_id])
    )
    if role in RECALL_ROLES:
        assert response.status_code == 302
    else:
        assert response.status_code == status_for(role, RECALL_ROLES)
        assert snapshot() == before


# ---------------------------------------------------------------------------- API


@pytest.mark.parametrize("role", ROLES)
def test_api_entries_role_matrix(role, who, client, entry):
    response = client.get("/api/waitlist/entries", **bearer(who(role)))
    assert response.status_code == api_status(role, WAITLIST_ROLES, cross=200)
    if role in WAITLIST_ROLES:
        assert response.json()[0]["id"] == str(entry.public_id)
    if role == "other_clinic_front_desk":
        assert response.json() == []


@pytest.mark.parametrize("role", ROLES)
def test_api_add_entry_role_matrix_and_refusals_change_nothing(
    role, who, client, patient, clinic, snapshot
):
    before = snapshot()
    body = entry_post(patient, clinic)
    body["priority"] = 2
    response = client.post(
        "/api/waitlist/entries", body, content_type="application/json", **bearer(who(role))
    )
    assert response.status_code == api_status(role, WAITLIST_ROLES, ok=201)
    if role not in WAITLIST_ROLES:
        assert snapshot() == before
    else:
        assert response.json()["time_of_day"] == "morning"


@pytest.mark.parametrize(
    "over",
    [
        {"priority": "2"},
        {"earliest_date": "03/01/2027"},
        {"latest_date": "2026-02-30"},
        {"time_of_day": "night"},
        {"extra": 1},
        {"patient": "nope"},
    ],
)
def test_api_add_entry_bad_input_is_422_and_changes_nothing(
    client, front_desk, patient, clinic, snapshot, over
):
    before = snapshot()
    body = {**entry_post(patient, clinic), "priority": 3, **over}
    response = client.post(
        "/api/waitlist/entries", body, content_type="application/json", **bearer(front_desk)
    )
    assert response.status_code == 422
    assert response.json()["message"]
    assert snapshot() == before


@pytest.mark.parametrize("role", ROLES)
def test_api_remove_entry_role_matrix(role, who, client, entry, snapshot):
    before = snapshot()
    response = client.post(
        f"/api/waitlist/entries/{entry.public_id}/remove",
        {"reason": "Found another clinic"},
        content_type="application/json",
        **bearer(who(role)),
    )
    assert response.status_code == api_status(role, WAITLIST_ROLES)
    if role in WAITLIST_ROLES:
        assert response.json()["status"] == "removed"
    else:
        assert snapshot() == before


@pytest.mark.parametrize("role", ROLES)
def test_api_recalls_role_matrix(role, who, client, recalls):
    response = client.get("/api/waitlist/recalls", **bearer(who(role)))
    assert response.status_code == api_status(role, RECALL_ROLES, cross=200)
    if role in RECALL_ROLES:
        rows = response.json()
        assert [r["reason"] for r in rows] == ["Diabetes check", "Annual physical"]
        assert rows[0]["overdue"] is True and rows[1]["overdue"] is False


@pytest.mark.parametrize("role", ROLES)
def test_api_recall_attempt_role_matrix(role, who, client, recalls, snapshot):
    before = snapshot()
    response = client.post(
        f"/api/waitlist/recalls/{recalls[0].public_id}/attempts",
        {"channel": "letter", "outcome": "sent", "note": "mailed"},
        content_type="application/json",
        **bearer(who(role)),
    )
    assert response.status_code == api_status(role, RECALL_ROLES, ok=201)
    if role in RECALL_ROLES:
        body = response.json()
        assert body["status"] == "contacted"
        assert body["attempts"][0]["channel"] == "letter"
    else:
        assert snapshot() == before


def test_api_recall_add_and_mark_scheduled_with_the_visit(
    client, front_desk, patient, appointment, clinic
):
    headers = bearer(front_desk)
    created = client.post(
        "/api/waitlist/recalls",
        {
            "patient": str(patient.public_id),
            "reason": "Annual physical",
            "due_date": clinic_today(clinic).isoformat(),
        },
        content_type="application/json",
        **headers,
    )
    assert created.status_code == 201
    rid = created.json()["id"]
    done = client.post(
        f"/api/waitlist/recalls/{rid}/scheduled",
        {"appointment": str(appointment.public_id)},
        content_type="application/json",
        **headers,
    )
    assert done.status_code == 200
    assert done.json()["appointment"] == str(appointment.public_id)
    again = client.post(f"/api/waitlist/recalls/{rid}/close", **headers)
    assert again.status_code == 409


def test_api_recall_bad_input(client, front_desk, patient, snapshot):
    before = snapshot()
    for body in (
        {"patient": str(patient.public_id), "reason": "", "due_date": "2027-01-01"},
        {"patient": str(patient.public_id), "reason": "x", "due_date": 20270101},
        {"patient": str(patient.public_id), "reason": "x"},
    ):
        response = client.post(
            "/api/waitlist/recalls", body, content_type="application/json", **bearer(front_desk)
        )
        assert response.status_code == 422, body
    assert snapshot() == before


@pytest.mark.parametrize("role", ROLES)
def test_recall_close_role_matrix(role, who, client_for, recalls, snapshot):
    before = snapshot()
    response = client_for(who(role)).post(
        reverse("waitlist:recall_close", args=[recalls[0].public_id])
    )
    recalls[0].refresh_from_db()
    if role in RECALL_ROLES:
        assert response.status_code == 302 and recalls[0].status == "closed"
    else:
        assert response.status_code == status_for(role, RECALL_ROLES)
        assert snapshot() == before


@pytest.mark.parametrize("role", ROLES)
def test_api_add_recall_role_matrix(role, who, client, patient, clinic, snapshot):
    before = snapshot()
    response = client.post(
        "/api/waitlist/recalls",
        {
            "patient": str(patient.public_id),
            "reason": "Annual physical",
            "due_date": clinic_today(clinic).isoformat(),
        },
        content_type="application/json",
        **bearer(who(role)),
    )
    assert response.status_code == api_status(role, RECALL_ROLES, ok=201)
    if role not in RECALL_ROLES:
        assert snapshot() == before


@pytest.mark.parametrize("action", ["scheduled", "close"])
@pytest.mark.parametrize("role", ROLES)
def test_api_recall_end_role_matrix(role, action, who, client, recalls, snapshot):
    before = snapshot()
    response = client.post(
        f"/api/waitlist/recalls/{recalls[0].public_id}/{action}",
        {},
        content_type="application/json",
        **bearer(who(role)),
    )
    assert response.status_code == api_status(role, RECALL_ROLES)
    if role in RECALL_ROLES:
        assert response.json()["status"] == {"scheduled": "scheduled", "close": "closed"}[action]
    else:
        assert snapshot() == before


def test_api_recall_scheduled_refuses_another_patients_visit(
    client, front_desk, recalls, provider, snapshot
):
    other = factories.make_patient(front_desk)
    visit = factories.book(front_desk, other, provider)
    before = snapshot()
    response = client.post(
        f"/api/waitlist/recalls/{recalls[0].public_id}/scheduled",
        {"appointment": str(visit.public_id)},
        content_type="application/json",
        **bearer(front_desk),
    )
    assert response.status_code == 422
    assert snapshot() == before
