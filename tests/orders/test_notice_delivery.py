"""Telling the patient: the clinician's picked template reaches the patient through the
reminders outbox (the worker's send pass), by email or text, and the order screen says so."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core import mail

from medassist.orders.errors import UnknownTemplate
from medassist.orders.ingest import receive
from medassist.orders.services import order_review, order_tell_patient
from medassist.reminders.models import Message
from medassist.reminders.services import messages_send_due
from tests.orders.samples import oru


@pytest.fixture
def reviewed(medical_assistant, physician, lipid_order):
    p = lipid_order.patient
    receive(
        actor=medical_assistant,
        data=oru(
            mrn=p.mrn, family=p.last_name, given=p.first_name, placer=lipid_order.placer_number
        ),
    )
    lipid_order.refresh_from_db()
    order_review(actor=physician, order=lipid_order, comment="")
    return lipid_order


def _send(msg: Message) -> Message:
    assert messages_send_due(now=msg.scheduled_for + timedelta(seconds=1)) >= 1
    msg.refresh_from_db()
    return msg


def test_email_reaches_the_patient(client_for, physician, reviewed):
    patient = reviewed.patient
    patient.email = "jordan@example.org"
    patient.save()
    with pytest.raises(UnknownTemplate):
        order_tell_patient(actor=physician, order=reviewed, template="made_up", channel="email")
    notice = order_tell_patient(
        actor=physician,
        order=reviewed,
        template="clinician_message",
        clinician_text="Your cholesterol is a little high; let's recheck in 3 months.",
        channel="email",
    )
    msg = Message.objects.get(pk=notice.delivery_id)
    page = client_for(physician).get(f"/orders/{reviewed.public_id}/").content.decode()
    assert "Waiting to go out" in page and "jordan@example.org" in page
    msg = _send(msg)
    assert msg.status == Message.Status.SENT
    (email,) = mail.outbox
    assert email.to == ["jordan@example.org"]
    assert "recheck in 3 months" in email.body and patient.first_name in email.body
    page = client_for(physician).get(f"/orders/{reviewed.public_id}/").content.decode()
    assert "Sent " in page and "Waiting to go out" not in page


def test_text_message_reaches_the_patient(physician, reviewed, tmp_path, monkeypatch):
    monkeypatch.setenv("MEDASSIST_SMS_DIR", str(tmp_path / "sms"))
    notice = order_tell_patient(actor=physician, order=reviewed, template="normal", channel="sms")
    msg = _send(Message.objects.get(pk=notice.delivery_id))
    assert msg.status == Message.Status.SENT
    (path,) = (tmp_path / "sms").iterdir()
    sent = json.loads(path.read_text())
    assert sent["to"] == reviewed.patient.phone_mobile
    assert "is normal. No action is needed." in sent["body"]
