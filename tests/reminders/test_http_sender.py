"""The Twilio-style sender against a real local HTTP server: success, 500 and timeout."""

from __future__ import annotations

import base64
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from medassist.reminders.models import Channel, Message
from medassist.reminders.senders import HttpSmsSender, SendFailed
from medassist.reminders.services import retry_delay
from medassist.worker.loop import run_once

pytestmark = pytest.mark.django_db


class FakeSmsApi:
    """A tiny Twilio look-alike: answers 201 with a sid, or 500, or not at all (until freed)."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.requests: list[dict] = []
        self.release = threading.Event()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length", 0))
                form = parse_qs(self.rfile.read(length).decode())
                api.requests.append(
                    {"path": self.path, "auth": self.headers.get("Authorization"), "form": form}
                )
                if api.mode == "hang":
                    api.release.wait(10)
                    return
                if api.mode == "error":
                    body, status = b'{"message": "upstream broke"}', 500
                else:
                    body, status = json.dumps({"sid": f"SM{len(api.requests):04d}"}).encode(), 201
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sms_api(settings):
    api = FakeSmsApi()
    settings.MEDASSIST_SMS_SENDER = "medassist.reminders.senders.HttpSmsSender"
    settings.MEDASSIST_SMS_BASE_URL = api.url
    settings.MEDASSIST_SMS_ACCOUNT_SID = "AC123"
    settings.MEDASSIST_SMS_AUTH_TOKEN = "tok"
    settings.MEDASSIST_SMS_FROM = "+15185550100"
    settings.MEDASSIST_SMS_TIMEOUT = "0.5"
    yield api
    api.close()


def test_a_text_is_posted_as_a_form_with_basic_auth(sms_api):
    # when the sender sends
    sid = HttpSmsSender().send(to="+15185550142", body="Hello")
    # then the API got the Twilio-shaped request and its sid is returned
    assert sid == "SM0001"
    request = sms_api.requests[0]
    assert request["path"] == "/2010-04-01/Accounts/AC123/Messages.json"
    assert request["auth"] == "Basic " + base64.b64encode(b"AC123:tok").decode()
    assert request["form"] == {"To": ["+15185550142"], "From": ["+15185550100"], "Body": ["Hello"]}


def test_a_500_is_a_failed_send_with_the_answer(sms_api):
    sms_api.mode = "error"
    with pytest.raises(SendFailed, match="answered 500"):
        HttpSmsSender().send(to="+15185550142", body="Hello")


def test_no_answer_is_a_failed_send(sms_api):
    sms_api.mode = "hang"
    with pytest.raises(SendFailed, match="did not answer"):
        HttpSmsSender().send(to="+15185550142", body="Hello")


def test_an_unconfigured_sender_fails_clearly(settings):
    settings.MEDASSIST_SMS_ACCOUNT_SID = ""
    with pytest.raises(SendFailed, match="not configured"):
        HttpSmsSender().send(to="+15185550142", body="Hello")


@pytest.mark.parametrize("mode", ["error", "hang"])
def test_a_failing_service_marks_the_reminder_failed_and_retries_with_backoff(visit, sms_api, mode):
    # given the 24 h text planned and the service failing
    run_once()
    sms_api.mode = mode
    due = visit.start - timedelta(hours=24)
    sms = Message.objects.get(appointment=visit, channel=Channel.SMS)
    # when the worker tries at its time
    run_once(now=due)
    # then it is recorded as failed with the error, and a retry is planned after the backoff
    sms.refresh_from_db()
    assert sms.status == Message.Status.FAILED
    assert sms.attempts == 1
    assert sms.last_error
    assert sms.sent_at is None
    assert sms.next_attempt_at == due + retry_delay(1)
    # when the worker runs before the backoff has passed: no new attempt
    run_once(now=due + retry_delay(1) - timedelta(seconds=1))
    sms.refresh_from_db()
    assert sms.attempts == 1
    # when it keeps failing through every attempt
    run_once(now=due + retry_delay(1))
    run_once(now=due + retry_delay(1) + retry_delay(2))
    run_once(now=due + timedelta(days=1))
    # then it stops at the limit, failed, never shown as sent
    sms.refresh_from_db()
    assert sms.attempts == sms.max_attempts == 3
    assert sms.status == Message.Status.FAILED
    assert sms.next_attempt_at is None
    assert sms.provider_message_id == ""


def test_a_retry_after_a_failure_that_succeeds_is_sent(visit, sms_api):
    # given a failed first attempt
    run_once()
    due = visit.start - timedelta(hours=24)
    sms_api.mode = "error"
    run_once(now=due)
    # when the service recovers and the retry time comes
    sms_api.mode = "ok"
    run_once(now=due + retry_delay(1))
    # then the message is sent, with the provider's id, and the error cleared
    sms = Message.objects.get(appointment=visit, channel=Channel.SMS)
    assert sms.status == Message.Status.SENT
    assert sms.attempts == 2
    assert sms.provider_message_id.startswith("SM")
    assert sms.last_error == ""
