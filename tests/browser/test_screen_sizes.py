"""The main screens at a phone's, a tablet's and a laptop's width: the menu folds behind a
button on phones and tablets and fits one line on a laptop; the flow board's next-step button
is on screen without scrolling sideways."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from medassist.scheduling.selectors import clinic_today
from tests import factories
from tests.browser_support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sized(page, width: int):
    page.set_viewport_size({"width": width, "height": 900})
    return page


@pytest.mark.parametrize("width", [390, 1024])
def test_the_menu_folds_behind_a_button_on_phones_and_tablets(page, front_desk, width):
    login(sized(page, width), "frontdesk")
    page.goto("/schedule/")
    menu = page.get_by_role("button", name="Menu")
    nav = page.locator("#main-nav")
    assert menu.is_visible() and not nav.is_visible()
    menu.click()
    assert nav.is_visible() and menu.get_attribute("aria-expanded") == "true"
    assert nav.get_by_role("link", name="Flow board").is_visible()


def test_the_menu_fits_one_line_on_a_laptop(page, front_desk):
    login(sized(page, 1366), "frontdesk")
    page.goto("/schedule/")
    assert not page.get_by_role("button", name="Menu").is_visible()
    assert page.locator("header.topbar").bounding_box()["height"] < 70


def test_the_board_button_is_on_a_phone_screen(page, front_desk, patient, provider):
    clinic = front_desk.clinic
    start = datetime.combine(clinic_today(clinic), time(23, 0), tzinfo=clinic.tz)
    factories.book(front_desk, patient, provider, start=start)
    login(sized(page, 390), "frontdesk")
    page.goto("/desk/board/")
    button = page.get_by_role("link", name="Check in").first
    box = button.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390
