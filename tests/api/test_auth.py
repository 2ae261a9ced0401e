"""Who the API lets in: bearer tokens, sessions with CSRF, and the token-issuing command."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from medassist.patients.models import Patient
from medassist.practice.models import ApiToken
from tests.api.conftest import Api, snapshot

NEW_PATIENT = {
    "first_name": "Lena",
    "last_name": "Okafor",
    "date_of_birth": "1972-11-02",
    "sex": "F",
}


def test_a_valid_bearer_token_is_accepted_and_its_last_use_recorded(front_desk):
    # given
    token, key = ApiToken.issue(front_desk, "front desk tablet")
    # when
    response = Client().get("/api/practice/providers", headers={"Authorization": f"Bearer {key}"})
    # then
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize(
    "header",
    [None, "Bearer ma_not-a-real-token", "Bearer ", "Token abc", "Basic Zm9vOmJhcg=="],
    ids=["none", "unknown", "empty", "wrong-scheme", "basic"],
)
def test_a_missing_or_invalid_token_gets_401(front_desk, header):
    # given
    headers = {"Authorization": header} if header else {}
    # when
    response = Client().get("/api/practice/providers", headers=headers)
    # then
    assert response.status_code == 401
    assert response.json() == {
        "code": "not_authenticated",
        "message": "Log in or send a valid token.",
    }


def test_a_revoked_token_gets_401_and_cannot_write(front_desk):
    # given
    token, key = ApiToken.issue(front_desk, "old tablet")
    token.revoked_at = timezone.now()
    token.save()
    before = snapshot()
    # when
    response = Client().post(
        "/api/patients",
        NEW_PATIENT,
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    # then
    assert response.status_code == 401
    assert snapshot() == before


def test_a_token_of_a_deactivated_user_gets_401(front_desk):
    # given
    _, key = ApiToken.issue(front_desk, "tablet")
    front_desk.is_active = False
    front_desk.save()
    # when
    response = Client().get("/api/practice/providers", headers={"Authorization": f"Bearer {key}"})
    # then
    assert response.status_code == 401


def test_only_the_hash_of_a_token_is_stored(front_desk):
    # when
    token, key = ApiToken.issue(front_desk, "tablet")
    # then
    assert key not in {token.key_hash, token.prefix, token.name}
    assert token.key_hash == ApiToken.hash_key(key)


def test_a_logged_in_session_can_read(front_desk, client_for):
    # given
    client = client_for(front_desk)
    # when
    response = client.get("/api/practice/visit-types")
    # then
    assert response.status_code == 200
    assert {v["code"] for v in response.json()} == {"follow-up", "new"}


def test_a_session_write_without_a_csrf_token_is_refused_and_changes_nothing(front_desk):
    # given
    client = Client(enforce_csrf_checks=True)
    client.force_login(front_desk)
    before = snapshot()
    # when
    response = client.post("/api/patients", NEW_PATIENT, content_type="application/json")
    # then
    assert response.status_code == 403
    assert "CSRF" in response.json()["message"]
    assert snapshot() == before


def test_a_session_write_with_the_csrf_token_is_accepted(front_desk):
    # given
    client = Client(enforce_csrf_checks=True)
    client.get("/login/")  # the login form hands out the CSRF cookie, as a browser would get it
    client.force_login(front_desk)
    csrf = client.cookies["csrftoken"].value
    # when
    response = client.post(
        "/api/patients", NEW_PATIENT, content_type="application/json", headers={"X-CSRFToken": csrf}
    )
    # then
    assert response.status_code == 201
    assert Patient.objects.filter(last_name="Okafor").count() == 1


def test_a_token_write_needs_no_csrf_token(front_desk):
    # given
    api = Api(front_desk, client=Client(enforce_csrf_checks=True))
    # when
    response = api.post("/api/patients", NEW_PATIENT)
    # then
    assert response.status_code == 201


def test_create_api_token_prints_a_working_token_once_and_stores_only_its_hash(front_desk):
    # given
    out, err = io.StringIO(), io.StringIO()
    # when
    call_command("create_api_token", "frontdesk", "--name", "lab interface", stdout=out, stderr=err)
    # then
    key = out.getvalue().strip()
    token = ApiToken.objects.get(user=front_desk)
    assert token.name == "lab interface"
    assert token.key_hash == ApiToken.hash_key(key)
    assert key not in err.getvalue()
    assert "cannot be shown again" in err.getvalue()
    response = Client().get("/api/practice/rooms", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("username", "name", "message"),
    [
        ("nobody", "x", "No user named"),
        ("frontdesk", "   ", "Give the token a name"),
        ("frontdesk", "n" * 101, "limited to 100"),
    ],
    ids=["unknown-user", "blank-name", "long-name"],
)
def test_create_api_token_refuses_bad_input_and_issues_nothing(front_desk, username, name, message):
    # when
    with pytest.raises(CommandError) as err:
        call_command("create_api_token", username, "--name", name, stdout=io.StringIO())
    # then
    assert message in str(err.value)
    assert ApiToken.objects.count() == 0


def test_create_api_token_refuses_a_deactivated_user(front_desk):
    # given
    front_desk.is_active = False
    front_desk.save()
    # when
    with pytest.raises(CommandError) as err:
        call_command("create_api_token", "frontdesk", "--name", "tablet", stdout=io.StringIO())
    # then
    assert "deactivated" in str(err.value)
    assert ApiToken.objects.count() == 0


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer ma_not-a-real-token"}],
    ids=["no-credentials", "unknown-token"],
)
def test_a_write_without_valid_credentials_gets_401_not_a_csrf_refusal(front_desk, headers):
    # given a client that enforces CSRF, as a browser or script would meet it
    client = Client(enforce_csrf_checks=True)
    before = snapshot()
    # when
    response = client.post(
        "/api/patients", NEW_PATIENT, content_type="application/json", headers=headers
    )
    # then
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert snapshot() == before
