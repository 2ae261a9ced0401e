"""The channels: the portal chat widget, the SMS and voice webhooks, the terminal; and the staff
inbox with clinician-only items, office mail filed to the chart, and letters as PDF."""

from __future__ import annotations

import io
from xml.etree import ElementTree  # noqa: S405 - parsing our own TwiML

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from medassist.assistant.models import Conversation, Task, Turn
from medassist.records.models import Document

SECRET = {"HTTP_X_WEBHOOK_SECRET": "s3cret"}


def parse(body: bytes):
    return ElementTree.fromstring(body)  # noqa: S314 - our own TwiML


def pdf_bytes() -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out)
    c.drawString(72, 720, "Letter from the hospital")
    c.save()
    return out.getvalue()


def test_portal_chat_books_nothing_without_verification_and_routes_a_question(
    client, clinic, portal, patient, physician, client_for
):
    url = reverse("assistant:chat", args=[clinic.public_id])
    # given an anonymous visitor
    page = client.get(url)
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    # when they ask a clinical question and say yes, then verify
    for text in ("is my blood pressure of 150/95 too high?", "yes", "Jordan Reyes", "05/17/1980"):
        response = client.post(url, {"message": text}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
    # then the question is in the clinician's inbox, with the patient's words
    html = client_for(physician).get(reverse("assistant:inbox")).content.decode()
    assert "Question for the care team" in html
    task = Task.objects.get(kind=Task.Kind.CARE_TEAM)
    assert "150/95" in task.words


def test_clinician_items_are_not_shown_to_the_front_desk(clinic, front_desk, physician, client_for):
    Task.objects.create(clinic=clinic, kind=Task.Kind.CARE_TEAM, title="Secret question",
                        clinician_only=True)
    Task.objects.create(clinic=clinic, kind=Task.Kind.REFILL, title="Refill: lisinopril")
    desk = client_for(front_desk).get(reverse("assistant:inbox")).content.decode()
    doctor = client_for(physician).get(reverse("assistant:inbox")).content.decode()
    assert "Refill: lisinopril" in desk and "Secret question" not in desk
    assert "Secret question" in doctor


def test_the_inbox_names_who_is_working_an_item_and_says_its_status_in_words(
    clinic, front_desk, medical_assistant, client_for
):
    Task.objects.create(clinic=clinic, kind=Task.Kind.REFILL, title="Refill: metformin",
                        assignee=medical_assistant, status=Task.Status.IN_PROGRESS)
    html = client_for(front_desk).get(reverse("assistant:inbox")).content.decode()
    row = html.split("Refill: metformin")[1].split("</tr>")[0]
    assert medical_assistant.display_name in row
    assert "In progress" in row and "Inprogress" not in html
    assert "</a> · <a href=\"?status=in_progress\"" in html  # the filter links are apart


def test_another_clinics_task_is_404(clinic, other_clinic, front_desk, client_for):
    task = Task.objects.create(clinic=other_clinic, kind=Task.Kind.REFILL, title="x")
    response = client_for(front_desk).get(reverse("assistant:task", args=[task.public_id]))
    assert response.status_code == 404


def test_office_mail_is_uploaded_and_filed_to_the_chart(front_desk, patient, client_for):
    c = client_for(front_desk)
    upload = SimpleUploadedFile("fax.pdf", pdf_bytes(), content_type="application/pdf")
    assert c.post(reverse("assistant:mail_upload"), {"file": upload, "title": "Hospital fax"}).status_code == 302  # noqa: E501
    task = Task.objects.get(kind=Task.Kind.OFFICE_MAIL)
    response = c.post(reverse("assistant:task", args=[task.public_id]),
                      {"action": "file", "mrn": patient.mrn, "title": "Discharge letter"})
    task.refresh_from_db()
    assert response.status_code == 302
    assert task.status == Task.Status.DONE
    assert Document.objects.get(patient=patient).title == "Discharge letter"


def test_office_mail_that_is_not_a_pdf_is_refused_and_nothing_is_stored(front_desk, client_for):
    upload = SimpleUploadedFile("note.txt", b"hello there", content_type="application/pdf")
    response = client_for(front_desk).post(reverse("assistant:mail_upload"), {"file": upload})
    assert response.status_code == 422
    assert not Task.objects.exists()


def test_a_letter_is_a_pdf(front_desk, patient, client_for):
    url = reverse("assistant:letter", args=["unreachable", patient.public_id])
    response = client_for(front_desk).get(url)
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


@override_settings(MEDASSIST_SMS_INBOUND_SECRET="s3cret")
def test_sms_webhook_answers_in_twiml(client, clinic, portal):
    response = client.post(reverse("assistant:sms"), {"From": "+15185550100", "Body": "what are your hours?"}, **SECRET)  # noqa: E501
    root = parse(response.content)
    assert response.status_code == 200 and root.tag == "Response"
    assert root.find("Message").text
    assert Conversation.objects.get().channel == "sms"


@override_settings(MEDASSIST_SMS_INBOUND_SECRET="s3cret")
@pytest.mark.parametrize(
    "data, headers, status",
    [
        ({"From": "+15185550100", "Body": "hi"}, {}, 403),  # no secret
        ({"From": "+15185550100", "Body": "hi"}, {"HTTP_X_WEBHOOK_SECRET": "wrong"}, 403),
        ({"From": "not a phone", "Body": "hi"}, SECRET, 400),
        ({"Body": "hi"}, SECRET, 400),
        ({"From": "+15185550100", "Body": "x" * 100_001}, SECRET, 400),
    ],
)
def test_bad_sms_posts_are_refused_cleanly_and_store_nothing(client, clinic, data, headers, status):
    response = client.post(reverse("assistant:sms"), data, **headers)
    assert response.status_code == status
    parse(response.content)
    assert not Turn.objects.exists()


@override_settings(MEDASSIST_SMS_INBOUND_SECRET="s3cret")
def test_sms_emergency_and_100k_with_emoji(client, clinic):
    url = reverse("assistant:sms")
    r1 = client.post(url, {"From": "+15185550100", "Body": "i cant breathe 😱"}, **SECRET)
    r2 = client.post(url, {"From": "+15185550100", "Body": "🙂" * 50_000}, **SECRET)
    assert "911" in r1.content.decode()
    assert r2.status_code == 200
    assert Task.objects.filter(kind=Task.Kind.EMERGENCY).count() == 1


@override_settings(MEDASSIST_SMS_INBOUND_SECRET="s3cret")
def test_voice_gathers_speech_and_zero_reaches_the_front_desk(client, clinic):
    clinic.phone = "+15185550000"
    clinic.save()
    url = reverse("assistant:voice")
    first = client.post(url, {"From": "+15185550100", "CallSid": "CA1"}, **SECRET)
    said = client.post(url, {"From": "+15185550100", "CallSid": "CA1", "SpeechResult": "what are your hours"}, **SECRET)  # noqa: E501
    zero = client.post(url, {"From": "+15185550100", "CallSid": "CA1", "Digits": "0"}, **SECRET)
    assert parse(first.content).find("Gather").get("input") == "speech dtmf"
    assert parse(said.content).find("Gather/Say").text
    assert parse(zero.content).find("Dial").text == "+15185550000"
    assert Conversation.objects.filter(channel="voice").count() == 1


def test_terminal_chat(clinic, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("hello\nwhat are your hours?\n"))
    call_command("chat", clinic=clinic.name)
    out = capsys.readouterr().out
    assert out.count("assistant>") == 2
