from django.test import Client

from medassist.audit.models import AuditEvent

PASSWORD = "correct horse battery"


def test_successful_login_is_audited_with_the_client_address(front_desk):
    # when
    response = Client().post("/login/", {"username": "frontdesk", "password": PASSWORD})
    # then
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="login")
    assert (event.actor, event.actor_role, event.client_address) == (
        front_desk,
        "front_desk",
        "127.0.0.1",
    )


def test_failed_login_is_audited_and_says_nothing_about_which_part_was_wrong(front_desk):
    response = Client().post("/login/", {"username": "frontdesk", "password": "wrong"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()
    assert AuditEvent.objects.filter(action="login_failed", object_id="frontdesk").count() == 1


def test_five_failures_lock_the_account_even_with_the_right_password(front_desk):
    c = Client()
    for _ in range(5):
        c.post("/login/", {"username": "frontdesk", "password": "wrong"})
    # when the right password is then tried
    response = c.post("/login/", {"username": "frontdesk", "password": PASSWORD})
    # then it is refused and the session is not logged in
    assert response.status_code == 429
    assert "locked" in response.content.decode()
    assert "_auth_user_id" not in c.session


def test_logout_is_audited_and_ends_the_session(front_desk, client_for):
    c = client_for(front_desk)
    response = c.post("/logout/")
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="logout", actor=front_desk).exists()
    assert c.get("/").status_code == 302
