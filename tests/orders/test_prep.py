"""Preparation instructions per test reach the visit reminders while the test waits for its
specimen, through orders (intake and reminders never import orders)."""

from __future__ import annotations

import pytest

from medassist.intake.models import PrepInstruction
from medassist.orders.prep import order_prep
from medassist.orders.services import order_cancel
from medassist.reminders.services.planning import reminder_context

pytestmark = pytest.mark.django_db


def test_lipid_fasting_goes_with_the_reminder_until_cancelled(
    clinic, physician, appointment, lipid_order, test_by_code
):
    loinc = test_by_code("LIPID").loinc
    PrepInstruction.objects.create(
        clinic=clinic, title="Lipid panel", body="Fast 9-12 hours; water is fine.", test_code=loinc
    )
    PrepInstruction.objects.create(
        clinic=clinic, title="Glucose tolerance", body="Come at 8 am.", test_code="1558-6"
    )
    assert lipid_order.patient_id == appointment.patient_id
    assert [p.title for p in order_prep(lipid_order)] == ["Lipid panel"]
    prep = reminder_context(appointment)["prep"]
    assert "Lipid panel:\nFast 9-12 hours" in prep and "Come at 8 am" not in prep
    order_cancel(actor=physician, order=lipid_order, reason="Duplicate")
    assert "Fast 9-12" not in reminder_context(appointment)["prep"]


def test_the_lab_order_code_also_matches(clinic, appointment, lipid_order):
    PrepInstruction.objects.create(
        clinic=clinic, title="Before your blood draw", body="Drink water.", test_code="LIPID"
    )
    assert "Drink water." in reminder_context(appointment)["prep"]


def test_the_patients_forms_page_shows_the_test_preparation(
    client, clinic, appointment, lipid_order, test_by_code
):
    from medassist.intake.links import fill_token

    PrepInstruction.objects.create(
        clinic=clinic,
        title="Lipid panel",
        body="Fast 9-12 hours; water is fine.",
        test_code=test_by_code("LIPID").loinc,
    )
    page = client.get(f"/intake/fill/{fill_token(appointment)}/")
    assert b"How to prepare" in page.content and b"Fast 9-12 hours" in page.content


def test_the_ma_sends_the_preparation_instructions_of_a_lab_order(
    clinic, client_for, medical_assistant, front_desk, lipid_order, test_by_code
):
    from medassist.audit.models import AuditEvent
    from medassist.reminders.models import Message

    PrepInstruction.objects.create(
        clinic=clinic, title="Lipid panel", body="Fast 9-12 hours; water is fine.",
        test_code=test_by_code("LIPID").loinc,
    )
    ma = client_for(medical_assistant)
    url = f"/orders/{lipid_order.public_id}/"
    # the order screen shows the clinic's own text and a way to send it
    page = ma.get(url).content.decode()
    assert 'id="prep-form"' in page and "Fast 9-12 hours" in page
    # when the MA sends it by email
    r = ma.post(url, {"action": "prep", "channel": "email"})
    assert r.status_code == 302
    # then the reviewed prep message is queued with the clinic's words, and the order says so
    msg = Message.objects.get(kind=Message.Kind.PREP)
    patient = lipid_order.patient
    assert msg.to == patient.email and msg.patient == patient and msg.channel == "email"
    assert msg.body.startswith(f"Hello {patient.first_name}, Dr. ")
    assert "Lipid panel:\nFast 9-12 hours; water is fine." in msg.body
    assert lipid_order.events.filter(note__startswith="Preparation instructions sent").exists()
    assert AuditEvent.objects.filter(object_type__icontains="message", actor=medical_assistant)
    assert "already sent once" in ma.get(url).content.decode()
    # the front desk may look at the order but not send (order.manage)
    assert client_for(front_desk).post(url, {"action": "prep"}).status_code in (403, 422)
    assert Message.objects.filter(kind=Message.Kind.PREP).count() == 1


def test_no_instructions_or_a_drawn_order_sends_nothing(
    clinic, medical_assistant, lipid_order, test_by_code
):
    from medassist.core.errors import ApplicationError
    from medassist.orders.services import order_send_prep, specimens_collect
    from medassist.reminders.models import Message
    from tests import factories

    with pytest.raises(ApplicationError, match="no preparation instructions"):
        order_send_prep(actor=medical_assistant, order=lipid_order)
    PrepInstruction.objects.create(
        clinic=clinic, title="Lipid panel", body="Fast.", test_code=test_by_code("LIPID").loinc
    )
    factories.make_training(medical_assistant, "venipuncture")
    specimens_collect(actor=medical_assistant, order=lipid_order, site="left arm",
                      fasting_confirmed=True)
    with pytest.raises(ApplicationError, match="before the draw"):
        order_send_prep(actor=medical_assistant, order=lipid_order)
    assert not Message.objects.filter(kind=Message.Kind.PREP).exists()
