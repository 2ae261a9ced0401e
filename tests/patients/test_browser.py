"""The patient page in a real browser: its appointments load into place as it opens (served
by scheduling), and without JavaScript a link leads to them."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser_support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_patient_page_shows_its_appointments_once_it_has_opened(
    page, front_desk, patient, appointment
):
    # given the front desk is logged in
    login(page, "frontdesk")
    # when they open the patient's page
    page.goto(f"/patients/{patient.public_id}/")
    # then the appointments section fills in place with the visit
    section = page.locator("#patient-visits")
    expect(section.locator("tbody tr")).to_have_count(1)
    expect(section).to_contain_text("Paul Osler, MD")
    expect(section).to_contain_text("Booked")
    expect(page.get_by_role("link", name="Show appointments")).to_have_count(0)
    expect(page.get_by_role("heading", name="Appointments")).to_have_count(1)


def test_without_javascript_the_patient_page_links_to_its_appointments(
    browser, live_server, front_desk, patient, appointment
):
    # given a browser with JavaScript off, logged in as the front desk
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    login(page, "frontdesk")
    page.goto(f"/patients/{patient.public_id}/")
    # when they follow the link in the appointments section
    page.get_by_role("link", name="Show appointments").click()
    # then the appointments open as a page of their own, with the way back
    expect(page.locator("#patient-visits")).to_contain_text("Paul Osler, MD")
    expect(page.get_by_role("link", name="Back to the patient")).to_be_visible()
    context.close()
