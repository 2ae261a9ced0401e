"""Security headers: a Content-Security-Policy with no inline script, no-store on every page
that may hold patient data, and HTTPS redirect plus HSTS when HTTPS is configured."""

from __future__ import annotations

import re
from pathlib import Path

from django.test import Client, override_settings
from django.urls import reverse

TEMPLATES = Path(__file__).resolve().parents[2] / "medassist"


def test_pages_carry_a_policy_without_inline_script(client, front_desk):
    client.force_login(front_desk)
    response = client.get(reverse("scheduling:day"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_no_template_has_inline_script_or_event_handlers():
    inline = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag:
                inline.append(f"{path.name}: {tag}")
        inline += [f"{path.name}: {m}" for m in re.findall(r"\son[a-z]+=\"", text)]
    assert inline == []


def test_patient_data_is_never_cached(client, front_desk, patient):
    client.force_login(front_desk)
    chart = client.get(reverse("patients:detail", args=[patient.public_id]))
    api = client.post(
        "/api/patients/search", {"q": patient.last_name}, content_type="application/json"
    )
    for response in (chart, api):
        assert "no-store" in response["Cache-Control"]


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31_536_000)
def test_with_https_on_plain_http_is_redirected_and_hsts_is_sent(db):
    plain = Client().get("/login/")
    secure = Client().get("/login/", secure=True)
    health = Client().get("/health")
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")
    assert health.status_code == 200  # a load balancer's check stays on plain http
