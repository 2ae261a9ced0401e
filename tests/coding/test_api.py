"""GET /api/coding/icd10 and /api/coding/icd10/{code}: roles, shapes, odd input."""

import pytest
from django.test import Client

from medassist.audit.models import AuditEvent
from medassist.practice.models import ApiToken
from tests import factories

ROLES = factories.STAFF_ROLES


def test_anonymous_callers_get_401(icd10_subset):
    # when nobody is logged in and no token is sent
    search = Client().get("/api/coding/icd10", {"q": "E11"})
    one = Client().get("/api/coding/icd10/E11.9")
    # then
    assert search.status_code == one.status_code == 401
    assert search.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("role", [*ROLES, "other_clinic_physician"])
def test_every_staff_role_may_search_with_a_session(icd10_subset, cast, client_for, role):
    response = client_for(cast[role]).get("/api/coding/icd10", {"q": "e119"})
    assert response.status_code == 200
    assert response.json()["results"][0]["code"] == "E11.9"


def test_a_bearer_token_works_too(icd10_subset, biller):
    _, key = ApiToken.issue(biller, "claims robot")
    response = Client().get("/api/coding/icd10/I10", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200 and response.json()["code"] == "I10"


def test_search_returns_codes_with_their_flags(icd10_subset, physician, client_for):
    # when searching words
    body = (
        client_for(physician).get("/api/coding/icd10", {"q": "diabetes type 2", "limit": 5}).json()
    )
    # then each result has the code, description, billable flag and grouping
    assert body["query"] == "diabetes type 2"
    assert body["count"] == len(body["results"]) == 5
    assert body["message"] == ""
    first = body["results"][0]
    assert set(first) == {"code", "description", "billable", "kind", "common", "chapter", "block"}
    assert first["billable"] is True and first["common"] is True
    assert first["chapter"] == "IV" and first["block"] == "E08-E13"


def test_search_explains_a_short_or_empty_query(icd10_subset, physician, client_for):
    client = client_for(physician)
    short = client.get("/api/coding/icd10", {"q": "E"}).json()
    nothing = client.get("/api/coding/icd10", {"q": "xyzzy"}).json()
    assert short["results"] == [] and "at least 2" in short["message"]
    assert nothing["results"] == [] and nothing["message"] == "No ICD-10-CM code matches."


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "x" * 101}, "q"),
        ({"q": "E11", "limit": 0}, "limit"),
        ({"q": "E11", "limit": 101}, "limit"),
        ({"q": "E11", "limit": "many"}, "limit"),
    ],
)
def test_bad_search_input_gets_422_with_the_field(
    icd10_subset, physician, client_for, params, field
):
    response = client_for(physician).get("/api/coding/icd10", params)
    assert response.status_code == 422
    assert field in response.json()["errors"]


def test_one_code_comes_with_notes_ancestors_and_children(icd10_subset, physician, client_for):
    # when reading a category without the dot in lower case
    body = client_for(physician).get("/api/coding/icd10/e11").json()
    # then
    assert (body["code"], body["kind"], body["billable"]) == ("E11", "category", False)
    assert body["parent"] == "E08-E13"
    assert "diabetes NOS" in body["inclusion_terms"]
    assert any("(E08.-)" in note for note in body["excludes1"])
    assert [a["code"] for a in body["ancestors"]] == ["E08-E13", "4"]
    assert [c["code"] for c in body["children"]][:3] == ["E11.0", "E11.1", "E11.2"]


def test_a_billable_code_has_no_children(icd10_subset, physician, client_for):
    body = client_for(physician).get("/api/coding/icd10/E11.9").json()
    assert body["billable"] is True and body["children"] == []
    assert [a["code"] for a in body["ancestors"]] == ["E11", "E08-E13", "4"]


@pytest.mark.parametrize("code", ["E11.99", "ZZZ", "hello%20world"])
def test_an_unknown_code_gets_404(icd10_subset, physician, client_for, code):
    response = client_for(physician).get(f"/api/coding/icd10/{code}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_reading_the_code_set_writes_no_audit_event(icd10_subset, physician, client_for):
    before = AuditEvent.objects.exclude(action=AuditEvent.Action.REFUSED).count()
    client = client_for(physician)
    client.get("/api/coding/icd10", {"q": "diabetes"})
    client.get("/api/coding/icd10/E11.9")
    assert AuditEvent.objects.exclude(action=AuditEvent.Action.REFUSED).count() == before
