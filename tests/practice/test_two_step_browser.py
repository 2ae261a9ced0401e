"""A clinic admin's first sign-in in the browser: password, the QR code to scan, one code,
the recovery codes once, then their start page; the next sign-in asks for a code."""

from __future__ import annotations

import time

import pyotp
import pytest

from medassist.practice.models import TotpDevice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clinic_admin_enrols_then_signs_in_with_a_code(page, clinic_admin):
    # given the admin's password on the login page
    page.goto("/login/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    # then they are asked to set up two-step sign-in, with a QR image served by the site
    page.get_by_role("heading", name="Set up two-step sign-in").wait_for()
    qr = page.get_by_role("img", name="QR code for your authenticator app")
    # (waited for: on a busy machine the image may still be loading when the heading shows)
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=qr.element_handle(), timeout=20_000
    )
    # when the code from the app is typed
    secret = page.locator("#secret").inner_text().replace(" ", "")
    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    # then ten recovery codes are shown, and continuing opens their start page
    page.get_by_role("heading", name="Your recovery codes").wait_for()
    assert page.get_by_role("list", name="Recovery codes").locator("li").count() == 10
    page.get_by_role("link", name="I have saved them: continue").click()
    page.wait_for_url("**/schedule/**")
    assert "Ada Admin" in page.locator(".who").inner_text()
    # and the next sign-in asks for a code after the password
    page.context.clear_cookies()
    page.goto("/login/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Enter your code").wait_for()
    device = TotpDevice.objects.get(user=clinic_admin)
    page.get_by_label("Code").fill(pyotp.TOTP(device.secret).at(time.time() + 30))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/schedule/**")
