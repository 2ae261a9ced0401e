"""Auto-logoff: a screen refreshing itself does not keep an unattended session alive."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.utils import timezone

from medassist.core.middleware import AUTO_REFRESH_HEADER


def _session_expiring_soon(client) -> Session:
    row = Session.objects.get(session_key=client.session.session_key)
    row.expire_date = timezone.now() + timedelta(seconds=60)
    row.save()
    return row


def test_an_auto_refresh_of_the_board_does_not_extend_the_session(client_for, front_desk):
    # given a session with a minute left
    client = client_for(front_desk)
    before = _session_expiring_soon(client).expire_date
    # when the board refreshes itself
    response = client.get("/desk/board/", headers={"HX-Request": "true", AUTO_REFRESH_HEADER: "1"})
    # then it is served, and the session still ends when it would have
    assert response.status_code == 200
    assert Session.objects.get(pk=client.session.session_key).expire_date == before


def test_a_users_own_request_extends_the_session(client_for, front_desk, settings):
    # given a session with a minute left
    client = client_for(front_desk)
    before = _session_expiring_soon(client).expire_date
    # when the user opens a page
    response = client.get("/desk/board/")
    # then the session lasts its full age from now
    assert response.status_code == 200
    after = Session.objects.get(pk=client.session.session_key).expire_date
    assert after > before + timedelta(seconds=settings.SESSION_COOKIE_AGE - 120)


def test_an_expired_session_sends_the_refreshing_board_to_the_login_page(client_for, front_desk):
    # given a session that has run out
    client = client_for(front_desk)
    row = Session.objects.get(session_key=client.session.session_key)
    row.expire_date = timezone.now() - timedelta(seconds=1)
    row.save()
    # when the board refreshes itself
    response = client.get("/desk/board/", headers={"HX-Request": "true", AUTO_REFRESH_HEADER: "1"})
    # then htmx is told to go to the login page
    assert response.status_code == 401
    assert response["HX-Redirect"].startswith("/login/")
