"""Sessions end 12 hours after sign-in however active; a staff member changes their own
password; a clinic admin's one-time reset link; the breached-password list."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from medassist.audit.models import AuditEvent
from medassist.core.errors import NotFound, PermissionDenied
from medassist.practice.errors import BadResetLink, WrongPassword
from medassist.practice.middleware import SIGNED_IN_AT
from medassist.practice.passwords import is_breached
from medassist.practice.services import (
    password_change,
    password_reset_complete,
    password_reset_link_issue,
)

PASSWORD = "correct horse battery"
NEW = "plum tractor lantern 84"


def _sign_in(username: str) -> Client:
    client = Client()
    assert client.post("/login/", {"username": username, "password": PASSWORD}).status_code == 302
    return client


def _age_session(client: Client, seconds: float) -> None:
    session = client.session
    session[SIGNED_IN_AT] = time.time() - seconds
    session.save()


def test_a_session_ends_after_the_absolute_limit_even_when_active(front_desk, settings):
    # given a front desk signed in 12 hours and a minute ago, active all along
    client = _sign_in("frontdesk")
    assert client.get("/patients/").status_code == 200
    _age_session(client, settings.MEDASSIST_SESSION_MAX_HOURS * 3600 + 60)
    # when they open a page
    response = client.get("/patients/")
    # then they are signed out and sent to sign in, told why
    assert response.status_code == 302 and response.url.startswith("/login/?next=/patients/")
    assert "_auth_user_id" not in client.session
    page = client.get(response.url)
    assert "the most one sign-in lasts" in page.content.decode()


def test_a_session_within_the_limit_goes_on(front_desk, settings):
    client = _sign_in("frontdesk")
    _age_session(client, settings.MEDASSIST_SESSION_MAX_HOURS * 3600 - 60)
    assert client.get("/patients/").status_code == 200


def test_an_htmx_request_past_the_limit_is_sent_to_sign_in(front_desk, settings):
    client = _sign_in("frontdesk")
    _age_session(client, settings.MEDASSIST_SESSION_MAX_HOURS * 3600 + 60)
    response = client.get("/patients/", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response["HX-Redirect"].startswith("/login/")


def test_the_api_with_a_session_past_the_limit_answers_401(front_desk, settings):
    client = _sign_in("frontdesk")
    _age_session(client, settings.MEDASSIST_SESSION_MAX_HOURS * 3600 + 60)
    response = client.get("/api/practice/rooms")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_sign_in_stamps_the_session(front_desk):
    client = _sign_in("frontdesk")
    assert abs(client.session[SIGNED_IN_AT] - time.time()) < 60


# ---------------------------------------------------------------------------- own password


def test_a_staff_member_changes_their_password_on_the_screen(front_desk):
    # given
    client = _sign_in("frontdesk")
    # when
    response = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    # then they stay signed in, the new password works, and it is audited without it
    assert response.status_code == 302 and response.url == "/account/"
    assert client.get("/account/").status_code == 200
    front_desk.refresh_from_db()
    assert front_desk.check_password(NEW)
    event = AuditEvent.objects.get(object_type="practice.User", detail__password__isnull=False)
    assert event.detail == {"password": "changed by its owner"}
    assert NEW not in str(event.detail) and front_desk.password not in str(event.detail)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("wrong", NEW, "current password is not right"),
        (PASSWORD, "password123", "found in breaches"),
        (PASSWORD, "Summer2024!", "found in breaches"),
        (PASSWORD, "short", "too short"),
        (PASSWORD, PASSWORD, "not the current one"),
    ],
    ids=["wrong-current", "breached", "breached-with-digits", "too-short", "same"],
)
def test_a_refused_password_change_says_why_and_changes_nothing(front_desk, old, new, message):
    # given
    client = _sign_in("frontdesk")
    before = front_desk.password
    # when
    response = client.post(
        "/account/password/", {"old_password": old, "new_password1": new, "new_password2": new}
    )
    # then
    assert response.status_code == 422
    assert message in response.content.decode()
    front_desk.refresh_from_db()
    assert front_desk.password == before


def test_the_two_new_passwords_must_match(front_desk):
    client = _sign_in("frontdesk")
    response = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW + "x"},
    )
    assert response.status_code == 422 and "differ" in response.content.decode()


def test_the_change_service_refuses_a_wrong_current_password(front_desk):
    with pytest.raises(WrongPassword):
        password_change(actor=front_desk, old_password="nope", new_password=NEW)


# ---------------------------------------------------------------------------- reset links


def test_a_reset_link_sets_a_new_password_once(clinic_admin, front_desk):
    # given a clinic admin issues a link
    path = password_reset_link_issue(actor=clinic_admin, user=front_desk)
    issued = AuditEvent.objects.get(detail__password="reset link issued")
    assert issued.actor == clinic_admin and path.split("/")[-2] not in str(issued.detail)
    client = Client()
    assert client.get(path).status_code == 200
    # when the person sets a new password through it
    response = client.post(path, {"new_password1": NEW, "new_password2": NEW})
    # then it is set and audited, and the link no longer works
    assert response.status_code == 302 and response.url == "/login/"
    front_desk.refresh_from_db()
    assert front_desk.check_password(NEW)
    assert AuditEvent.objects.filter(actor=front_desk, detail__password="reset by link").exists()
    again = client.post(path, {"new_password1": NEW + "!", "new_password2": NEW + "!"})
    assert again.status_code == 422 and "ask your clinic admin" in again.content.decode()
    front_desk.refresh_from_db()
    assert front_desk.check_password(NEW)


def test_a_reset_link_ends_the_account_lockout(clinic_admin, front_desk):
    # given a locked account
    for _ in range(5):
        Client().post("/login/", {"username": "frontdesk", "password": "wrong"})
    path = password_reset_link_issue(actor=clinic_admin, user=front_desk)
    # when the password is reset
    Client().post(path, {"new_password1": NEW, "new_password2": NEW})
    # then the new password signs in
    response = Client().post("/login/", {"username": "frontdesk", "password": NEW})
    assert response.status_code == 302


def test_a_reset_link_refuses_a_breached_password(clinic_admin, front_desk):
    path = password_reset_link_issue(actor=clinic_admin, user=front_desk)
    response = Client().post(path, {"new_password1": "iloveyou", "new_password2": "iloveyou"})
    assert response.status_code == 422 and "found in breaches" in response.content.decode()
    front_desk.refresh_from_db()
    assert front_desk.check_password(PASSWORD)


def test_a_tampered_reset_link_is_refused(clinic_admin, front_desk):
    path = password_reset_link_issue(actor=clinic_admin, user=front_desk)
    response = Client().get(path[:-3] + "xyz/")
    assert response.status_code == 422
    with pytest.raises(BadResetLink):
        password_reset_complete(user_id="not-a-uuid", token="x", password=NEW)


@pytest.mark.parametrize("who", ["front_desk", "physician", "biller", "medical_assistant"])
def test_only_a_clinic_admin_issues_reset_links(cast, who):
    with pytest.raises(PermissionDenied):
        password_reset_link_issue(actor=cast[who], user=cast["front_desk"])
    assert not AuditEvent.objects.filter(detail__password="reset link issued").exists()


def test_another_clinics_admin_cannot_issue_a_link(front_desk, other_clinic):
    from tests import factories

    other_admin = factories.make_user(other_clinic, "clinic_admin", "otheradmin")
    with pytest.raises(NotFound):
        password_reset_link_issue(actor=other_admin, user=front_desk)


# ---------------------------------------------------------------------------- breached list


@pytest.mark.parametrize(
    ("password", "breached"),
    [
        ("password", True),
        ("qwertyuiop", True),  # in zxcvbn's list
        ("Dragon99", True),
        ("Summer2024!", True),  # "summer" with digits and punctuation after it
        ("correct horse battery", False),
        ("plum tractor lantern 84", False),
    ],
)
def test_the_breached_password_check(password, breached):
    assert is_breached(password) is breached
