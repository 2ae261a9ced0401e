"""Set-up screens in a real browser (Debian's chromium): the clinic admin adds a kind and a
resource, then makes a visit type need it, without the Django admin."""

from pathlib import Path

import pytest

from medassist.availability.models import Resource, VisitTypeRule
from tests.browser_support import login

SHOTS = Path("/tmp")  # noqa: S108 - the brief asks for /tmp/setup_*.png to look at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _section(page, heading: str):
    return page.locator("section", has=page.get_by_role("heading", name=heading, exact=True))


def test_admin_adds_a_kind_and_resource_then_edits_a_rule(page, clinic_admin, provider, follow_up):
    # given the set-up page (patient waits: the shared test machine is busy)
    page.set_default_timeout(60_000)
    login(page, "admin")
    page.goto("/availability/")
    page.get_by_role("link", name="Resources: rooms and equipment").click()
    page.get_by_role("heading", name="Resources: rooms and equipment").wait_for()
    # when the admin adds a kind
    _section(page, "Add a kind").get_by_label("Kind").fill("ECG cart")
    page.get_by_role("button", name="Add kind").click()
    page.get_by_text("Added the kind “ECG cart”.").wait_for()
    # and a resource of it, in Exam 2
    add = _section(page, "Add a resource")
    add.get_by_label("Kind").select_option(label="ECG cart")
    add.get_by_label("Room").select_option(label="Exam 2 (Maple Family Medicine Main)")
    add.get_by_label("Name").fill("ECG cart 1")
    page.get_by_role("button", name="Add resource").click()
    page.get_by_text("Added ECG cart 1 (ECG cart) at Maple Family Medicine Main.").wait_for()
    # then it is listed under its kind, in service
    row = page.locator("tr", has_text="ECG cart 1").first.inner_text()
    assert "Exam 2" in row and "In service" in row
    page.screenshot(path=SHOTS / "setup_resources.png", full_page=True)
    cart = Resource.objects.get(name="ECG cart 1")
    assert cart.room.name == "Exam 2" and cart.active

    # when the admin opens the visit-type rules and edits the follow-up's rule
    page.get_by_role("link", name="Visit-type rules").click()
    rule = _section(page, "Follow-up · 20 min")
    rule.get_by_text("Edit the rule for Follow-up").click()
    rule.get_by_label("Paul Osler, MD").check()
    rule.get_by_label("Patients").select_option(label="Established patients only")
    rule.get_by_label("ECG cart").check()
    rule.screenshot(path=SHOTS / "setup_rule_form.png")
    page.get_by_role("button", name="Save the rule for Follow-up").click()
    page.get_by_text("Saved the rule for Follow-up visits.").wait_for()
    # then the summary shows it
    summary = _section(page, "Follow-up · 20 min").locator("dl").inner_text()
    assert "Paul Osler, MD" in summary and "Established patients only" in summary
    assert "ECG cart" in summary
    page.screenshot(path=SHOTS / "setup_rules.png", full_page=True)
    saved = VisitTypeRule.objects.get(visit_type=follow_up)
    assert list(saved.providers.all()) == [provider]
    assert list(saved.required_kinds.all()) == [cart.kind]
