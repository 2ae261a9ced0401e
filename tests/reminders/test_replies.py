"""Patients answer: signed reminder links (tampering and expiry refused) and text keywords."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client

from medassist.reminders import links
from medassist.reminders.models import Message, PatientReply
from medassist.scheduling.models import Status
from medassist.worker.loop import run_once
from tests.reminders.conftest import SECRET

pytestmark = pytest.mark.django_db
HELP = (
    "Reply C to confirm, R to reschedule, X to cancel. For medical questions call the clinic; "
    "for an emergency call 911."
)


@pytest.fixture
def texted(visit):
    """The visit's 24 h text has been sent."""
    run_once()
    run_once(now=visit.start - timedelta(hours=24))
    assert Message.objects.get(appointment=visit, channel="sms").status == "sent"
    return visit


def inbound(body: str, sender: str = "+15185550142", secret: str | None = SECRET):
    headers = {"HTTP_X_WEBHOOK_SECRET": secret} if secret is not None else {}
    return Client().post("/api/reminders/inbound", {"From": sender, "Body": body}, **headers)


# ---------------------------------------------------------------------------- signed links


def test_the_reminder_page_shows_only_time_place_and_provider_first_name(visit):
    # when the patient opens the link without logging in
    response = Client().get(f"/reminders/r/{links.reminder_token(visit)}/")
    # then they see when, where and the provider's first name, nothing else about them
    page = response.content.decode()
    assert response.status_code == 200
    assert visit.location.name in page
    assert visit.provider.first_name in page
    assert visit.provider.last_name not in page
    assert visit.visit_type.name not in page
    assert visit.patient.last_name not in page


def test_the_patient_confirms_from_the_link(visit):
    token = links.reminder_token(visit)
    response = Client().post(f"/reminders/r/{token}/", {"action": "confirm"})
    assert response.status_code == 200
    assert "confirmed" in response.content.decode()
    reply = PatientReply.objects.get()
    assert (reply.action, reply.via, reply.appointment) == ("confirm", "link", visit)
    visit.refresh_from_db()
    assert visit.status == Status.BOOKED


def test_the_patient_cancels_from_the_link_as_the_clinic_automation_user(visit):
    response = Client().post(f"/reminders/r/{links.reminder_token(visit)}/", {"action": "cancel"})
    assert response.status_code == 200
    visit.refresh_from_db()
    assert visit.status == Status.CANCELLED
    change = visit.changes.order_by("-at", "-id").first()
    assert change.by.username.startswith("system-")
    assert not change.by.has_usable_password()
    assert "patient" in change.reason.lower()


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # signature tampered
        lambda t: "x" + t,  # payload tampered
        lambda t: "not-a-token",
        lambda t: "a" * 500,
    ],
)
def test_a_tampered_link_is_refused_and_changes_nothing(visit, mangle, snapshot):
    before = snapshot()
    token = mangle(links.reminder_token(visit))
    assert Client().get(f"/reminders/r/{token}/").status_code == 404
    response = Client().post(f"/reminders/r/{token}/", {"action": "cancel"})
    assert response.status_code == 404
    assert visit.location.name not in response.content.decode()
    assert snapshot() == before


def test_a_link_signed_for_an_offer_does_not_open_a_reminder(visit):
    token = signing.dumps(visit.public_id.hex, salt=links.OFFER_SALT)
    assert Client().get(f"/reminders/r/{token}/").status_code == 404


def test_an_expired_link_is_refused(visit, monkeypatch, snapshot):
    # given a link older than its lifetime
    token = links.reminder_token(visit)
    monkeypatch.setattr(links, "REMINDER_MAX_AGE", -1)
    before = snapshot()
    # when the patient uses it
    response = Client().post(f"/reminders/r/{token}/", {"action": "cancel"})
    # then it is refused, nothing changed
    assert response.status_code == 404
    assert "expired" in response.content.decode()
    assert snapshot() == before


def test_an_unknown_action_from_the_link_changes_nothing(visit, snapshot):
    before = snapshot()
    response = Client().post(f"/reminders/r/{links.reminder_token(visit)}/", {"action": "drop"})
    assert response.status_code == 422
    assert snapshot() == before


def test_a_cancelled_visit_cannot_be_confirmed_from_its_link(visit, front_desk, snapshot):
    from medassist.booking.services import appointment_cancel

    appointment_cancel(actor=front_desk, appointment=visit, reason="x")
    before = snapshot()
    response = Client().post(f"/reminders/r/{links.reminder_token(visit)}/", {"action": "confirm"})
    assert response.status_code == 409
    assert snapshot() == before


# ---------------------------------------------------------------------------- text keywords


def test_c_confirms_the_visit(texted, texts):
    response = inbound(" c ")
    assert response.status_code == 200
    assert response.json()["action"] == "confirm"
    reply = PatientReply.objects.get()
    assert reply.action == "confirm" and not reply.needs_staff
    # and the thank-you text goes out on the next pass
    run_once(now=texted.start - timedelta(hours=23))
    answer = Message.objects.get(kind=Message.Kind.REPLY)
    assert answer.status == "sent" and "is confirmed" in answer.body
    assert answer.body in [t["body"] for t in texts()]


def test_r_asks_for_a_new_time_and_becomes_a_task_for_the_desk(texted):
    response = inbound("R")
    assert response.json()["action"] == "reschedule"
    reply = PatientReply.objects.get()
    assert reply.needs_staff
    assert reply.staff_note == "Patient wants to reschedule."
    texted.refresh_from_db()
    assert texted.status == Status.BOOKED


def test_x_cancels_through_the_scheduling_service(texted):
    response = inbound("X")
    assert response.json()["action"] == "cancel"
    texted.refresh_from_db()
    assert texted.status == Status.CANCELLED
    assert texted.cancel_reason == "Cancelled by the patient (text reply)."


def test_anything_else_gets_the_fixed_reply_and_is_flagged(texted):
    response = inbound("Is my rash contagious?")
    assert response.status_code == 200
    assert response.json() == {"action": "other", "reply": f"{texted.clinic.name}: {HELP}"}
    reply = PatientReply.objects.get()
    assert reply.needs_staff and reply.body == "Is my rash contagious?"
    texted.refresh_from_db()
    assert texted.status == Status.BOOKED


def test_a_keyword_for_a_visit_already_cancelled_is_flagged_not_applied(texted, front_desk):
    from medassist.booking.services import appointment_cancel

    appointment_cancel(actor=front_desk, appointment=texted, reason="x")
    response = inbound("C")
    assert response.json()["action"] == "other"
    assert PatientReply.objects.get().needs_staff


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"From": "+15185550199", "Body": "C"}, 404),  # a number we never texted
        ({"From": "not a phone", "Body": "C"}, 422),
        ({"Body": "C"}, 422),
        ({"From": "+15185550142"}, 422),
        ({"From": "+15185550142", "Body": "C" * 5000}, 422),
    ],
)
def test_malformed_or_unknown_senders_are_refused_and_change_nothing(
    texted, data, status, snapshot
):
    before = snapshot()
    response = Client().post("/api/reminders/inbound", data, HTTP_X_WEBHOOK_SECRET=SECRET)
    assert response.status_code == status
    assert response.json()["message"]
    assert snapshot() == before


@pytest.mark.parametrize("secret", [None, "", "wrong"])
def test_the_webhook_refuses_a_missing_or_wrong_secret(texted, secret, snapshot):
    before = snapshot()
    assert inbound("X", secret=secret).status_code == 401
    assert snapshot() == before


def test_the_webhook_accepts_the_secret_as_basic_auth_password(texted):
    import base64

    auth = "Basic " + base64.b64encode(f"twilio:{SECRET}".encode()).decode()
    response = Client().post(
        "/api/reminders/inbound", {"From": "+15185550142", "Body": "C"}, HTTP_AUTHORIZATION=auth
    )
    assert response.status_code == 200


def test_the_webhook_is_closed_when_no_secret_is_configured(texted, settings, snapshot):
    settings.MEDASSIST_SMS_INBOUND_SECRET = ""
    before = snapshot()
    assert inbound("X", secret="").status_code == 401
    assert snapshot() == before


# ---------------------------------------------------------------------------- delivery receipts


def receipt(sid: str, status: str, secret: str | None = SECRET, **extra):
    headers = {"HTTP_X_WEBHOOK_SECRET": secret} if secret is not None else {}
    return Client().post(
        "/api/reminders/status", {"MessageSid": sid, "MessageStatus": status, **extra}, **headers
    )


def test_a_delivery_receipt_marks_the_text_delivered(texted):
    sms = Message.objects.get(appointment=texted, channel="sms")
    response = receipt(sms.provider_message_id, "delivered")
    assert response.status_code == 200
    assert response.json()["status"] == "delivered"
    sms.refresh_from_db()
    assert sms.status == Message.Status.DELIVERED


def test_an_undelivered_receipt_marks_the_text_failed_for_the_desk(texted):
    sms = Message.objects.get(appointment=texted, channel="sms")
    receipt(sms.provider_message_id, "undelivered", ErrorCode="30003")
    sms.refresh_from_db()
    assert sms.status == Message.Status.FAILED
    assert sms.last_error == "The carrier reported it undelivered (error 30003)."
    assert sms.next_attempt_at is None


@pytest.mark.parametrize(
    ("sid", "status", "secret", "code"),
    [
        ("nope", "delivered", SECRET, 404),
        (None, "bogus", SECRET, 422),
        (None, "delivered", "wrong", 401),
        (None, "delivered", None, 401),
    ],
)
def test_bad_delivery_receipts_change_nothing(texted, snapshot, sid, status, secret, code):
    sms = Message.objects.get(appointment=texted, channel="sms")
    before = snapshot()
    response = receipt(sid or sms.provider_message_id, status, secret=secret)
    assert response.status_code == code
    assert snapshot() == before
