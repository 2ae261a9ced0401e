"""POST [type]/_search: the same search as GET [type]?..., its parameters in a form-encoded
body, so a patient's name or birth date never goes in a URL, not even in the Bundle's links."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.test import Client

from medassist.audit.models import AuditEvent
from medassist.fhir.resources import TYPES
from tests import factories
from tests.fhir.conftest import Fhir, row_counts

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"


def ids(bundle: dict) -> list[str]:
    return [e["resource"]["id"] for e in bundle.get("entry", [])]


def post_search(api: Fhir, rtype: str, params: dict | list, *, query: str = ""):
    path = f"/{rtype}/_search" + (f"?{query}" if query else "")
    return api.send("post", path, raw=urlencode(params), ctype=FORM)


@pytest.mark.parametrize(
    "params",
    [
        {"name": "rey"},
        {"family": "Reyes", "given": "jor"},
        {"identifier": "MRN"},
        {"birthdate": "1980-05-17"},
        {"gender": "male"},
        {"name": "nobody"},
    ],
    ids=lambda p: ",".join(p),
)
def test_post_search_finds_the_same_patients_as_get_search(fhir_as, front_desk, patient, params):
    # given
    factories.make_patient(front_desk, first_name="Sam", last_name="Okafor", sex="M")
    params = {k: patient.mrn if v == "MRN" else v for k, v in params.items()}
    api = fhir_as(front_desk)
    # when
    by_get = api.get("/Patient", params)
    by_post = post_search(api, "Patient", params)
    # then
    assert by_post.status_code == by_get.status_code == 200
    assert by_post.data["total"] == by_get.data["total"]
    assert ids(by_post.data) == ids(by_get.data)


@pytest.mark.parametrize("rtype", sorted(TYPES))
def test_every_searchable_type_answers_post_search_as_it_answers_get(
    fhir_as, physician, chart_items, appointment, rtype
):
    # given
    api = fhir_as(physician)
    # when
    by_get = api.get(f"/{rtype}", {"_count": "50"})
    by_post = post_search(api, rtype, {"_count": "50"})
    # then
    assert by_post.status_code == by_get.status_code == 200, by_post.data
    assert by_post.data["total"] == by_get.data["total"]
    assert ids(by_post.data) == ids(by_get.data)


def test_post_search_filters_by_patient_reference_like_get(
    fhir_as, physician, patient, chart_items
):
    # given
    api = fhir_as(physician)
    params = {"patient": f"Patient/{patient.public_id}", "category": "vital-signs"}
    # when
    by_get = api.get("/Observation", params)
    by_post = post_search(api, "Observation", params)
    # then
    assert by_post.data["total"] == by_get.data["total"] == 7
    assert ids(by_post.data) == ids(by_get.data)


def test_post_search_links_name_only_the_page_never_the_search(fhir_as, front_desk, patient):
    # given two patients of the same name and birth date, one a page
    twin = factories.make_patient(front_desk, first_name="Jordana", last_name="Reyes")
    api = fhir_as(front_desk)
    body = {"name": "Reyes", "birthdate": "1980-05-17", "_count": "1"}
    # when
    first = post_search(api, "Patient", body).data
    nxt = next(link["url"] for link in first["link"] if link["relation"] == "next")
    second = post_search(api, "Patient", body, query=nxt.partition("?")[2]).data
    # then
    links = {link["relation"]: link["url"] for link in first["link"]}
    assert links == {
        "self": "http://testserver/fhir/r4/Patient/_search?_count=1&_offset=0",
        "next": "http://testserver/fhir/r4/Patient/_search?_count=1&_offset=1",
    }
    for url in (link["url"] for page in (first, second) for link in page["link"]):
        assert "reyes" not in url.lower() and "1980" not in url and "name" not in url
    assert first["total"] == second["total"] == 2
    assert sorted(ids(first) + ids(second)) == sorted([str(patient.public_id), str(twin.public_id)])


def test_get_search_links_keep_their_parameters(fhir_as, front_desk, patient):
    # when
    bundle = fhir_as(front_desk).get("/Patient", {"name": "Reyes"}).data
    # then
    assert (
        bundle["link"][0]["url"]
        == "http://testserver/fhir/r4/Patient?name=Reyes&_count=20&_offset=0"
    )


def test_post_search_is_audited_like_a_get_search(fhir_as, physician, patient):
    # given
    api = fhir_as(physician)
    before = AuditEvent.objects.exclude(action=AuditEvent.Action.REFUSED).count()
    # when
    post_search(api, "Patient", {"name": "Reyes"})
    # then
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert [(e.action, e.patient_id, e.channel, e.object_type) for e in events] == [
        (AuditEvent.Action.LIST, patient.pk, "fhir", "fhir.Patient")
    ]


@pytest.mark.parametrize(
    ("role", "status", "found"),
    [
        ("front_desk", 200, 1),
        ("medical_assistant", 200, 1),
        ("physician", 200, 1),
        ("biller", 200, 1),
        ("clinic_admin", 200, 1),
        ("other_clinic_physician", 200, 0),
        (None, 401, None),
    ],
)
def test_post_search_follows_the_same_role_rules_as_get(cast, patient, role, status, found):
    # given
    api = Fhir(cast[role]) if role else Fhir()
    before = row_counts()
    # when
    response = post_search(api, "Patient", {"name": "Reyes"})
    # then
    assert response.status_code == status
    if found is None:
        assert response.data["resourceType"] == "OperationOutcome"
        assert row_counts() == before  # not even an audit event
    else:
        assert response.data["total"] == found


def test_post_search_with_a_json_body_is_refused(fhir_as, front_desk, patient):
    # when
    response = fhir_as(front_desk).post("/Patient/_search", {"name": "Reyes"})
    # then
    assert response.status_code == 415
    assert "x-www-form-urlencoded" in response.data["issue"][0]["diagnostics"]


def test_get_on_search_endpoint_is_not_allowed(fhir_as, front_desk, patient):
    # when
    response = fhir_as(front_desk).get("/Patient/_search", {"name": "Reyes"})
    # then
    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_post_search_with_an_unknown_parameter_is_refused_like_get(fhir_as, front_desk):
    # when
    response = post_search(fhir_as(front_desk), "Patient", {"shoe-size": "9"})
    # then
    assert response.status_code == 400
    assert "shoe-size" in response.data["issue"][0]["diagnostics"]


def test_post_search_of_an_unknown_type_is_not_found(fhir_as, front_desk):
    response = post_search(fhir_as(front_desk), "Spaceship", {"name": "x"})
    assert response.status_code == 404


def test_session_post_search_needs_the_csrf_token(front_desk, patient):
    # given a logged-in browser session that enforces CSRF
    api = Fhir(client=Client(enforce_csrf_checks=True))
    api.client.force_login(front_desk)
    # when
    response = post_search(api, "Patient", {"name": "Reyes"})
    # then
    assert response.status_code == 403
