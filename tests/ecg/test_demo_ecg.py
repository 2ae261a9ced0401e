"""The demo's two ECGs: one acceptable, one with a lead off."""

import pytest

from medassist.demo.ecg import ecg_demo
from medassist.ecg.models import EcgRecording
from tests import factories


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_demo_ecgs(clinic, medical_assistant, front_desk):
    for k in range(7):
        factories.make_patient(front_desk, first_name=f"P{k}", last_name="Demo")
    assert ecg_demo(clinic) == {"ECG recordings": 2}
    ok, off = EcgRecording.objects.order_by("id")
    assert ok.acceptable and ok.lead_names[:3] == ["I", "II", "III"]
    assert ok.measurements["hr_bpm"] == pytest.approx(68, abs=2)
    assert not off.acceptable and off.quality["V3"] == ["flat"]
