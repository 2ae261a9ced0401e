"""The sign-in throttle: one count per account (its NFKC + casefolded username) and one per
client address, on the login page and the Django admin's login alike, atomic under
concurrency, with a clear message, a cool-down and an audited lock."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.practice.models import SignInThrottle, User
from medassist.practice.throttle import account_key
from tests import factories

PASSWORD = "correct horse battery"


def _post(client: Client, username: str, password: str, path: str = "/login/", address=None):
    extra = {"REMOTE_ADDR": address} if address else {}
    return client.post(path, {"username": username, "password": password}, **extra)


@pytest.fixture
def password_checks(monkeypatch):
    """How many times a password was actually checked against a stored hash."""
    seen = {"n": 0}
    lock = threading.Lock()
    original = User.check_password

    def counting(self, raw):
        with lock:
            seen["n"] += 1
        return original(self, raw)

    monkeypatch.setattr(User, "check_password", counting)
    return seen


@pytest.fixture
def obrien(clinic):
    return factories.make_user(clinic, "front_desk", "obrien")


def test_a_full_width_variant_of_a_locked_username_is_locked_too(obrien, password_checks):
    # given five wrong passwords for the real name
    for _ in range(5):
        _post(Client(), "obrien", "wrong")
    # when the full-width variant (which Django logs in as "obrien") tries the right password
    client = Client()
    response = _post(client, "ｏbrien", PASSWORD)
    # then it is refused before any password check, and nobody is logged in
    assert response.status_code == 429
    assert "locked" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert password_checks["n"] == 5


def test_failures_under_variants_of_a_username_share_one_count(obrien):
    # given five failures spread over case and width variants
    statuses = [
        _post(Client(), name, "wrong").status_code
        for name in ["ｏbrien", "OBRIEN", "ObRiEn", "ｏｂｒｉｅｎ", "obrien"]
    ]
    # when the real name tries the right password
    response = _post(Client(), "obrien", PASSWORD)
    # then the account is locked
    assert statuses == [200] * 5
    assert response.status_code == 429


def test_one_address_is_throttled_across_many_usernames(clinic, settings, password_checks):
    # given fifteen accounts and the default per-address limit
    for n in range(15):
        factories.make_user(clinic, "front_desk", f"user{n}")
    statuses = []
    # when one address tries four wrong passwords on each (60 attempts)
    for n in range(15):
        for _ in range(4):
            statuses.append(_post(Client(), f"user{n}", "wrong", address="203.0.113.9").status_code)
    # then only the first MEDASSIST_LOGIN_ADDRESS_LIMIT reach a password check
    limit = settings.MEDASSIST_LOGIN_ADDRESS_LIMIT
    assert password_checks["n"] == limit
    assert statuses[:limit] == [200] * limit
    assert set(statuses[limit:]) == {429}
    # and another address is not affected
    assert _post(Client(), "user14", PASSWORD, address="198.51.100.7").status_code == 302


def test_the_address_lock_says_it_is_the_address(clinic, settings):
    # given an address at its limit
    settings.MEDASSIST_LOGIN_ADDRESS_LIMIT = 2
    factories.make_user(clinic, "front_desk", "someone")
    for name in ["a", "b"]:
        _post(Client(), name, "wrong", address="203.0.113.9")
    # when a real account tries from it
    response = _post(Client(), "someone", PASSWORD, address="203.0.113.9")
    # then the message names the address, not the account
    assert response.status_code == 429
    assert "from this network address" in response.content.decode()


def test_the_django_admin_login_shares_the_same_throttle(clinic_admin, password_checks):
    # given four wrong passwords on the admin's login page and one on the main one
    for _ in range(4):
        _post(Client(), "admin", "wrong", path="/admin/login/")
    _post(Client(), "admin", "wrong")
    # when the right password is tried on the admin's login page
    client = Client()
    response = _post(client, "admin", PASSWORD, path="/admin/login/")
    # then it is refused: five failures lock the account on both pages
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert password_checks["n"] == 5


def test_the_lock_is_audited_once_with_when_it_ends(obrien):
    # when five wrong passwords are tried, and then two more
    for _ in range(7):
        _post(Client(), "obrien", "wrong")
    # then one lock event says which account and until when
    locks = AuditEvent.objects.filter(object_type="practice.SignInLock")
    assert locks.count() == 1
    lock = locks.get()
    assert (lock.action, lock.object_id, lock.clinic_id) == (
        "login_failed",
        "obrien",
        obrien.clinic_id,
    )
    assert lock.detail["lock"] == "account" and lock.detail["failures"] == 5
    assert "locked_until" in lock.detail
    # and every attempt is audited, the refused ones marked locked
    failed = AuditEvent.objects.filter(object_type="practice.User", action="login_failed")
    assert [e.detail["locked"] for e in failed.order_by("at", "id")] == [False] * 5 + [True] * 2


def test_the_account_unlocks_after_the_cool_down(obrien, settings, monkeypatch):
    # given a locked account
    for _ in range(5):
        _post(Client(), "obrien", "wrong")
    assert _post(Client(), "obrien", PASSWORD).status_code == 429
    # when the cool-down has passed
    later = timezone.now() + timedelta(minutes=settings.MEDASSIST_LOGIN_LOCK_MINUTES, seconds=5)
    monkeypatch.setattr("medassist.practice.throttle.timezone.now", lambda: later)
    client = Client()
    response = _post(client, "obrien", PASSWORD)
    # then the right password signs in, and the count starts again
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(obrien.pk)
    assert not SignInThrottle.objects.filter(key=account_key("obrien")).exists()


def test_the_message_says_how_long_to_wait(obrien, settings):
    # given a cool-down of 30 minutes
    settings.MEDASSIST_LOGIN_LOCK_MINUTES = 30
    for _ in range(5):
        _post(Client(), "obrien", "wrong")
    # when
    response = _post(Client(), "obrien", PASSWORD)
    # then
    assert "Try again in 30 minutes" in response.content.decode()


def test_a_success_starts_the_account_count_again(obrien, password_checks):
    # given four failures and then a success
    for _ in range(4):
        _post(Client(), "obrien", "wrong")
    assert _post(Client(), "obrien", PASSWORD).status_code == 302
    # when four more failures follow
    for _ in range(4):
        _post(Client(), "obrien", "wrong")
    # then the account is not locked
    assert _post(Client(), "obrien", PASSWORD).status_code == 302


def test_an_unknown_username_is_throttled_like_a_real_one(db):
    # when
    statuses = [_post(Client(), "nobody", "wrong").status_code for _ in range(6)]
    # then nothing tells the two apart
    assert statuses == [200] * 5 + [429]


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_thirty_concurrent_wrong_passwords_get_exactly_five_checks(clinic, password_checks):
    # given an account and thirty clients ready at once
    factories.make_user(clinic, "front_desk", "target")
    start = threading.Barrier(30)
    statuses: list[int] = []

    def attempt():
        try:
            client = Client()
            start.wait()
            statuses.append(_post(client, "target", "wrong").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(30)]
    # when they all try a wrong password at the same moment
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then exactly five passwords were checked and the rest were refused as locked
    assert password_checks["n"] == 5
    assert sorted(statuses) == [200] * 5 + [429] * 25
    assert SignInThrottle.objects.get(key=account_key("target")).failures == 5
    locks = AuditEvent.objects.filter(object_type="practice.SignInLock", object_id="target")
    assert locks.count() == 1
