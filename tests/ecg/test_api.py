"""The ECG API: upload, list, read (measurements only for reviewers), review."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from medassist.ecg.models import EcgRecording
from medassist.ecg.synthetic import twelve_lead_csv
from medassist.practice.models import ApiToken


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


def _client(user):
    _, key = ApiToken.issue(user, "tests")
    return Client(headers={"Authorization": f"Bearer {key}"})


def test_upload_list_read_review(medical_assistant, physician, patient):
    ma = _client(medical_assistant)
    base = f"/api/ecg/patients/{patient.public_id}/recordings"
    r = ma.post(base, {"file": SimpleUploadedFile("e.csv", twelve_lead_csv(), "text/csv"),
                       "sampling_rate": "500"})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["acceptable"] is True and "measurements" not in body
    assert body["recorded_at"].endswith("-05:00") or body["recorded_at"].endswith("-04:00")
    assert [x["id"] for x in ma.get(base).json()] == [body["id"]]
    doc = _client(physician)
    full = doc.get(f"/api/ecg/recordings/{body['id']}").json()
    assert full["measurements"]["hr_bpm"] == pytest.approx(68, abs=2)
    assert ma.post(f"/api/ecg/recordings/{body['id']}/review").status_code == 403
    reviewed = doc.post(f"/api/ecg/recordings/{body['id']}/review").json()
    assert reviewed["status"] == "reviewed" and reviewed["reviewed_by"] == "Paul Osler"


def test_bad_upload_is_refused_and_stores_nothing(medical_assistant, patient):
    r = _client(medical_assistant).post(
        f"/api/ecg/patients/{patient.public_id}/recordings",
        {"file": SimpleUploadedFile("e.csv", twelve_lead_csv(), "text/csv")},
    )
    assert r.status_code == 422 and r.json()["code"] == "ecg_fs_required"
    assert not EcgRecording.objects.exists()


def test_other_clinic_gets_404(medical_assistant, other_clinic_physician, patient):
    r = _client(medical_assistant).post(
        f"/api/ecg/patients/{patient.public_id}/recordings",
        {"file": SimpleUploadedFile("e.csv", twelve_lead_csv(), "text/csv"),
         "sampling_rate": "500"},
    )
    rid = r.json()["id"]
    assert _client(other_clinic_physician).get(f"/api/ecg/recordings/{rid}").status_code == 404
