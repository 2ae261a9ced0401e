"""Pharmacy screens: role matrices (a refusal changes nothing), the scope refusal in the UI,
the portal refill page, the stock room, query counts."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from medassist.audit.models import AuditEvent
from medassist.pharmacy import services
from medassist.pharmacy.models import Administration, RefillRequest, StockLot, StockMovement
from medassist.portal.signin import SESSION_COOKIE, session_value
from tests import factories
from tests.pharmacy.conftest import VIS_DATE

ROLES = ["front_desk", "medical_assistant", "physician", "biller", "clinic_admin"]


def _expected(role, allowed):
    if role == "anonymous":
        return 302
    if role == "other_clinic_physician":
        return 404 if "other" in allowed else 403
    return 200 if role in allowed else 403


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
@pytest.mark.parametrize(
    "name,allowed",
    [
        ("pharmacy:refills", {"front_desk", "medical_assistant", "physician", "clinic_admin"}),
        ("pharmacy:stock", {"medical_assistant", "physician", "clinic_admin"}),
        ("pharmacy:orders", set(ROLES)),
    ],
)
def test_screens_open_only_for_their_roles(client_for, cast, role, name, allowed):
    client = client_for(None if role == "anonymous" else cast[role])
    assert client.get(reverse(name)).status_code == _expected(role, allowed)


@pytest.mark.parametrize("role", ["front_desk", "biller", "clinic_admin", "anonymous"])
def test_giving_is_refused_to_other_roles_and_nothing_changes(
    client_for, cast, role, vaccine_order, vaccine_lot
):
    client = client_for(None if role == "anonymous" else cast[role])
    url = reverse("pharmacy:give", args=[vaccine_order.public_id])
    response = client.post(
        url,
        {
            "scan": "(01)00358160842110(10)TD123",
            "dose_amount": "0.5",
            "dose_unit": "mL",
            "route": "intramuscular",
            "site": "left deltoid",
            "vis_date": "2021-08-06",
        },
    )
    assert response.status_code in {302, 403}
    assert StockLot.objects.get(pk=vaccine_lot.pk).on_hand == 10
    assert not Administration.objects.exists()


def _give_post(**extra):
    data = {
        "scan": "(01)00358160842110(10)TD123",
        "dose_amount": "0.5",
        "dose_unit": "mL",
        "route": "intramuscular",
        "site": "left deltoid",
        "vis_date": VIS_DATE.isoformat(),
    }
    data.update(extra)
    return data


def test_an_unqualified_ma_is_refused_in_the_ui_with_the_reason_and_it_is_audited(
    client_for, medical_assistant, vaccine_order, vaccine_lot
):
    url = reverse("pharmacy:give", args=[vaccine_order.public_id])
    response = client_for(medical_assistant).post(url, _give_post())
    assert response.status_code == 403
    assert "training" in response.content.decode()
    assert StockLot.objects.get(pk=vaccine_lot.pk).on_hand == 10
    assert AuditEvent.objects.filter(object_type="practice.scope", actor=medical_assistant).exists()


def test_a_trained_ma_gives_the_vaccine_from_the_screen(
    client_for, trained_ma, vaccine_order, vaccine_lot
):
    url = reverse("pharmacy:give", args=[vaccine_order.public_id])
    client = client_for(trained_ma)
    wrong = client.post(url, _give_post(dose_amount="1"))
    assert wrong.status_code == 422 and "Wrong dose" in wrong.content.decode()
    assert StockLot.objects.get(pk=vaccine_lot.pk).on_hand == 10
    response = client.post(url, _give_post())
    assert (
        response.status_code == 200 and "The vaccine is on the chart" in response.content.decode()
    )
    assert StockLot.objects.get(pk=vaccine_lot.pk).on_hand == 9


def test_staff_enter_a_refill_by_mrn_and_the_prescriber_approves_it(
    client_for, front_desk, medical_assistant, physician, patient
):
    response = client_for(front_desk).post(
        reverse("pharmacy:refills"),
        {
            "mrn": patient.mrn,
            "medication_text": "lisinopril 10 mg",
            "source": "pharmacy",
            "pharmacy_text": "Main St Pharmacy",
        },
    )
    assert response.status_code == 302
    refill = RefillRequest.objects.get()
    url = reverse("pharmacy:refill", args=[refill.public_id])
    assert (
        client_for(front_desk)
        .post(url, {"action": "approve", "quantity": 30, "refills": 1})
        .status_code
        == 403
    )
    assert client_for(medical_assistant).post(url, {"action": "prepare"}).status_code == 302
    assert (
        client_for(physician)
        .post(url, {"action": "approve", "quantity": 30, "refills": 1})
        .status_code
        == 302
    )
    refill.refresh_from_db()
    assert refill.status == "approved"
    page = client_for(physician).get(url).content.decode()
    assert "Told the patient" in page and "Main St Pharmacy" in page


def test_a_refill_for_an_unknown_mrn_is_refused(client_for, front_desk):
    response = client_for(front_desk).post(
        reverse("pharmacy:refills"), {"mrn": "NOPE1", "medication_text": "x", "source": "phone"}
    )
    assert response.status_code == 422
    assert not RefillRequest.objects.exists()


def test_the_refill_queue_is_a_fixed_number_of_queries(
    client_for, front_desk, patient, django_assert_max_num_queries
):
    for n in range(10):
        services.refill_request_create(
            actor=front_desk, patient=patient, medication_text=f"drug{n} 5 mg", source="phone"
        )
    client = client_for(front_desk)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("pharmacy:refills")).status_code == 200


def test_a_signed_in_patient_asks_for_a_refill_from_the_portal(patient, clinic):
    client = Client()
    assert client.get(reverse("pharmacy:portal_refill")).status_code == 401
    client.cookies[SESSION_COOKIE] = session_value(patient)
    assert client.get(reverse("pharmacy:portal_refill")).status_code == 200
    response = client.post(
        reverse("pharmacy:portal_refill"),
        {"medication_text": "metformin 500 mg", "pharmacy_text": "CVS"},
    )
    assert response.status_code == 200 and "Your request was sent" in response.content.decode()
    refill = RefillRequest.objects.get()
    assert refill.source == "portal" and refill.patient == patient
    assert refill.drug_class == "diabetes_oral"
    assert refill.created_by.username.startswith("portal-")


def test_the_stock_room_receives_and_wastes(client_for, medical_assistant, vaccine, vaccine_lot):
    client = client_for(medical_assistant)
    response = client.post(
        reverse("pharmacy:stock"),
        {
            "form": "receive",
            "item": str(vaccine.public_id),
            "lot_number": "TD999",
            "expires_on": "2099-01-01",
            "quantity": 4,
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("pharmacy:stock"),
        {
            "form": "lot",
            "action": "waste",
            "lot": str(vaccine_lot.public_id),
            "quantity": 20,
            "reason": "dropped",
        },
    )
    assert response.status_code == 422  # more than on hand
    assert StockLot.objects.get(pk=vaccine_lot.pk).on_hand == 10
    assert StockMovement.objects.filter(kind="waste").count() == 0
    page = client.get(reverse("pharmacy:stock")).content.decode()
    assert "TD999" in page


def test_another_clinics_order_is_not_found(client_for, other_clinic, vaccine_order):
    stranger = factories.make_user(other_clinic, "medical_assistant")
    factories.make_training(stranger)
    url = reverse("pharmacy:give", args=[vaccine_order.public_id])
    assert client_for(stranger).get(url).status_code == 404
