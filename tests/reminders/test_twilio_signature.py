"""Twilio's X-Twilio-Signature on the SMS webhooks: with MEDASSIST_SMS_AUTH_TOKEN set, a call
signed for the URL Twilio called and the parameters it sent gets in without the shared secret;
a tampered body or URL, a wrong or missing signature is refused (401) and changes nothing."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import timedelta

import pytest
from django.test import Client

from medassist.reminders import signature
from medassist.reminders.models import Message, PatientReply
from medassist.scheduling.models import Status
from medassist.worker.loop import run_once

pytestmark = pytest.mark.django_db

TOKEN = "twilio-auth-token-0123456789abcdef"
INBOUND = "/api/reminders/inbound"
STATUS = "/api/reminders/status"


def twilio_sign(token: str, url: str, params: dict[str, str]) -> str:
    """Twilio's documented algorithm, written out here on its own: the full URL, then each
    POST parameter's name and value sorted by name, HMAC-SHA1 with the auth token, base64."""
    data = url
    for name in sorted(params):
        data += name + params[name]
    mac = hmac.new(token.encode("utf-8"), data.encode("utf-8"), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode("ascii")


@pytest.fixture(autouse=True)
def twilio(settings):
    """Twilio configured, no shared secret: the signature is the only way in."""
    settings.MEDASSIST_SMS_AUTH_TOKEN = TOKEN
    settings.MEDASSIST_SMS_INBOUND_SECRET = ""
    settings.MEDASSIST_SMS_WEBHOOK_BASE_URL = ""


@pytest.fixture
def texted(visit):
    """The visit's 24 h text has been sent."""
    run_once()
    run_once(now=visit.start - timedelta(hours=24))
    return visit


def post(path: str, data: dict[str, str], sig: str | None, **extra):
    headers = {"HTTP_X_TWILIO_SIGNATURE": sig} if sig is not None else {}
    return Client().post(path, data, **headers, **extra)


# ---------------------------------------------------------------------------- the algorithm

# Twilio's published example (twilio-python/-php/-csharp request validator tests, and the
# security docs): auth token 12345, this URL and these parameters.
EXAMPLE_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
EXAMPLE_PARAMS = {
    "CallSid": "CA1234567890ABCDE",
    "Caller": "+14158675309",
    "Digits": "1234",
    "From": "+14158675309",
    "To": "+18005551212",
}
EXAMPLE_SIGNATURE = "RSOYDt4T1cUTdK1PDd93/VVr8B8="


def test_the_signature_matches_twilios_published_example():
    assert twilio_sign("12345", EXAMPLE_URL, EXAMPLE_PARAMS) == EXAMPLE_SIGNATURE
    assert signature.compute("12345", EXAMPLE_URL, EXAMPLE_PARAMS.items()) == EXAMPLE_SIGNATURE
    assert signature.valid("12345", EXAMPLE_URL, EXAMPLE_PARAMS.items(), EXAMPLE_SIGNATURE)
    assert not signature.valid(
        "12345", EXAMPLE_URL + "&x=1", EXAMPLE_PARAMS.items(), EXAMPLE_SIGNATURE
    )
    assert not signature.valid("54321", EXAMPLE_URL, EXAMPLE_PARAMS.items(), EXAMPLE_SIGNATURE)


def test_a_name_sent_twice_is_signed_with_its_distinct_values_sorted():
    # Twilio's published vector for repeated parameters
    params = [("Sid", "CA123"), ("SidAccount", "AC123"), ("Digits", "5678")]
    params += [("Digits", "1234"), ("Digits", "1234")]
    assert signature.compute("12345", EXAMPLE_URL, params) == "IK+Dwps556ElfBT0I3Rgjkr1wJU="


def test_the_url_is_accepted_with_or_without_its_default_port():
    signed = twilio_sign("12345", "https://clinic.example.org:443/hook?a=1", {"Body": "C"})
    assert signature.valid("12345", "https://clinic.example.org/hook?a=1", [("Body", "C")], signed)
    assert not signature.valid("12345", "https://clinic.example.org/hook", [("Body", "C")], signed)


# ---------------------------------------------------------------------------- the webhooks


def test_a_signed_inbound_text_is_accepted_without_the_shared_secret(texted):
    # given Twilio posts the patient's "C" to the URL it was given, signed
    data = {"From": "+15185550142", "Body": "C", "MessageSid": "SM1", "To": "+15185550100"}
    sig = twilio_sign(TOKEN, f"http://testserver{INBOUND}", data)

    # when it reaches the webhook
    response = post(INBOUND, data, sig)

    # then the reply is recorded and the visit confirmed
    assert response.status_code == 200
    assert PatientReply.objects.get(appointment=texted).action == "confirm"


def test_a_signed_delivery_receipt_is_accepted(texted):
    sms = Message.objects.get(appointment=texted, channel="sms")
    data = {"MessageSid": sms.provider_message_id, "MessageStatus": "delivered", "ErrorCode": ""}
    response = post(
        STATUS, data, twilio_sign(TOKEN, f"https://testserver{STATUS}", data), secure=True
    )
    assert response.status_code == 200
    sms.refresh_from_db()
    assert sms.status == Message.Status.DELIVERED


def tampered(data):
    """What Twilio signed: the patient's "C", before someone made it an "X"."""
    return {**data, "Body": "C"}


@pytest.mark.parametrize(
    ("signed_url", "signed_data", "sig"),
    [
        pytest.param("http://testserver" + INBOUND, tampered, None, id="body changed"),
        pytest.param("http://testserver/api/reminders/status", None, None, id="another path"),
        pytest.param("http://evil.example" + INBOUND, None, None, id="another host"),
        pytest.param("https://testserver" + INBOUND, None, None, id="another scheme"),
        pytest.param("http://testserver" + INBOUND + "?a=1", None, None, id="another query"),
        pytest.param(None, None, "bm90IGEgc2lnbmF0dXJl", id="wrong signature"),
        pytest.param(None, None, "", id="empty signature"),
        pytest.param(None, None, "missing", id="no signature"),
    ],
)
def test_a_wrong_or_missing_signature_is_refused_and_changes_nothing(
    texted, snapshot, signed_url, signed_data, sig
):
    sent = {"From": "+15185550142", "Body": "X"}  # X would cancel the visit
    before = snapshot()
    if sig is None:
        signed_for = signed_data(sent) if signed_data else sent
        sig = twilio_sign(TOKEN, signed_url, signed_for)
    response = post(INBOUND, sent, None if sig == "missing" else sig)
    assert response.status_code == 401
    assert snapshot() == before
    texted.refresh_from_db()
    assert texted.status == Status.BOOKED


def test_a_signature_under_another_token_is_refused(texted, snapshot):
    data = {"From": "+15185550142", "Body": "X"}
    before = snapshot()
    sig = twilio_sign("another-account-token", f"http://testserver{INBOUND}", data)
    assert post(INBOUND, data, sig).status_code == 401
    assert snapshot() == before


def test_with_no_auth_token_the_signature_is_ignored(texted, settings, snapshot):
    # given no auth token, but a shared secret
    settings.MEDASSIST_SMS_AUTH_TOKEN = ""
    settings.MEDASSIST_SMS_INBOUND_SECRET = "s3cret"
    data = {"From": "+15185550142", "Body": "C"}
    before = snapshot()

    # when a signature (computed with an empty key) comes without the secret: refused
    sig = twilio_sign("", f"http://testserver{INBOUND}", data)
    assert post(INBOUND, data, sig).status_code == 401
    assert snapshot() == before

    # and the shared secret still works
    assert post(INBOUND, data, None, HTTP_X_WEBHOOK_SECRET="s3cret").status_code == 200


def test_the_shared_secret_still_works_next_to_the_token(texted, settings):
    settings.MEDASSIST_SMS_INBOUND_SECRET = "s3cret"
    data = {"From": "+15185550142", "Body": "C"}
    response = post(INBOUND, data, "bm90IGEgc2lnbmF0dXJl", HTTP_X_WEBHOOK_SECRET="s3cret")
    assert response.status_code == 200


def test_behind_a_proxy_the_url_is_built_from_the_webhook_base_url(texted, settings, snapshot):
    # given Twilio calls https://clinic.example.org/api/reminders/inbound?src=twilio, and the
    # proxy hands it on as plain http to the app's own host
    data = {"From": "+15185550142", "Body": "C"}
    sig = twilio_sign(TOKEN, f"https://clinic.example.org{INBOUND}?src=twilio", data)
    path = f"{INBOUND}?src=twilio"

    # without the setting, the URL rebuilt from the request does not match
    before = snapshot()
    assert post(path, data, sig).status_code == 401
    assert snapshot() == before

    # with it, the call is accepted
    settings.MEDASSIST_SMS_WEBHOOK_BASE_URL = "https://clinic.example.org/"
    assert post(path, data, sig).status_code == 200
    assert PatientReply.objects.filter(appointment=texted, action="confirm").exists()
