"""The pharmacy API: role matrices, scope refusals, five-rights refusals, refill decisions."""

from __future__ import annotations

import pytest

from medassist.pharmacy.models import Administration, RefillRequest, StockLot
from tests.api.conftest import Api
from tests.pharmacy.conftest import VIS_DATE

BODY = {
    "scan": "(01)00358160842110(10)TD123",
    "dose_amount": "0.5",
    "dose_unit": "mL",
    "route": "intramuscular",
    "site": "left deltoid",
    "vis_date": VIS_DATE.isoformat(),
}


@pytest.mark.parametrize(
    "role,status,code",
    [
        ("front_desk", 403, "permission_denied"),
        ("biller", 403, "permission_denied"),
        ("clinic_admin", 403, "permission_denied"),
        ("medical_assistant", 403, "scope_refused"),  # untrained
        ("other_clinic_physician", 404, "not_found"),
    ],
)
def test_administer_is_refused_and_nothing_changes(
    cast, role, status, code, vaccine_order, vaccine_lot
):
    response = Api(cast[role]).post(
        f"/api/pharmacy/orders/{vaccine_order.public_id}/administer", BODY
    )
    assert response.status_code == status
    assert response.json()["code"] == code
    assert StockLot.objects.get(pk=vaccine_lot.pk).on_hand == 10
    assert not Administration.objects.exists()


def test_anonymous_is_401(vaccine_order):
    response = Api().post(f"/api/pharmacy/orders/{vaccine_order.public_id}/administer", BODY)
    assert response.status_code == 401


def test_a_trained_ma_administers_and_a_mismatch_is_422_with_reasons(
    trained_ma, vaccine_order, vaccine_lot
):
    api = Api(trained_ma)
    url = f"/api/pharmacy/orders/{vaccine_order.public_id}/administer"
    wrong = api.post(url, {**BODY, "route": "subcutaneous"})
    assert wrong.status_code == 422 and wrong.json()["code"] == "five_rights_mismatch"
    assert any("Wrong route" in r for r in wrong.json()["reasons"])
    ok = api.post(url, BODY)
    assert ok.status_code == 201 and ok.json()["immunization"]
    assert StockLot.objects.get(pk=vaccine_lot.pk).on_hand == 9


def test_my_scope_says_why_not(medical_assistant, physician):
    answer = Api(medical_assistant).get("/api/pharmacy/scope/injection").json()
    assert answer["allowed"] is False and "training" in answer["reason"]
    assert Api(physician).get("/api/pharmacy/scope/venipuncture").json()["allowed"] is True
    assert Api(physician).get("/api/pharmacy/scope/surgery").status_code == 422


def test_refills_by_api_only_the_prescriber_approves(
    front_desk, medical_assistant, physician, patient
):
    created = Api(front_desk).post(
        "/api/pharmacy/refills",
        {
            "patient": str(patient.public_id),
            "medication_text": "atorvastatin 20 mg",
            "source": "assistant",
        },
    )
    assert created.status_code == 201 and created.json()["drug_class"] == "statin"
    rid = created.json()["id"]
    bad = Api(front_desk).post(
        "/api/pharmacy/refills",
        {"patient": str(patient.public_id), "medication_text": "x", "source": "fax"},
    )
    assert bad.status_code == 422
    for who in (front_desk, medical_assistant):
        refused = Api(who).post(
            f"/api/pharmacy/refills/{rid}/approve", {"quantity": 30, "refills": 0}
        )
        assert refused.status_code == 403
    assert RefillRequest.objects.get().status == "new"
    assert (
        Api(medical_assistant).post(f"/api/pharmacy/refills/{rid}/prepare", {}).status_code == 200
    )
    done = Api(physician).post(f"/api/pharmacy/refills/{rid}/deny", {"reason": "Needs a visit"})
    assert done.status_code == 200 and done.json()["status"] == "denied"
    assert "Needs a visit" in done.json()["patient_message"]


def test_stock_by_api(medical_assistant, front_desk, vaccine_lot):
    lines = Api(medical_assistant).get("/api/pharmacy/stock").json()
    assert lines[0]["usable"] == 10 and lines[0]["ndc"] == "58160084211"
    assert Api(front_desk).get("/api/pharmacy/stock").status_code == 403
