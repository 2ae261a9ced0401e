"""Two-step sign-in: password, then a code from an authenticator app (TOTP) or a one-time
recovery code. Required for clinic admins and billers (sent to enrolment after their
password), optional for other roles unless their clinic asks it of everyone."""

from __future__ import annotations

import time

import pyotp
import pytest
from django.test import Client

from medassist.audit.models import AuditEvent
from medassist.core.errors import PermissionDenied
from medassist.practice.errors import TwoStepRequired
from medassist.practice.models import RecoveryCode, TotpDevice
from medassist.practice.services import (
    clinic_set_two_step_for_all,
    totp_enrolment_begin,
    totp_enrolment_confirm,
    two_step_turn_off,
)
from medassist.practice.services.two_step import _recovery_hash

PASSWORD = "correct horse battery"


def enrol(user) -> tuple[str, list[str]]:
    """Enrol an authenticator for the user; its secret and recovery codes."""
    device = totp_enrolment_begin(actor=user)
    codes = totp_enrolment_confirm(actor=user, code=pyotp.TOTP(device.secret).now())
    return device.secret, codes


def next_code(secret: str) -> str:
    """The app's next code (the one just used to enrol is not accepted twice)."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def password_step(client: Client, username: str, path: str = "/login/"):
    return client.post(path, {"username": username, "password": PASSWORD})


def logged_in(client: Client):
    return client.session.get("_auth_user_id")


def test_a_clinic_admin_is_sent_to_enrolment_after_the_password(clinic_admin):
    # given
    client = Client()
    # when the password is right
    response = password_step(client, "admin")
    # then the admin is not signed in yet but sent to set up an authenticator
    assert response.status_code == 302 and response.url == "/login/two-step/"
    assert logged_in(client) is None
    page = client.get("/login/two-step/")
    assert page.status_code == 200
    assert 'src="/login/two-step/qr.svg"' in page.content.decode()
    # and the protected pages still send them to log in
    assert client.get("/patients/").status_code == 302


def test_enrolment_shows_a_qr_image_then_ten_recovery_codes_once_and_signs_in(clinic_admin):
    # given the admin at the enrolment page
    client = Client()
    password_step(client, "admin")
    client.get("/login/two-step/")
    device = TotpDevice.objects.get(user=clinic_admin)
    qr = client.get("/login/two-step/qr.svg")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"
    assert qr.content.lstrip().startswith(b"<?xml") and b"<svg" in qr.content
    # when the code from the app is entered
    response = client.post("/login/two-step/", {"code": pyotp.TOTP(device.secret).now()})
    # then ten recovery codes are shown, stored only as hashes, and the admin is signed in
    assert response.status_code == 200
    codes = [c for c in response.context["codes"]]
    assert len(codes) == 10 and len(set(codes)) == 10
    for code in codes:
        assert code in response.content.decode()
    stored = set(RecoveryCode.objects.filter(user=clinic_admin).values_list("code_hash", flat=True))
    assert stored == {_recovery_hash(c) for c in codes}
    assert not stored & set(codes)
    assert logged_in(client) == str(clinic_admin.pk)
    device.refresh_from_db()
    assert device.confirmed_at is not None
    enrolled = AuditEvent.objects.get(object_type="practice.User", detail__two_step="enrolled")
    assert enrolled.actor == clinic_admin and device.secret not in str(enrolled.detail)
    # and the QR code is gone once confirmed
    assert client.get("/login/two-step/qr.svg").status_code == 404


def test_a_wrong_enrolment_code_leaves_the_authenticator_unconfirmed(clinic_admin):
    # given
    client = Client()
    password_step(client, "admin")
    client.get("/login/two-step/")
    # when
    response = client.post("/login/two-step/", {"code": "000000"})
    # then
    assert response.status_code == 200
    assert "does not match" in response.content.decode()
    assert TotpDevice.objects.get(user=clinic_admin).confirmed_at is None
    assert logged_in(client) is None
    assert not RecoveryCode.objects.filter(user=clinic_admin).exists()


def test_an_enrolled_user_signs_in_with_password_then_code(biller):
    # given a biller with an authenticator
    secret, _ = enrol(biller)
    client = Client()
    # when the password is right
    response = password_step(client, "biller")
    # then the code is asked for, and only the code signs in
    assert response.status_code == 302 and response.url == "/login/code/"
    assert logged_in(client) is None
    assert client.post("/login/code/", {"code": "123456"}).status_code == 200
    assert logged_in(client) is None
    response = client.post("/login/code/", {"code": next_code(secret)})
    assert response.status_code == 302
    assert logged_in(client) == str(biller.pk)
    login = AuditEvent.objects.get(action="login", actor=biller)
    assert login.detail == {"second_step": "authenticator"}


def test_a_code_is_accepted_only_once(physician):
    # given a physician who chose two-step sign-in and signed in with a code
    secret, _ = enrol(physician)
    code = next_code(secret)
    first = Client()
    password_step(first, "doctor")
    assert first.post("/login/code/", {"code": code}).status_code == 302
    # when the same code is replayed on another sign-in
    second = Client()
    password_step(second, "doctor")
    response = second.post("/login/code/", {"code": code})
    # then it is refused
    assert response.status_code == 200
    assert logged_in(second) is None


def test_a_recovery_code_signs_in_once(clinic_admin):
    # given
    _, codes = enrol(clinic_admin)
    first = Client()
    password_step(first, "admin")
    # when a recovery code is used
    assert first.post("/login/code/", {"code": codes[3].upper()}).status_code == 302
    # then it worked once, and not again
    second = Client()
    password_step(second, "admin")
    assert second.post("/login/code/", {"code": codes[3]}).status_code == 200
    assert logged_in(second) is None
    assert AuditEvent.objects.get(action="login").detail == {"second_step": "recovery_code"}
    assert RecoveryCode.objects.filter(user=clinic_admin, used_at__isnull=True).count() == 9


def test_five_wrong_codes_lock_the_second_step_even_for_the_right_code(clinic_admin):
    # given
    secret, _ = enrol(clinic_admin)
    client = Client()
    password_step(client, "admin")
    for _ in range(5):
        client.post("/login/code/", {"code": "000000"})
    # when the right code is entered
    response = client.post("/login/code/", {"code": next_code(secret)})
    # then it is refused as locked, audited, and nobody is signed in
    assert response.status_code == 429
    assert "locked" in response.content.decode()
    assert logged_in(client) is None
    failures = AuditEvent.objects.filter(action="login_failed", detail__step="code")
    assert failures.count() == 6
    assert AuditEvent.objects.filter(object_type="practice.SignInLock").count() == 1


def test_the_second_step_expires_after_five_minutes(clinic_admin, monkeypatch):
    # given the password given six minutes ago
    secret, _ = enrol(clinic_admin)
    client = Client()
    password_step(client, "admin")
    later = time.time() + 360
    monkeypatch.setattr("medassist.practice.views.signin.time.time", lambda: later)
    # when the code is entered
    response = client.post("/login/code/", {"code": next_code(secret)})
    # then it starts again at the password
    assert response.status_code == 302 and response.url == "/login/"
    assert logged_in(client) is None


def test_the_code_page_without_a_password_step_goes_back_to_login(db):
    assert Client().get("/login/code/").url == "/login/"
    assert Client().post("/login/code/", {"code": "123456"}).url == "/login/"
    assert Client().get("/login/two-step/").url == "/login/"
    assert Client().get("/login/two-step/qr.svg").status_code == 404


def test_front_desk_signs_in_with_the_password_alone_by_default(front_desk):
    client = Client()
    response = password_step(client, "frontdesk")
    assert response.status_code == 302 and response.url == "/"
    assert logged_in(client) == str(front_desk.pk)


def test_a_clinic_asking_it_of_everyone_sends_front_desk_to_enrolment(front_desk, clinic_admin):
    # given the clinic admin asks two-step sign-in of every role
    clinic_set_two_step_for_all(actor=clinic_admin, clinic=clinic_admin.clinic, required=True)
    event = AuditEvent.objects.get(object_type="practice.Clinic")
    assert event.detail["changed"] == {"mfa_for_all_staff": {"from": False, "to": True}}
    client = Client()
    # when the front desk signs in
    response = password_step(client, "frontdesk")
    # then they are sent to set it up
    assert response.url == "/login/two-step/"
    assert logged_in(client) is None


def test_only_a_clinic_admin_changes_the_clinic_setting(front_desk):
    with pytest.raises(PermissionDenied):
        clinic_set_two_step_for_all(actor=front_desk, clinic=front_desk.clinic, required=True)
    front_desk.clinic.refresh_from_db()
    assert front_desk.clinic.mfa_for_all_staff is False


def test_the_admin_site_login_asks_for_the_code_too(clinic_admin):
    # given an admin with an authenticator and admin-site access
    clinic_admin.is_staff = True
    clinic_admin.save()
    secret, _ = enrol(clinic_admin)
    client = Client()
    # when the password is given on the admin's login page
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "admin", "password": PASSWORD, "next": "/admin/"}
    )
    # then the code is asked for before the admin site opens
    assert response.url == "/login/code/"
    assert client.get("/admin/").status_code == 302
    response = client.post("/login/code/", {"code": next_code(secret)})
    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_signed_in_user_without_admin_access_is_told_so_at_the_admin_login(
    front_desk, client_for
):
    response = client_for(front_desk).get("/admin/login/?next=/admin/")
    assert response.status_code == 403
    assert "may not use the admin site" in response.content.decode()


def test_an_optional_user_may_turn_it_off_but_a_required_one_may_not(physician, biller):
    # given both enrolled
    enrol(physician)
    enrol(biller)
    # when / then
    two_step_turn_off(actor=physician)
    assert not TotpDevice.objects.filter(user=physician).exists()
    assert not RecoveryCode.objects.filter(user=physician).exists()
    with pytest.raises(TwoStepRequired):
        two_step_turn_off(actor=biller)
    assert TotpDevice.objects.filter(user=biller).exists()


def test_a_staff_member_sets_it_up_from_their_account_page(medical_assistant, client_for):
    # given
    client = client_for(medical_assistant)
    assert "Set up two-step sign-in" in client.get("/account/").content.decode()
    client.get("/account/two-step/")
    secret = TotpDevice.objects.get(user=medical_assistant).secret
    # when
    response = client.post("/account/two-step/", {"code": pyotp.TOTP(secret).now()})
    # then
    assert response.status_code == 200 and len(response.context["codes"]) == 10
    page = client.get("/account/").content.decode()
    assert "Recovery codes left: <strong>10</strong>" in page


def test_new_recovery_codes_replace_the_old_ones(medical_assistant, client_for):
    # given
    _, old = enrol(medical_assistant)
    client = client_for(medical_assistant)
    # when
    response = client.post("/account/two-step/recovery-codes/")
    # then
    new = response.context["codes"]
    assert len(new) == 10 and not set(new) & set(old)
    hashes = set(
        RecoveryCode.objects.filter(user=medical_assistant).values_list("code_hash", flat=True)
    )
    assert hashes == {_recovery_hash(c) for c in new}
