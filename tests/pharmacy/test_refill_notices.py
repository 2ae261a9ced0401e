"""A refill answer also reaches the patient by text or email through the reminders outbox:
from its reviewed template, in the patient's language, by the channel they can be reached
on, held until the clinic's quiet hours end — and with nothing clinical in it."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from medassist.pharmacy import services
from medassist.reminders.models import Message
from tests.pharmacy.test_refills import _request, prescription  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def _decide(front_desk, physician, patient, *, approve=True, **extra):
    refill = _request(front_desk, patient, **extra)
    if approve:
        services.refill_approve(actor=physician, refill=refill, quantity=30, refills=1)
    else:
        services.refill_deny(actor=physician, refill=refill, reason="Needs a visit for labs")
    refill.refresh_from_db()
    return refill


def test_approval_queues_a_text_without_anything_clinical(front_desk, physician, patient,
                                                          prescription):  # noqa: F811
    # given a patient with a mobile number
    patient.phone_mobile = "+15185550123"
    patient.save()
    # when the prescriber approves
    refill = _decide(front_desk, physician, patient)
    # then one text is queued to their mobile, linked to the request
    msg = Message.objects.get(kind=Message.Kind.REFILL)
    assert refill.patient_notice == msg
    assert (msg.channel, msg.to, msg.status) == ("sms", "+15185550123", "queued")
    assert "refill request was approved and sent to your pharmacy" in msg.body
    assert "/pharmacy/portal/refill/" in msg.body
    # and the drug, the quantity and the prescriber's name stay on the portal only
    assert "lisinopril" not in msg.body.lower() and "30" not in msg.body
    assert "lisinopril" in refill.patient_message


def test_denial_in_spanish_by_email_keeps_the_reason_off_the_message(
    front_desk, physician, patient, prescription  # noqa: F811
):
    # given a Spanish-speaking patient with an email address only
    patient.phone_mobile, patient.email = "", "ana@example.org"
    patient.preferred_language = "Spanish"
    patient.save()
    # when the prescriber denies
    refill = _decide(front_desk, physician, patient, approve=False)
    # then a Spanish email says there is an answer, without the reason
    msg = refill.patient_notice
    assert (msg.channel, msg.to) == ("email", "ana@example.org")
    assert "Su solicitud de resurtido tiene una respuesta" in msg.body
    assert "labs" not in msg.body and "Motivo" in refill.patient_message


def test_an_answer_at_night_waits_for_the_end_of_quiet_hours(
    settings, front_desk, physician, patient, prescription  # noqa: F811
):
    # given quiet hours and a decision made at 22:30 clinic time
    settings.MEDASSIST_QUIET_HOURS = "21:00-08:00"
    patient.phone_mobile = "+15185550123"
    patient.save()
    tz = patient.clinic.tz
    night = dt.datetime.combine(timezone.localdate(timezone=tz), dt.time(22, 30), tzinfo=tz)
    with mock.patch("django.utils.timezone.now", return_value=night.astimezone(dt.UTC)):
        refill = _decide(front_desk, physician, patient)
    # then the text is held until 08:00 the next morning, clinic time
    when = refill.patient_notice.scheduled_for.astimezone(tz)
    assert (when.date() - night.date()).days == 1 and when.time() == dt.time(8, 0)


def test_a_patient_with_no_address_shows_up_as_a_failed_message(
    front_desk, physician, patient, prescription  # noqa: F811
):
    patient.phone_mobile, patient.email = "", ""
    patient.save()
    refill = _decide(front_desk, physician, patient)
    assert refill.patient_notice.status == "failed"
    assert "no other way to reach the patient" in refill.patient_notice.last_error
    assert refill.status == "approved"  # the decision stands; the desk sees the failure


def test_no_message_before_the_decision(front_desk, patient, prescription):  # noqa: F811
    _request(front_desk, patient)
    assert not Message.objects.filter(kind=Message.Kind.REFILL).exists()


def test_the_refill_page_shows_how_the_patient_was_told(client_for, front_desk, physician,
                                                        patient, prescription):  # noqa: F811
    from django.urls import reverse

    patient.phone_mobile = "+15185550123"
    patient.save()
    refill = _decide(front_desk, physician, patient)
    page = client_for(physician).get(reverse("pharmacy:refill", args=[refill.public_id]))
    assert "Text message to +15185550123: queued" in page.content.decode()


def test_the_outbox_worker_sends_the_email(settings, front_desk, physician, patient,
                                           prescription):  # noqa: F811
    from django.core import mail

    from medassist.reminders.services import messages_send_due

    # given an approval told by email, outside quiet hours
    settings.MEDASSIST_QUIET_HOURS = ""
    patient.phone_mobile, patient.email = "", "jordan@example.org"
    patient.save()
    refill = _decide(front_desk, physician, patient)
    # when the outbox runs
    messages_send_due(now=timezone.now() + dt.timedelta(minutes=1))
    # then one email went to the patient, and the request's message is sent
    assert [m.to for m in mail.outbox] == [["jordan@example.org"]]
    assert "Your refill request was approved" in mail.outbox[0].body
    refill.patient_notice.refresh_from_db()
    assert refill.patient_notice.status == "sent"
