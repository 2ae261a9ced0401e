"""The orders API: list (scoped to the clinic, filtered), read one with results and history,
sign results as reviewed (physicians only); bad filters are refused."""

from __future__ import annotations

import json

from django.test import Client

from medassist.orders.ingest import receive
from medassist.orders.models import Order
from medassist.practice.models import ApiToken
from tests.orders.samples import oru


def _client(user):
    _, key = ApiToken.issue(user, "tests")
    return Client(headers={"Authorization": f"Bearer {key}"})


def _resulted(ma, order):
    p = order.patient
    receive(
        actor=ma,
        data=oru(mrn=p.mrn, family=p.last_name, given=p.first_name, placer=order.placer_number),
    )


def test_list_read_review(medical_assistant, physician, lipid_order, other_clinic_physician):
    _resulted(medical_assistant, lipid_order)
    ma, doc = _client(medical_assistant), _client(physician)
    rows = ma.get("/api/orders").json()
    assert [r["placer_number"] for r in rows] == [lipid_order.placer_number]
    assert rows[0]["tests"] == [{"loinc": "57698-3", "name": "Lipid panel"}]
    assert rows[0]["signed_at"].endswith(("-05:00", "-04:00"))  # the clinic's time
    pid = lipid_order.patient.public_id
    assert len(ma.get("/api/orders", {"patient": str(pid), "status": "resulted"}).json()) == 1
    assert ma.get("/api/orders", {"status": "sent"}).json() == []
    assert ma.get("/api/orders", {"kind": "imaging"}).json() == []
    r = ma.get("/api/orders", {"status": "bogus"})
    assert r.status_code == 422 and r.json()["code"] == "validation_failed"

    url = f"/api/orders/{lipid_order.public_id}"
    one = ma.get(url).json()
    assert one["status"] == "resulted" and one["abnormal"] is True
    assert {x["code"] for x in one["results"]} == {"2093-3", "2571-8", "2085-9"}
    assert one["events"][0]["status"] == "ordered"

    body = json.dumps({"comment": "Recheck in 3 months"})
    r = ma.post(f"{url}/review", body, content_type="application/json")
    assert r.status_code == 403
    r = doc.post(f"{url}/review", body, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "reviewed"
    assert r.json()["review_comment"] == "Recheck in 3 months"
    r = doc.post(f"{url}/review", body, content_type="application/json")
    assert r.status_code == 409  # already reviewed
    lipid_order.refresh_from_db()
    assert lipid_order.status == Order.Status.REVIEWED

    other = _client(other_clinic_physician)
    assert other.get(url).status_code == 404
    assert other.get("/api/orders").json() == []
    assert other.post(f"{url}/review", body, content_type="application/json").status_code == 404


def test_roles_without_orders_are_refused(front_desk, lipid_order):
    fd = _client(front_desk)
    assert fd.get("/api/orders").status_code == 403
    assert fd.get(f"/api/orders/{lipid_order.public_id}").status_code == 403
