"""Browser tests drive Debian's chromium (/usr/bin/chromium) with Playwright; never a download.

One session-wide browser for the whole suite: registered once, from the root conftest.
"""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = os.environ.get("MEDASSIST_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    from django.urls import get_resolver
    from playwright.sync_api import sync_playwright

    # Import every view now: the live server's first request would otherwise do it, and on a
    # busy two-core machine that can outlast a page's load timeout.
    get_resolver().resolve("/")

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1100, "height": 900})
    context.set_default_timeout(10_000)
    context.set_default_navigation_timeout(30_000)
    pg = context.new_page()
    yield pg
    context.close()


def login(page, username: str, password: str = "correct horse battery") -> None:  # noqa: S107
    """Sign in as a person would, with the second step where the account has one: a code
    from the authenticator (computed from its secret), or the enrolment its role requires."""
    import time

    import pyotp

    page.context.clear_cookies()
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("networkidle")
    if page.url.endswith("/login/two-step/"):
        secret = page.locator("#secret").inner_text().replace(" ", "")
        page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Turn on two-step sign-in").click()
        page.get_by_role("link", name="I have saved them: continue").click()
        page.wait_for_load_state("networkidle")
    elif page.url.endswith("/login/code/"):
        from medassist.practice.models import TotpDevice

        secret = TotpDevice.objects.get(user__username=username).secret
        page.get_by_label("Code").fill(pyotp.TOTP(secret).at(time.time() + 30))
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state("networkidle")
