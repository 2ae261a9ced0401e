"""Sign-in security through the API and the token command: expiring and rotated tokens, a
clinic admin's reset links and two-step resets (a role matrix whose refusals change nothing),
and the clinic's two-step setting."""

from __future__ import annotations

import io
from datetime import timedelta

import pyotp
import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.practice.models import ApiToken, Clinic, RecoveryCode, TotpDevice
from medassist.practice.services import totp_enrolment_begin, totp_enrolment_confirm
from tests import factories
from tests.api.conftest import Api

ROLES = [*factories.STAFF_ROLES, "other_clinic_physician", None]


def _bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def _enrol(user) -> None:
    device = totp_enrolment_begin(actor=user)
    totp_enrolment_confirm(actor=user, code=pyotp.TOTP(device.secret).now())


def _state() -> dict:
    return {
        "audit": AuditEvent.objects.exclude(action=AuditEvent.Action.REFUSED).count(),
        "devices": TotpDevice.objects.count(),
        "codes": RecoveryCode.objects.count(),
        "two_step_for_all": sorted(Clinic.objects.values_list("pk", "mfa_for_all_staff")),
    }


# ---------------------------------------------------------------------------- tokens


def test_a_token_expires_after_the_configured_days(front_desk, settings):
    # given
    token, _ = ApiToken.issue(front_desk, "tablet")
    # then
    lifetime = token.expires_at - token.created_at
    assert abs(lifetime - timedelta(days=settings.MEDASSIST_API_TOKEN_DAYS)) < timedelta(minutes=1)


def test_an_expired_token_gets_a_clear_401_and_changes_nothing(front_desk):
    # given a token past its expiry
    token, key = ApiToken.issue(front_desk, "tablet")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    before = AuditEvent.objects.exclude(action=AuditEvent.Action.REFUSED).count()
    # when
    response = Client().post(
        "/api/patients",
        {"first_name": "A", "last_name": "B", "date_of_birth": "1990-01-01", "sex": "F"},
        content_type="application/json",
        headers=_bearer(key),
    )
    # then
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "token_expired"
    assert "expired on" in body["message"] and "create_api_token" in body["message"]
    assert AuditEvent.objects.exclude(action=AuditEvent.Action.REFUSED).count() == before
    token.refresh_from_db()
    assert token.last_used_at is None


def test_an_expired_token_is_refused_by_the_fhir_server_too(front_desk):
    token, key = ApiToken.issue(front_desk, "tablet")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = Client().get("/fhir/r4/Patient", headers=_bearer(key))
    assert response.status_code == 401


def test_create_api_token_works_without_a_name_and_takes_days(front_desk):
    # when
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", "frontdesk", "--days", "7", stdout=out, stderr=err)
    # then
    key = out.getvalue().strip()
    token = ApiToken.objects.get(user=front_desk)
    assert token.name.startswith("API token ")
    assert abs(token.expires_at - timezone.now() - timedelta(days=7)) < timedelta(minutes=1)
    assert "valid until" in err.getvalue()
    assert Client().get("/api/practice/rooms", headers=_bearer(key)).status_code == 200
    issued = AuditEvent.objects.get(object_type="practice.ApiToken")
    assert issued.detail["token"] == "issued" and key not in str(issued.detail)
    assert issued.clinic_id == front_desk.clinic_id


@pytest.mark.parametrize("days", ["0", "-3", "400"])
def test_create_api_token_refuses_impossible_days(front_desk, days):
    with pytest.raises(CommandError, match="--days"):
        call_command("create_api_token", "frontdesk", "--days", days, stdout=io.StringIO())
    assert ApiToken.objects.count() == 0


def test_create_api_token_rotate_revokes_the_old_token_of_that_name(front_desk):
    # given a token named "lab"
    _, old = ApiToken.issue(front_desk, "lab")
    # when it is rotated from the console
    out = io.StringIO()
    call_command(
        "create_api_token",
        "frontdesk",
        "--name",
        "lab",
        "--rotate",
        stdout=out,
        stderr=io.StringIO(),
    )
    # then the new key works and the old one does not
    new = out.getvalue().strip()
    assert Client().get("/api/practice/rooms", headers=_bearer(new)).status_code == 200
    assert Client().get("/api/practice/rooms", headers=_bearer(old)).status_code == 401
    whats = sorted(
        e.detail["token"] for e in AuditEvent.objects.filter(object_type="practice.ApiToken")
    )
    assert whats == ["revoked", "rotated"]


def test_a_script_rotates_its_own_token(front_desk):
    # given
    _, old = ApiToken.issue(front_desk, "lab")
    # when
    response = Client().post("/api/practice/tokens/rotate", headers=_bearer(old))
    # then
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "lab" and body["token"].startswith(body["prefix"])
    assert Client().get("/api/practice/rooms", headers=_bearer(body["token"])).status_code == 200
    assert Client().get("/api/practice/rooms", headers=_bearer(old)).status_code == 401


def test_rotating_needs_a_token_not_a_session(front_desk, client_for):
    before = ApiToken.objects.count()
    response = client_for(front_desk).post("/api/practice/tokens/rotate")
    assert response.status_code == 403
    assert "Bearer" in response.json()["message"]
    assert ApiToken.objects.count() == before


# ---------------------------------------------------------------------------- role matrix


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("endpoint", "ok"),
    [("reset-link", 201), ("two-step/reset", 204)],
    ids=["reset-link", "two-step"],
)
def test_reset_endpoints_answer_each_role_and_refusals_change_nothing(cast, role, endpoint, ok):
    # given the front desk with an authenticator
    target = cast["front_desk"]
    _enrol(target)
    api = Api(cast[role]) if role else Api()
    before = _state()
    # when
    response = api.post(f"/api/practice/setup/staff/{target.public_id}/{endpoint}")
    # then
    expected = {"clinic_admin": ok, "other_clinic_physician": 403, None: 401}.get(role, 403)
    assert response.status_code == expected
    if expected != ok:
        assert _state() == before


def test_another_clinics_admin_finds_no_such_staff_member(front_desk, other_clinic):
    other_admin = factories.make_user(other_clinic, "clinic_admin", "otheradmin")
    _enrol(front_desk)
    before = _state()
    for endpoint in ["reset-link", "two-step/reset"]:
        response = Api(other_admin).post(
            f"/api/practice/setup/staff/{front_desk.public_id}/{endpoint}"
        )
        assert response.status_code == 404
    assert _state() == before


def test_a_reset_link_from_the_api_works_once_and_is_audited(clinic_admin, front_desk):
    # when
    response = Api(clinic_admin).post(
        f"/api/practice/setup/staff/{front_desk.public_id}/reset-link"
    )
    # then
    body = response.json()
    assert body["path"].startswith("/account/reset/") and body["valid_hours"] == 24
    assert AuditEvent.objects.filter(
        actor=clinic_admin, detail__password="reset link issued"
    ).exists()
    assert Client().get(body["path"]).status_code == 200


def test_a_two_step_reset_removes_the_authenticator_and_is_audited(clinic_admin, biller):
    _enrol(biller)
    response = Api(clinic_admin).post(
        f"/api/practice/setup/staff/{biller.public_id}/two-step/reset"
    )
    assert response.status_code == 204
    assert not TotpDevice.objects.filter(user=biller).exists()
    assert not RecoveryCode.objects.filter(user=biller).exists()
    event = AuditEvent.objects.get(actor=clinic_admin, detail__two_step="reset")
    assert event.object_id == str(biller.public_id)


@pytest.mark.parametrize("role", ROLES)
def test_the_clinic_two_step_setting_is_for_the_clinic_admin(cast, role):
    api = Api(cast[role]) if role else Api()
    before = _state()
    response = api.patch("/api/practice/setup/clinic", {"two_step_for_all": True})
    expected = {"clinic_admin": 200, None: 401}.get(role, 403)
    assert response.status_code == expected
    if expected == 200:
        assert response.json()["two_step_for_all"] is True
        event = AuditEvent.objects.get(object_type="practice.Clinic")
        assert event.detail["changed"] == {"mfa_for_all_staff": {"from": False, "to": True}}
    else:
        assert _state() == before
