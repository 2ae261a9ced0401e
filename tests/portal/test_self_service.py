"""Self-service on the patient's page: upcoming visits, cancel (reason from a short list) and
move to an open time, through the booking services as the portal account; the desk sees it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from medassist.portal.models import PortalSettings
from medassist.portal.selectors import portal_user
from medassist.portal.services import portal_link_make
from medassist.practice.models import VisitType
from medassist.scheduling.models import Appointment, Status
from tests import factories
from tests.availability.conftest import add_session
from tests.portal.test_sign_in import ask, book, enter, sent_code


@pytest.fixture
def portal(clinic, provider):
    for weekday in range(7):
        add_session(clinic, provider, weekday, (8, 0), (17, 0))
    settings = PortalSettings.objects.create(
        clinic=clinic, enabled=True, min_days_ahead=1, max_days_ahead=30
    )
    settings.visit_types.add(VisitType.objects.get(clinic=clinic, code="follow-up"))
    return settings


def sign_in(client, clinic, patient):
    ask(client, clinic, patient)
    assert enter(client, clinic, patient.email, sent_code(patient)).status_code == 302


def snapshot(appt: Appointment) -> tuple:
    appt.refresh_from_db()
    return (appt.status, appt.start, appt.provider_id, appt.changes.count(), appt.moves.count())


def test_the_patient_cancels_a_visit_with_a_reason_and_the_desk_sees_it(
    client, client_for, portal, clinic, front_desk, patient, provider
):
    # given a signed-in patient with an upcoming visit
    visit = book(front_desk, patient, provider)
    sign_in(client, clinic, patient)
    # when they cancel it, saying they feel better
    response = client.post(
        "/portal/me/", {"action": "cancel", "visit": visit.public_id, "reason": "better"}
    )
    # then it is cancelled by the portal account with that reason, and on the desk's list
    visit.refresh_from_db()
    assert response.status_code == 200 and "is cancelled" in response.content.decode()
    assert visit.status == Status.CANCELLED
    change = visit.changes.latest("at")
    assert change.by == portal_user(clinic) and change.reason.endswith("Feeling better")
    desk = client_for(front_desk).get("/portal/desk/").content.decode()
    assert "Cancelled online" in desk


def test_a_cancel_without_a_listed_reason_changes_nothing(
    client, portal, clinic, front_desk, patient, provider
):
    # given a signed-in patient with an upcoming visit
    visit = book(front_desk, patient, provider)
    sign_in(client, clinic, patient)
    before = snapshot(visit)
    # when they cancel without a reason, then with one not on the list
    for reason in ("", "because"):
        response = client.post(
            "/portal/me/", {"action": "cancel", "visit": visit.public_id, "reason": reason}
        )
        # then it is refused and the visit is as it was
        assert response.status_code == 422
    assert snapshot(visit) == before


@pytest.mark.parametrize("action", ["cancel", "move"])
def test_a_patient_cannot_touch_another_patients_visit(
    action, client, portal, clinic, front_desk, patient, provider
):
    # given another patient's visit and a signed-in patient who knows its id
    other = factories.make_patient(front_desk, first_name="Zed", last_name="Other")
    theirs = book(front_desk, other, provider)
    sign_in(client, clinic, patient)
    before = snapshot(theirs)
    # when the patient posts a cancel or a move of it
    response = client.post(
        "/portal/me/",
        {"action": action, "visit": theirs.public_id, "reason": "better", "slot": "x|y|z"},
    )
    # then it is not found, and the visit is as it was
    assert response.status_code == 404
    assert snapshot(theirs) == before


def test_the_patient_moves_a_visit_to_an_open_time(
    client, client_for, portal, clinic, front_desk, patient, provider
):
    # given a signed-in patient with an upcoming visit
    visit = book(front_desk, patient, provider, days=2, hour=9)
    sign_in(client, clinic, patient)
    # when they ask to move it and pick the first open time offered
    page = client.get("/portal/me/", {"move": visit.public_id})
    slot = page.context["move_slots"][0]
    response = client.post(
        "/portal/me/", {"action": "move", "visit": visit.public_id, "slot": slot.key}
    )
    # then the same visit is at the new time, moved by the portal account; the desk sees it
    visit.refresh_from_db()
    assert response.status_code == 200 and "is moved to" in response.content.decode()
    assert visit.start == slot.start and visit.status == Status.BOOKED
    assert visit.moves.get().by == portal_user(clinic)
    assert "Changed online" in client_for(front_desk).get("/portal/desk/").content.decode()


def test_a_move_outside_the_online_window_is_refused(
    client, portal, clinic, front_desk, patient, provider
):
    # given a signed-in patient with a visit, and a time past the 30-day online window
    visit = book(front_desk, patient, provider)
    sign_in(client, clinic, patient)
    before = snapshot(visit)
    start = visit.start + timedelta(days=40)
    key = f"{provider.public_id}|{visit.location.public_id}|{start.isoformat()}"
    # when they try to move it there
    response = client.post("/portal/me/", {"action": "move", "visit": visit.public_id, "slot": key})
    # then it is refused and the visit is as it was
    assert response.status_code == 422 and "Online booking is open" in response.content.decode()
    assert snapshot(visit) == before


def test_the_booking_link_patient_can_cancel_too(
    client, portal, clinic, front_desk, patient, provider
):
    # given a patient with a visit and the clinic's booking link
    visit = book(front_desk, patient, provider)
    link = portal_link_make(actor=front_desk, patient=patient)
    # when they cancel from the link's page
    response = client.post(link, {"action": "cancel", "visit": visit.public_id, "reason": "other"})
    # then it is cancelled
    visit.refresh_from_db()
    assert response.status_code == 200 and visit.status == Status.CANCELLED
