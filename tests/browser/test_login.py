import pytest

from tests.browser_support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_wrong_password_shows_a_plain_message_in_the_browser(page, front_desk):
    # given the login page
    # when a wrong password is typed
    login(page, "frontdesk", "nope")
    # then the page says so and stays on login
    assert "/login/" in page.url
    assert page.get_by_role("alert").inner_text().startswith("Please enter a correct")


def test_front_desk_logs_in_and_sees_their_name(page, front_desk):
    login(page, "frontdesk")
    assert "Fran Desk" in page.locator(".who").inner_text()
