"""The typeahead screen and its htmx partial: who may use it, what it shows, odd input."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from medassist.audit.models import AuditEvent
from medassist.practice.models import User
from tests import factories
from tests.coding.conftest import clear_code_set

URL = "/coding/icd10/"
HTMX = {"HX-Request": "true"}
ROLES = factories.STAFF_ROLES


def test_the_url_name_is_the_contract():
    assert reverse("coding:icd10_typeahead") == URL


def test_anonymous_visitors_are_sent_to_log_in(icd10_subset, client):
    # when an anonymous visitor asks for the page and for the partial
    page = client.get(URL, {"q": "E11"})
    partial = client.get(URL, {"q": "E11"}, headers=HTMX)
    # then the page redirects to the login and the partial says 401 with a redirect header
    assert page.status_code == 302 and page["Location"].startswith("/login/")
    assert partial.status_code == 401 and partial["HX-Redirect"].startswith("/login/")
    assert b"E11.9" not in page.content + partial.content


def test_a_user_without_a_role_is_refused(icd10_subset, client):
    # given a login that belongs to no clinic and has no role
    user = User.objects.create_user(username="nobody", password="correct horse battery")
    client.force_login(user)
    # when
    response = client.get(URL, {"q": "E11"}, headers=HTMX)
    # then
    assert response.status_code == 403
    assert b"E11.9" not in response.content


@pytest.mark.parametrize("role", [*ROLES, "other_clinic_physician"])
def test_every_staff_role_may_search(icd10_subset, cast, client_for, role):
    # when each staff member searches (the code set is the same for every clinic)
    response = client_for(cast[role]).get(URL, {"q": "e119"}, headers=HTMX)
    # then they get the options
    assert response.status_code == 200
    assert b'data-code="E11.9"' in response.content


def test_the_partial_lists_options_with_billable_and_header_markers(
    icd10_subset, physician, client_for
):
    # when searching words that match billable codes and a header
    response = client_for(physician).get(
        URL, {"q": "type 2 diabetic kidney", "list": "dx1-list"}, headers=HTMX
    )
    html = response.content.decode()
    # then each option is a listbox option with the code, the description and its marker
    assert response.status_code == 200
    assert "<html" not in html
    assert html.count('role="option"') == 3
    assert 'id="dx1-list-1"' in html and 'data-code="E11.22"' in html
    assert "Type 2 diabetes mellitus with diabetic chronic kidney disease" in html
    assert html.count(">billable<") == 2
    assert html.count("header — not billable") == 1
    assert html.index('data-code="E11.22"') < html.index('data-code="E11.2"')


def test_the_partial_explains_an_empty_short_or_long_query(icd10_subset, physician, client_for):
    client = client_for(physician)
    # when the query is too short, symbols only, or too long
    short = client.get(URL, {"q": "E"}, headers=HTMX).content.decode()
    symbols = client.get(URL, {"q": "%%"}, headers=HTMX).content.decode()
    long = client.get(URL, {"q": "x" * 500}, headers=HTMX)
    empty = client.get(URL, {"q": ""}, headers=HTMX).content.decode()
    # then no options, a reason, never an error
    assert "at least 2 characters" in short and 'role="option"' not in short
    assert "letters or digits" in symbols
    assert long.status_code == 200 and "too long" in long.content.decode()
    assert 'role="option"' not in empty


def test_no_match_says_so(icd10_subset, physician, client_for):
    html = client_for(physician).get(URL, {"q": "xyzzy"}, headers=HTMX).content.decode()
    assert "No ICD-10-CM code matches “xyzzy”" in html


def test_a_bad_list_id_or_limit_is_ignored(icd10_subset, physician, client_for):
    # when the list id has markup in it and the limit is not a number
    response = client_for(physician).get(
        URL, {"q": "E11", "list": '"><script>', "limit": "lots"}, headers=HTMX
    )
    html = response.content.decode()
    # then the defaults are used
    assert response.status_code == 200
    assert "<script>" not in html and 'id="icd10-list-1"' in html
    assert html.count('role="option"') == 20


def test_the_limit_is_capped(icd10_subset, physician, client_for):
    html = client_for(physician).get(URL, {"q": "S72", "limit": "5000"}, headers=HTMX).content
    assert html.decode().count('role="option"') == 50


def test_the_full_page_has_a_labelled_combobox_and_works_without_javascript(
    icd10_subset, medical_assistant, client_for
):
    # when the page is opened with a query (a plain form submission)
    response = client_for(medical_assistant).get(URL, {"q": "hypertension"})
    html = response.content.decode()
    # then it is a whole page with the combobox, its label and the results already listed
    assert response.status_code == 200
    assert "<html" in html and 'role="combobox"' in html
    assert '<label for="lookup-q">' in html
    assert 'hx-get="/coding/icd10/"' in html
    assert 'data-code="I10"' in html
    assert "coding/combobox.js" in html
    assert "billable codes of the ICD-10-CM April 1, 2026" in html


def test_the_page_says_when_the_code_set_is_not_loaded(icd10_subset, physician, client_for):
    # given no code set (removed inside this test's transaction)
    clear_code_set()
    # when the page is opened
    html = client_for(physician).get(URL).content.decode()
    assert "not loaded yet" in html and "medassist load_icd10cm" in html


def test_the_partial_takes_a_fixed_number_of_queries(icd10_subset, physician, client_for):
    client = client_for(physician)
    client.get(URL, {"q": "warm"}, headers=HTMX)
    # when searching words through the partial
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, {"q": "fractures of femur"}, headers=HTMX)
    # then four search queries (vocabulary, candidates, their index entries, the codes),
    # nothing per result
    assert response.status_code == 200
    assert response.content.decode().count('role="option"') == 20
    coding = [q["sql"] for q in ctx.captured_queries if "coding_icd10cm" in q["sql"]]
    assert len(coding) == 4


def test_searching_writes_no_audit_event(icd10_subset, physician, client_for):
    before = AuditEvent.objects.exclude(action=AuditEvent.Action.REFUSED).count()
    client_for(physician).get(URL, {"q": "diabetes"}, headers=HTMX)
    assert AuditEvent.objects.exclude(action=AuditEvent.Action.REFUSED).count() == before
