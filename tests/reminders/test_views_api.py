"""The reminders screen and API: who may see and do what, and refused requests change nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from medassist.practice.models import ApiToken
from medassist.reminders.models import Message, PatientReply
from tests import factories

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", *factories.STAFF_ROLES, "other_clinic_physician", "other_clinic_front_desk"]
ALLOWED = {"front_desk", "clinic_admin"}  # reminder.view: the screen, the lists
MANAGE = {"front_desk", "clinic_admin"}  # reminder.manage: retry, mark a reply done


@pytest.fixture
def who(cast, other_clinic):
    cast = dict(cast)
    cast["other_clinic_front_desk"] = factories.make_user(other_clinic, "front_desk", "otherfd")
    return lambda role: None if role == "anonymous" else cast[role]


@pytest.fixture
def failed(visit):
    return Message.objects.create(
        clinic=visit.clinic,
        patient=visit.patient,
        appointment=visit,
        channel="sms",
        to="+15185550142",
        body="Reminder",
        scheduled_for=timezone.now() - timedelta(hours=1),
        status=Message.Status.FAILED,
        attempts=3,
        max_attempts=3,
        last_error="Text service answered 500: upstream broke",
    )


@pytest.fixture
def task(visit):
    return PatientReply.objects.create(
        clinic=visit.clinic,
        patient=visit.patient,
        appointment=visit,
        via="sms",
        action="reschedule",
        body="R",
        received_at=timezone.now(),
        needs_staff=True,
        staff_note="Patient wants to reschedule.",
    )


def api(client, user):
    if user is None:
        return {}
    _, key = ApiToken.issue(user, "t")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def expected(role, ok=200, cross=404, allowed=ALLOWED):
    if role == "anonymous":
        return None
    if role == "other_clinic_front_desk":
        return cross
    return ok if role in allowed else 403


# ---------------------------------------------------------------------------- screen


@pytest.mark.parametrize("role", ROLES)
def test_reminders_screen_role_matrix(role, who, client_for, failed, task):
    response = client_for(who(role)).get(reverse("reminders:home"))
    if role == "anonymous":
        assert response.status_code == 302 and "/login/" in response["Location"]
        return
    assert response.status_code == expected(role, cross=200)
    page = response.content.decode()
    if role in ALLOWED:
        # failures first, with their error and a retry button; the desk's task
        assert page.index("upstream broke") < page.index("Today and the next 7 days")
        assert "Patient wants to reschedule." in page
    if role in MANAGE:
        assert ">Retry</button>" in page and ">Done</button>" in page
    if role == "other_clinic_front_desk":
        assert failed.patient.last_name not in page


def test_reminders_screen_query_count(
    client_for, front_desk, failed, task, visit, django_assert_max_num_queries
):
    from medassist.worker.loop import run_once

    run_once()
    client = client_for(front_desk)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("reminders:home"))
    assert response.status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_retry_role_matrix_and_refusals_change_nothing(role, who, client_for, failed, snapshot):
    before = snapshot()
    response = client_for(who(role)).post(reverse("reminders:retry", args=[failed.public_id]))
    failed.refresh_from_db()
    if role in MANAGE:
        assert response.status_code == 302
        assert failed.max_attempts == 4 and failed.next_attempt_at is not None
    else:
        assert response.status_code == (expected(role, allowed=MANAGE) or 302)
        assert snapshot() == before


def test_retry_sends_the_failed_message_on_the_next_pass(client_for, front_desk, failed, texts):
    from medassist.worker.loop import run_once

    client_for(front_desk).post(reverse("reminders:retry", args=[failed.public_id]))
    run_once()
    failed.refresh_from_db()
    assert failed.status == Message.Status.SENT
    assert texts()[0]["body"] == "Reminder"


def test_only_a_failed_message_can_be_retried(client_for, front_desk, failed, snapshot):
    Message.objects.filter(pk=failed.pk).update(status=Message.Status.SENT)
    before = snapshot()
    response = client_for(front_desk).post(reverse("reminders:retry", args=[failed.public_id]))
    assert response.status_code == 409
    assert snapshot() == before


@pytest.mark.parametrize("role", ROLES)
def test_reply_done_role_matrix_and_refusals_change_nothing(role, who, client_for, task, snapshot):
    before = snapshot()
    response = client_for(who(role)).post(reverse("reminders:reply_done", args=[task.public_id]))
    task.refresh_from_db()
    if role in MANAGE:
        assert response.status_code == 302
        assert task.handled_at is not None and task.handled_by == who(role)
    else:
        assert response.status_code == (expected(role, allowed=MANAGE) or 302)
        assert snapshot() == before


def test_the_screen_refuses_get_on_actions(client_for, front_desk, failed):
    response = client_for(front_desk).get(reverse("reminders:retry", args=[failed.public_id]))
    assert response.status_code == 405


# ---------------------------------------------------------------------------- API


@pytest.mark.parametrize("role", ROLES)
def test_api_messages_role_matrix(role, who, client, failed):
    response = client.get("/api/reminders/messages", **api(client, who(role)))
    assert response.status_code == (expected(role, cross=200) or 401)
    if role in ALLOWED:
        rows = response.json()
        assert rows[0]["id"] == str(failed.public_id)
        assert rows[0]["last_error"].startswith("Text service answered 500")
    if role == "other_clinic_front_desk":
        assert response.json() == []


@pytest.mark.parametrize("role", ROLES)
def test_api_retry_role_matrix_and_refusals_change_nothing(role, who, client, failed, snapshot):
    before = snapshot()
    response = client.post(
        f"/api/reminders/messages/{failed.public_id}/retry", **api(client, who(role))
    )
    assert response.status_code == (expected(role, allowed=MANAGE) or 401)
    if role not in MANAGE:
        assert snapshot() == before


@pytest.mark.parametrize("role", ROLES)
def test_api_replies_role_matrix(role, who, client, task):
    response = client.get("/api/reminders/replies?open_only=true", **api(client, who(role)))
    assert response.status_code == (expected(role, cross=200) or 401)
    if role in ALLOWED:
        assert response.json()[0]["action"] == "reschedule"


@pytest.mark.parametrize("role", ROLES)
def test_api_reply_done_role_matrix_and_refusals_change_nothing(role, who, client, task, snapshot):
    before = snapshot()
    response = client.post(
        f"/api/reminders/replies/{task.public_id}/done", **api(client, who(role))
    )
    assert response.status_code == (expected(role, allowed=MANAGE) or 401)
    if role in MANAGE:
        assert response.json()["handled"] is True
    else:
        assert snapshot() == before


@pytest.mark.parametrize(
    "query",
    ["status=bogus", "days=0", "days=400", "from=2026-02-30", "from=yesterday"],
)
def test_api_messages_bad_query_is_a_clear_422(client, front_desk, query):
    response = client.get(f"/api/reminders/messages?{query}", **api(client, front_desk))
    assert response.status_code == 422
    assert response.json()["message"]


def test_api_unknown_message_is_404(client, front_desk):
    response = client.post(
        "/api/reminders/messages/00000000-0000-0000-0000-000000000000/retry",
        **api(client, front_desk),
    )
    assert response.status_code == 404


# ---------------------------------------------------------------------------- reminder.manage


@pytest.fixture
def view_only(monkeypatch):
    """A role table where the front desk may see reminders but not act on them."""
    from medassist.practice.roles import AD, PERMISSIONS

    monkeypatch.setitem(PERMISSIONS, "reminder.manage", frozenset({AD}))


def test_reminder_writes_need_manage_not_only_view(
    view_only, client_for, client, front_desk, failed, task, snapshot
):
    from medassist.audit.models import AuditEvent
    from medassist.core.errors import PermissionDenied
    from medassist.reminders import services

    updates = AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE)
    before, updated = snapshot(), updates.count()

    # given a front desk who may view reminders but not manage them
    # when they open the screen, it shows the failure and the task, without buttons
    page = client_for(front_desk).get(reverse("reminders:home")).content.decode()
    assert "upstream broke" in page and "Patient wants to reschedule." in page
    assert ">Retry</button>" not in page and ">Done</button>" not in page

    # and every way to retry or mark done is refused: screen, API and service
    web = client_for(front_desk)
    assert web.post(reverse("reminders:retry", args=[failed.public_id])).status_code == 403
    assert web.post(reverse("reminders:reply_done", args=[task.public_id])).status_code == 403
    key = api(client, front_desk)
    assert (
        client.post(f"/api/reminders/messages/{failed.public_id}/retry", **key).status_code == 403
    )
    assert client.post(f"/api/reminders/replies/{task.public_id}/done", **key).status_code == 403
    with pytest.raises(PermissionDenied):
        services.message_retry(actor=front_desk, message=failed)
    with pytest.raises(PermissionDenied):
        services.reply_mark_handled(actor=front_desk, reply=task)

    # then nothing changed, and the lists still answer
    assert snapshot() == before
    assert updates.count() == updated
    assert client.get("/api/reminders/messages", **key).status_code == 200
