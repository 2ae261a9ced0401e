"""Recordings on the chart: the services, the MA's and the physician's screens, the PDF."""

import io

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from medassist.audit.models import AuditEvent
from medassist.core.errors import Conflict, PermissionDenied, ValidationFailed
from medassist.ecg import services
from medassist.ecg.models import EcgRecording
from tests.ecg.synth import make_ecg
from tests.ecg.test_readers import LEADS12, write_dicom


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDASSIST_MAX_DOCUMENT_BYTES = 8 * 1024 * 1024
    return settings.MEDIA_ROOT


def csv_upload(fs=250, seconds=12, flat=False, name="ecg.csv"):
    s = make_ecg(fs=fs, seconds=seconds, noise_mv=0.01)
    sig = np.zeros_like(s.signal) if flat else s.signal
    rows = ["I,II"] + [f"{v:.4f},{v * 0.8:.4f}" for v in sig]
    return SimpleUploadedFile(name, ("\n".join(rows) + "\n").encode(), "text/csv")


def dicom_upload(tmp_path):
    p = tmp_path / "ecg.dcm"
    write_dicom(p)
    return SimpleUploadedFile("ecg.dcm", p.read_bytes(), "application/dicom")


def media_files(root):
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_record_measures_and_stores(medical_assistant, patient, media_root):
    rec = services.ecg_record(actor=medical_assistant, patient=patient,
                              uploaded_file=csv_upload(), sampling_rate=250)
    assert rec.acceptable and rec.format == "csv" and rec.lead_names == ["I", "II"]
    assert rec.measurements["hr_bpm"] == pytest.approx(72, abs=1.5)
    assert rec.measurements["qt_ms"] is not None
    assert all("beats" not in lead for lead in rec.measurements["leads"])
    assert rec.quality == {"I": [], "II": []}
    assert len(media_files(media_root)) == 1
    assert AuditEvent.objects.filter(action="create", object_id=str(rec.public_id)).exists()


def test_flat_recording_is_stored_as_not_acceptable(medical_assistant, patient):
    rec = services.ecg_record(actor=medical_assistant, patient=patient,
                              uploaded_file=csv_upload(flat=True), sampling_rate=250)
    assert rec.acceptable is False
    assert rec.quality["I"] == ["flat"]
    assert rec.measurements["qt_ms"] is None and "qt_ms" in rec.measurements["not_measured"]


@pytest.mark.parametrize(
    "upload,fs,code",
    [
        (lambda: csv_upload(), None, "ecg_fs_required"),
        (lambda: csv_upload(), 5, "ecg_bad_sampling_rate"),
        (lambda: SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 500), None,
         "ecg_not_an_ecg"),
        (lambda: SimpleUploadedFile("x.csv", b"I,II\n1,2\n"), 250, "ecg_too_short"),
    ],
)
def test_refused_upload_stores_nothing(medical_assistant, patient, media_root, upload, fs, code):
    with pytest.raises(ValidationFailed) as err:
        services.ecg_record(actor=medical_assistant, patient=patient, uploaded_file=upload(),
                            sampling_rate=fs)
    assert err.value.code == code
    assert not EcgRecording.objects.exists()
    assert media_files(media_root) == []


def test_roles_and_clinic_scope(front_desk, physician, other_clinic_physician, patient,
                                medical_assistant):
    with pytest.raises(PermissionDenied):
        services.ecg_record(actor=front_desk, patient=patient, uploaded_file=csv_upload(),
                            sampling_rate=250)
    with pytest.raises(ValidationFailed):
        services.ecg_record(actor=other_clinic_physician, patient=patient,
                            uploaded_file=csv_upload(), sampling_rate=250)
    rec = services.ecg_record(actor=medical_assistant, patient=patient,
                              uploaded_file=csv_upload(), sampling_rate=250)
    with pytest.raises(PermissionDenied):
        services.ecg_review(actor=medical_assistant, recording=rec)
    services.ecg_review(actor=physician, recording=rec)
    rec.refresh_from_db()
    assert rec.status == "reviewed" and rec.reviewed_by == physician
    with pytest.raises(Conflict):
        services.ecg_review(actor=physician, recording=rec)


def test_ma_screen_shows_acceptability_not_measurements(client_for, medical_assistant, patient):
    c = client_for(medical_assistant)
    url = reverse("ecg:patient", args=[patient.public_id])
    assert c.get(url).status_code == 200
    r = c.post(url, {"file": csv_upload(), "sampling_rate": "250"})
    assert r.status_code == 302
    page = c.get(r["Location"]).content.decode()
    assert "Technically acceptable" in page
    assert "QTc (Bazett)" not in page and "Sign as reviewed" not in page

    bad = c.post(url, {"file": csv_upload(flat=True), "sampling_rate": "250"})
    page = c.get(bad["Location"]).content.decode()
    assert "repeat the recording" in page and "Flat line or lead off" in page


def test_bad_upload_shows_the_reason(client_for, medical_assistant, patient):
    c = client_for(medical_assistant)
    url = reverse("ecg:patient", args=[patient.public_id])
    r = c.post(url, {"file": csv_upload()})
    assert r.status_code == 422
    assert "sampling rate" in r.content.decode()
    assert not EcgRecording.objects.exists()


def test_physician_sees_measurements_and_signs(client_for, medical_assistant, physician,
                                                patient, tmp_path):
    rec = services.ecg_record(actor=medical_assistant, patient=patient,
                              uploaded_file=dicom_upload(tmp_path))
    assert rec.lead_names == LEADS12
    c = client_for(physician)
    assert str(rec.public_id) in c.get(reverse("ecg:to_review")).content.decode()
    page = c.get(reverse("ecg:recording", args=[rec.public_id])).content.decode()
    assert "QTc (Bazett)" in page and "QTc (Fridericia)" in page and "Sign as reviewed" in page
    for word in ("normal", "abnormal", "infarct", "diagnos"):
        assert word not in page.lower().replace("no interpretation", "")
    r = c.post(reverse("ecg:review", args=[rec.public_id]))
    assert r.status_code == 302
    rec.refresh_from_db()
    assert rec.status == "reviewed"


def test_other_clinic_cannot_open(client_for, medical_assistant, other_clinic_physician,
                                  patient):
    rec = services.ecg_record(actor=medical_assistant, patient=patient,
                              uploaded_file=csv_upload(), sampling_rate=250)
    c = client_for(other_clinic_physician)
    assert c.get(reverse("ecg:recording", args=[rec.public_id])).status_code == 404
    assert c.get(reverse("ecg:tracing", args=[rec.public_id])).status_code == 404


def test_tracing_pdf(client_for, medical_assistant, patient, tmp_path):
    from pypdf import PdfReader

    rec = services.ecg_record(actor=medical_assistant, patient=patient,
                              uploaded_file=dicom_upload(tmp_path))
    r = client_for(medical_assistant).get(reverse("ecg:tracing", args=[rec.public_id]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(r.content)).pages[0].extract_text()
    for piece in ("Reyes", "25 mm/s", "10 mm/mV", "QTc Bazett", "Physician signature",
                  "aVR", "V6", "II (rhythm)", "America/New_York"):
        assert piece in text
    assert AuditEvent.objects.filter(action="export", object_id=str(rec.public_id)).exists()


def test_entered_in_error_needs_a_reason(medical_assistant, patient):
    rec = services.ecg_record(actor=medical_assistant, patient=patient,
                              uploaded_file=csv_upload(), sampling_rate=250)
    with pytest.raises(ValidationFailed):
        services.ecg_enter_in_error(actor=medical_assistant, recording=rec, reason=" ")
    services.ecg_enter_in_error(actor=medical_assistant, recording=rec, reason="wrong patient")
    rec.refresh_from_db()
    assert rec.status == "entered-in-error" and rec.error_reason == "wrong patient"
