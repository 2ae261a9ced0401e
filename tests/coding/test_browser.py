"""The ICD-10-CM combobox in a real browser (Debian's chromium): typing, keyboard, choosing."""

import pytest

from medassist.coding.services import icd10cm_load
from tests.browser_support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def codes_loaded(transactional_db):
    icd10cm_load(codes=["E10.9", "E11", "I10", "J06"])


def test_typing_words_lists_codes_and_enter_chooses_the_highlighted_one(
    page,
    codes_loaded,
    medical_assistant,
):
    # given the code lookup page
    login(page, "ma")
    page.goto("/coding/icd10/")
    box = page.get_by_role("combobox", name="Find a code")
    # when words are typed
    box.press_sequentially("type 2 diab kidney", delay=20)
    options = page.get_by_role("option")
    options.first.wait_for()
    # then matching codes are listed with their markers
    assert options.first.get_attribute("data-code") == "E11.22"
    assert "billable" in options.first.inner_text()
    assert box.get_attribute("aria-expanded") == "true"
    # when the second option is highlighted with the arrow keys and Enter is pressed
    box.press("ArrowDown")
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == "lookup-list-2"
    box.press("Enter")
    # then that code is chosen: hidden input, visible text, list closed, page not submitted
    assert page.locator("#lookup").input_value() == "E11.29"
    assert page.locator("#lookup-chosen").inner_text().startswith("Chosen: E11.29")
    assert box.input_value().startswith("E11.29 ")
    assert page.get_by_role("option").count() == 0
    assert "q=" not in page.url


def test_clicking_a_header_shows_its_codes_and_clicking_a_code_chooses_it(
    page,
    codes_loaded,
    physician,
):
    login(page, "doctor")
    page.goto("/coding/icd10/")
    box = page.get_by_role("combobox", name="Find a code")
    box.press_sequentially("type 2 diabetic kidney", delay=20)
    header = page.locator('[role=option][data-code="E11.2"]')
    header.wait_for()
    assert "header — not billable" in header.inner_text()
    # when the header is clicked
    header.click()
    # then the box searches its code and lists the codes under it
    page.locator('[role=option][data-code="E11.21"]').wait_for()
    assert box.input_value() == "E11.2"
    assert page.locator("#lookup").input_value() == ""
    # when a billable code is clicked
    page.locator('[role=option][data-code="E11.21"]').click()
    # then it is chosen
    assert page.locator("#lookup").input_value() == "E11.21"
    # and typing again clears the choice
    box.press("Backspace")
    assert page.locator("#lookup").input_value() == ""


def test_escape_closes_the_list_and_short_input_explains_itself(
    page,
    codes_loaded,
    front_desk,
):
    login(page, "frontdesk")
    page.goto("/coding/icd10/")
    box = page.get_by_role("combobox", name="Find a code")
    box.press_sequentially("E1", delay=20)
    page.get_by_role("option").first.wait_for()
    box.press("Escape")
    assert page.get_by_role("option").count() == 0
    box.fill("")
    box.press_sequentially("E", delay=20)
    page.get_by_text("Type at least 2 characters.").wait_for()
