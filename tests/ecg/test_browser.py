"""The ECG path in a real browser: the MA uploads a recording and sees whether it is
technically acceptable (or must be repeated) and no measurements; the physician sees the
measurements, opens the tracing PDF and signs the recording."""

from __future__ import annotations

import pytest

from medassist.ecg.models import EcgRecording
from medassist.ecg.synthetic import twelve_lead_csv
from tests.browser_support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDASSIST_MAX_DOCUMENT_BYTES = 8 * 1024 * 1024


def _upload(page, patient, path):
    page.goto(f"/ecg/patients/{patient.public_id}/")
    page.get_by_label("ECG file").set_input_files(str(path))
    page.get_by_label("Sampling rate (Hz)").fill("500")
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_selector("#quality")


def test_ma_records_and_physician_reviews_an_ecg(page, tmp_path, medical_assistant, physician,
                                                 patient):
    good = tmp_path / "good.csv"
    good.write_bytes(twelve_lead_csv(hr=68.0))
    lead_off = tmp_path / "v3-off.csv"
    lead_off.write_bytes(twelve_lead_csv(hr=68.0, lead_off="V3"))

    # given the MA uploads a good recording
    login(page, "ma")
    _upload(page, patient, good)
    # then the MA sees it is acceptable, and no measurements
    quality = page.locator("#quality").inner_text()
    assert "Technically acceptable" in quality
    assert page.locator("#measurements").count() == 0
    assert "QTc" not in page.content()

    # when the MA uploads one with an electrode off
    _upload(page, patient, lead_off)
    # then the MA is told to repeat it, with the lead named
    quality = page.locator("#quality").inner_text()
    assert "Not technically acceptable — repeat the recording" in quality and "V3" in quality
    rec = EcgRecording.objects.get(original_filename="good.csv")
    assert EcgRecording.objects.count() == 2

    # when the physician opens the good recording
    login(page, "doctor")
    page.goto(f"/ecg/{rec.public_id}/")
    # then the measurements are there
    m = page.locator("#measurements").inner_text()
    assert "Heart rate" in m and "/min" in m and "QTc (Bazett)" in m and "not measured" not in m
    # and the tracing PDF opens
    href = page.get_by_role("link", name="Tracing (PDF)").get_attribute("href")
    pdf = page.request.get(href)
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body()[:5] == b"%PDF-"
    # and signing marks it reviewed
    page.get_by_role("button", name="Sign as reviewed").click()
    page.get_by_text("Reviewed and signed by").wait_for()
    rec.refresh_from_db()
    assert rec.status == "reviewed" and rec.reviewed_by == physician
