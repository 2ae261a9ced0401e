"""The demo's assistant seed: conversations run through the real engine leave an emergency
alert, a care-team question, a refill request, a hand-off and a fax in the inbox."""

from __future__ import annotations

from django.urls import reverse

from medassist.assistant.models import ClinicInfo, Conversation, Task, Turn
from medassist.demo.assistant import assistant_demo
from medassist.pharmacy.models import RefillRequest
from tests import factories


def test_the_seed_fills_the_inbox_with_real_work(
    clinic, clinic_admin, front_desk, physician, client_for
):
    # given a clinic with four patients who have a mobile phone
    for n in range(4):
        factories.make_patient(front_desk, first_name=f"Pat{n}", phone_mobile=f"(518) 555-01{n}5")
    # when the demo seed runs
    done = assistant_demo(clinic)
    # then every conversation went through the engine, and the work is waiting
    assert done == {"assistant_conversations": 5}
    assert ClinicInfo.objects.get(clinic=clinic).parking_es.startswith("Estacionamiento")
    assert Turn.objects.filter(conversation__clinic=clinic).count() >= 12
    emergency = Task.objects.get(kind=Task.Kind.EMERGENCY)
    assert emergency.urgent and emergency.conversation.emergency
    care = Task.objects.get(kind=Task.Kind.CARE_TEAM)
    assert "ibuprofen" in care.words and care.clinician_only
    assert RefillRequest.objects.filter(source="assistant", patient__clinic=clinic).exists()
    assert Task.objects.filter(kind=Task.Kind.HANDOFF).exists()
    assert Conversation.objects.filter(language="es").exists()
    mail = Task.objects.get(kind=Task.Kind.OFFICE_MAIL)
    assert mail.file.read().startswith(b"%PDF") and mail.content_hash
    # and the doctor's inbox shows them, the care-team question included
    page = client_for(physician).get(reverse("assistant:inbox")).content.decode()
    assert "Emergency alert" in page and "Care-team message" in page
    assert "Office mail" in page and "Refill request" in page
    # the front desk does not see the clinician-only question
    desk_page = client_for(front_desk).get(reverse("assistant:inbox")).content.decode()
    assert "Care-team message" not in desk_page.split("Recent conversations")[0]


def test_the_seed_does_nothing_without_staff_and_patients(clinic):
    assert assistant_demo(clinic) == {}
    assert not Task.objects.exists()
