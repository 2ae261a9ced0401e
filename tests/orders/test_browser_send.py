"""In a real browser: the admin connects the lab (file drop) on Lab connections, the MA draws
an order and sends it to the lab from the order screen, and sees the control id."""

from __future__ import annotations

import pytest

from medassist.orders.connections import lab_folders
from medassist.orders.models import HL7Message
from medassist.orders.services import specimens_collect
from tests.browser_support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_connects_the_lab_and_the_ma_sends(
    page, clinic_admin, medical_assistant, lipid_order, lab, tmp_path, settings
):
    settings.MEDASSIST_HL7_DIR = tmp_path / "hl7"
    login(page, "admin")
    page.goto("/orders/labs/")
    card = page.locator(f"#lab-{lab.code}")
    card.get_by_label("Connection").select_option("file")
    card.get_by_label("Drop folder (file drop)", exact=False).fill("acme")
    card.get_by_role("button", name="Save").click()
    page.wait_for_load_state("networkidle")
    assert "file drop acme/out" in page.locator(f"#lab-{lab.code}").inner_text()
    page.screenshot(path="/tmp/orders_lab_connections.png", full_page=True)  # noqa: S108 - to look at

    specimens_collect(
        actor=medical_assistant, order=lipid_order, site="left antecubital", fasting_confirmed=True
    )
    login(page, "ma")
    page.goto(f"/orders/{lipid_order.public_id}/")
    page.get_by_role("button", name="Send to lab").click()
    page.wait_for_load_state("networkidle")
    row = HL7Message.objects.get(direction="out")
    assert f"control id {row.control_id}" in page.content()
    assert "Sent" in page.locator("#order-status").inner_text()
    assert page.get_by_role("button", name="Send again").is_visible()
    lab.refresh_from_db()
    out, _ = lab_folders(lab)
    assert (out / f"{row.control_id}.hl7").exists()
    page.screenshot(path="/tmp/orders_sent.png", full_page=True)  # noqa: S108 - to look at
