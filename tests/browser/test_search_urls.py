"""No patient data in URLs, in a real browser: the name typed into a patient search travels in
POST bodies only, never in the page's address or any request's URL."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser_support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NAME_PARTS = ("judith", "wood", "judith+wood", "judith%20wood")


@pytest.fixture
def judith(front_desk):
    return factories.make_patient(
        front_desk, first_name="Judith", last_name="Wood", date_of_birth=date(1969, 10, 18)
    )


def _record(page) -> list:
    requests: list = []
    page.on("request", lambda request: requests.append(request))
    return requests


def _assert_no_name_in(urls: list[str]) -> None:
    for url in urls:
        assert not any(part in url.lower() for part in NAME_PARTS), url


def test_the_book_forms_patient_search_sends_the_name_in_no_url(page, front_desk, judith):
    # given the Book form, every request the page makes recorded
    requests = _record(page)
    login(page, "frontdesk")
    page.goto("/schedule/book/")
    # when a name is typed into its patient search
    page.get_by_label("Patient", exact=True).press_sequentially("Judith Wood", delay=30)
    # then she is found, and can be picked
    result = page.get_by_role("button", name=re.compile("Wood, Judith"))
    expect(result).to_be_visible()
    result.click()
    expect(page.get_by_role("button", name="Change patient")).to_be_visible()
    # and the name went in POST bodies only
    searches = [r for r in requests if r.url.endswith("/schedule/book/patients/")]
    assert searches and {r.method for r in searches} == {"POST"}
    assert any("Judith" in (r.post_data or "") for r in searches)
    _assert_no_name_in([page.url, *(r.url for r in requests)])
    assert any(f"pick={judith.public_id}" in r.url for r in requests)  # a UUID, not a name


def test_find_a_slot_keeps_the_typed_name_out_of_its_get_search(page, front_desk, judith):
    # given Find a slot, every request the page makes recorded
    requests = _record(page)
    login(page, "frontdesk")
    page.goto("/availability/find/")
    page.get_by_label("Visit type", exact=True).select_option(label="Follow-up (20 min)")
    # when a name is typed and the patient chosen, and the (GET) slot search is sent
    page.get_by_label("Patient").press_sequentially("Judith Wood", delay=30)
    page.get_by_role("button", name=re.compile("Wood, Judith")).click()
    expect(page.get_by_role("button", name="Change patient")).to_be_visible()
    page.get_by_role("button", name="Find slots").click()
    expect(page.locator("#results")).to_contain_text("No open slots")
    # then the slot search named the patient by id, and no URL holds her name
    slot_searches = [r for r in requests if "visit_type=" in r.url]
    assert slot_searches and all(f"patient={judith.public_id}" in r.url for r in slot_searches)
    _assert_no_name_in([page.url, *(r.url for r in requests)])
