"""The API's patient search goes by POST /api/patients/search (the query in the body); a GET
with `q` is refused with `search_by_post`, so no patient's name or birth date is in a URL."""

from __future__ import annotations

from datetime import date

import pytest

from medassist.audit.models import AuditEvent
from medassist.patients.selectors import patient_search
from tests import factories
from tests.api.conftest import Api, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def judith(front_desk):
    return factories.make_patient(
        front_desk,
        first_name="Judith",
        last_name="Wood",
        date_of_birth=date(1969, 10, 18),
        phone_mobile="(518) 555-0177",
    )


@pytest.mark.parametrize("q", ["Judith Wood", "1969-10-18", "MRN", "518-555-0177", "wood"])
def test_post_search_answers_the_patients_the_search_selector_finds(front_desk, judith, patient, q):
    # given
    q = judith.mrn if q == "MRN" else q
    factories.make_patient(front_desk, first_name="Walter", last_name="Wood")
    # when
    response = Api(front_desk).post("/api/patients/search", {"q": q, "limit": 10})
    # then
    assert response.status_code == 200
    expected = patient_search(user=front_desk, query=q, limit=10)
    assert [p["id"] for p in response.json()] == [str(p.public_id) for p in expected]
    assert str(judith.public_id) in {p["id"] for p in response.json()}
    assert set(response.json()[0]) == {
        "id",
        "mrn",
        "first_name",
        "last_name",
        "preferred_name",
        "date_of_birth",
        "sex",
        "phone_mobile",
    }


def test_post_search_limit_caps_the_list(front_desk):
    # given
    for _ in range(3):
        factories.make_patient(front_desk, last_name="Woodley")
    # when
    found = Api(front_desk).post("/api/patients/search", {"q": "woodley", "limit": 2}).json()
    # then
    assert len(found) == 2


def test_post_search_audits_each_patient_listed(front_desk, judith):
    # given
    before = AuditEvent.objects.exclude(action=AuditEvent.Action.REFUSED).count()
    # when
    Api(front_desk).post("/api/patients/search", {"q": "Judith Wood"})
    # then
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert [(e.action, e.patient_id, e.channel, e.detail) for e in events] == [
        (AuditEvent.Action.LIST, judith.pk, "api", {"search": True})
    ]


@pytest.mark.parametrize("q", ["Judith Wood", "1969-10-18", ""])
def test_get_with_q_is_refused_naming_the_post_endpoint_and_lists_nothing(front_desk, judith, q):
    # given
    before = snapshot()
    # when
    response = Api(front_desk).get("/api/patients", q=q)
    # then
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "search_by_post"
    assert "POST /api/patients/search" in body["message"]
    assert "Judith" not in response.content.decode()
    assert snapshot() == before  # not even an audit event


def test_get_without_q_still_answers_an_empty_list(front_desk, judith):
    # when
    response = Api(front_desk).get("/api/patients")
    # then
    assert response.status_code == 200
    assert response.json() == []


def test_post_search_refuses_unknown_fields(front_desk):
    # when
    unknown = Api(front_desk).post("/api/patients/search", {"q": "wood", "dob": "1969-10-18"})
    # then
    assert unknown.status_code == 422
    assert "dob" in unknown.json()["errors"]
