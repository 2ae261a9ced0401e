"""No patient data in URLs: the patients page and every htmx patient picker (Book, Find a
slot, waitlist, recalls) search by POST; a GET carrying `q` does not search, and nothing the
pages render or redirect to holds the searched name or date of birth."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from medassist.audit.models import AuditEvent
from medassist.patients.models import Patient
from medassist.patients.selectors import patient_search
from tests import factories

HTMX = {"HTTP_HX_REQUEST": "true"}
# (the search endpoint, whether it answers a fragment to htmx, and the page a GET may carry q to)
SEARCHES = {
    "patients": ("patients:search", "patients:search"),
    "book": ("scheduling:book_patients", "scheduling:book"),
    "find": ("booking:find_patients", "booking:find"),
    "waitlist": ("waitlist:home", "waitlist:home"),
    "recalls": ("waitlist:recalls", "waitlist:recalls"),
}
PHI = ("judith", "wood", "1969", "10/18", "555-0177", "5550177")
LINK = re.compile(r'\s(?:href|src|action|hx-get|hx-post|hx-put|hx-delete)="([^"]*)"')


@pytest.fixture
def judith(front_desk):
    return factories.make_patient(
        front_desk,
        first_name="Judith",
        last_name="Wood",
        date_of_birth=date(1969, 10, 18),
        phone_mobile="(518) 555-0177",
    )


@pytest.fixture
def others(front_desk, patient):
    """Patients a search for Judith must not list (one shares her last name)."""
    return [patient, factories.make_patient(front_desk, first_name="Walter", last_name="Wood")]


def queries(judith) -> list[str]:
    return ["Judith Wood", "wood, ju", "wood", "1969-10-18", "10/18/1969", judith.mrn, "5185550177"]


def found_in(html: str) -> set[str]:
    """Public ids of the patients a page shows (links, pick buttons, radio values)."""
    listed = {str(p.public_id) for p in Patient.objects.all()}
    return {pid for pid in listed if pid in html}


def list_events() -> int:
    return AuditEvent.objects.filter(action=AuditEvent.Action.LIST).count()


@pytest.mark.parametrize("kind", list(SEARCHES))
@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_a_get_carrying_q_does_not_search_and_writes_no_audit_event(
    kind, htmx, client_for, front_desk, judith, others
):
    # given
    client = client_for(front_desk)
    page = reverse(SEARCHES[kind][1])
    before = AuditEvent.objects.exclude(action=AuditEvent.Action.REFUSED).count()
    for q in ("Judith Wood", "1969-10-18", judith.mrn):
        # when
        response = client.get(page, {"q": q}, **(HTMX if htmx else {}))
        # then
        assert response.status_code == 200
        html = response.content.decode()
        assert found_in(html) == set()
        assert q not in html and "Judith" not in html
    assert AuditEvent.objects.exclude(action=AuditEvent.Action.REFUSED).count() == before


@pytest.mark.parametrize("kind", ["book", "find"])
def test_the_pickers_search_endpoints_refuse_a_get(kind, client_for, front_desk, judith):
    # given
    before = AuditEvent.objects.exclude(action=AuditEvent.Action.REFUSED).count()
    # when
    response = client_for(front_desk).get(reverse(SEARCHES[kind][0]), {"q": "Judith"}, **HTMX)
    # then
    assert response.status_code == 405
    assert AuditEvent.objects.exclude(action=AuditEvent.Action.REFUSED).count() == before


@pytest.mark.parametrize("kind", list(SEARCHES))
def test_a_post_search_shows_the_patients_the_search_selector_finds(
    kind, client_for, front_desk, judith, others
):
    # given
    client = client_for(front_desk)
    url = reverse(SEARCHES[kind][0])
    for q in queries(judith):
        # when
        html = client.post(url, {"q": q}, **HTMX).content.decode()
        # then
        expected = {str(p.public_id) for p in patient_search(user=front_desk, query=q, limit=10)}
        assert found_in(html) == expected, q
        assert (str(judith.public_id) in expected) == (q != "wood" or True), q


def test_the_searches_find_judith_and_not_the_others(client_for, front_desk, judith, others):
    # given
    client = client_for(front_desk)
    walter = others[1]
    # when
    by_name = client.post(reverse("patients:search"), {"q": "Judith Wood"}).content.decode()
    by_family = client.post(reverse("patients:search"), {"q": "wood"}).content.decode()
    by_birth = client.post(reverse("patients:search"), {"q": "1969-10-18"}).content.decode()
    # then
    assert found_in(by_name) == {str(judith.public_id)}
    assert found_in(by_family) == {str(judith.public_id), str(walter.public_id)}
    assert found_in(by_birth) == {str(judith.public_id)}


@pytest.mark.parametrize("kind", list(SEARCHES))
def test_a_post_search_audits_the_patients_shown_as_before(kind, client_for, front_desk, judith):
    # given
    before = list_events()
    # when
    client_for(front_desk).post(reverse(SEARCHES[kind][0]), {"q": "Judith Wood"}, **HTMX)
    # then
    event = AuditEvent.objects.filter(action=AuditEvent.Action.LIST).latest("id")
    assert list_events() == before + 1
    assert (event.patient_id, event.object_type, event.detail) == (
        judith.pk,
        "patients.Patient",
        {"search": True},
    )


@pytest.mark.parametrize("kind", list(SEARCHES))
@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_no_link_or_location_a_search_answers_holds_the_name_or_birth_date(
    kind, htmx, client_for, front_desk, judith
):
    # given
    client = client_for(front_desk)
    for q in ("Judith Wood", "1969-10-18", "10/18/1969"):
        # when
        response = client.post(reverse(SEARCHES[kind][0]), {"q": q}, **(HTMX if htmx else {}))
        # then
        html = response.content.decode()
        assert "Judith" in html  # she was found ...
        for link in [*LINK.findall(html), response.headers.get("Location", "")]:
            assert not any(part in link.lower() for part in PHI), link  # ... and no URL names her


def test_the_pages_search_forms_post_and_keep_the_box_out_of_get_forms(client_for, front_desk):
    # given
    client = client_for(front_desk)
    # when
    pages = {
        kind: client.get(reverse(page)).content.decode() for kind, (_, page) in SEARCHES.items()
    }
    # then
    for kind, html in pages.items():
        assert 'hx-get="' + reverse(SEARCHES[kind][0]) + '"' not in html, kind
        assert 'hx-post="' + reverse(SEARCHES[kind][0]) + '"' in html, kind
    assert 'name="q" form=""' in pages["find"]  # not part of the slot search's GET form
    assert 'method="get"' not in pages["patients"] + pages["waitlist"] + pages["recalls"]
    assert "hx-replace-url" not in pages["patients"]


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_the_login_redirect_keeps_the_path_and_drops_the_query(client, htmx, judith):
    # when
    response = client.get(
        reverse("patients:search"),
        {"q": "Judith Wood", "dob": "1969-10-18"},
        **(HTMX if htmx else {}),
    )
    # then
    target = response.headers.get("HX-Redirect") if htmx else response["Location"]
    assert target == "/login/?next=/patients/"


ROLES = [*factories.STAFF_ROLES, "other_clinic_physician", None]
BOOK = {"front_desk", "medical_assistant", "clinic_admin"}


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
@pytest.mark.parametrize("kind", list(SEARCHES))
def test_search_endpoints_answer_each_role_and_refusals_list_nothing(
    kind, role, cast, client_for, judith
):
    # given
    allowed = {
        "patients": set(factories.STAFF_ROLES),
        "book": BOOK,
        "find": set(factories.STAFF_ROLES),
        "waitlist": {"front_desk", "clinic_admin"},
        "recalls": {"front_desk", "medical_assistant", "clinic_admin"},
    }[kind]
    if kind != "book" and kind != "waitlist" and kind != "recalls":
        allowed = allowed | {"other_clinic_physician"}
    before = AuditEvent.objects.exclude(action=AuditEvent.Action.REFUSED).count()
    # when
    response = client_for(cast[role] if role else None).post(
        reverse(SEARCHES[kind][0]), {"q": "Judith Wood"}, **HTMX
    )
    # then
    if role is None:
        assert response.status_code == 401  # htmx: HX-Redirect to the login page
    elif role in allowed:
        assert response.status_code == 200
        shown = str(judith.public_id) in response.content.decode()
        assert shown == (role != "other_clinic_physician")
    else:
        assert response.status_code == 403
    if role is None or role not in allowed or role == "other_clinic_physician":
        assert AuditEvent.objects.exclude(action=AuditEvent.Action.REFUSED).count() == before
