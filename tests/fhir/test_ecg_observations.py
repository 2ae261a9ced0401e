"""An ECG recording's measurements as FHIR Observations: LOINC coded, UCUM units, valid R4B,
readable and searchable by physicians, refused to the MA (who sees no measurements), scoped
to the clinic and audited."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from medassist.audit.models import AuditEvent
from medassist.ecg import services as ecg
from medassist.ecg.synthetic import twelve_lead_csv
from tests.fhir.conftest import r4b

pytestmark = pytest.mark.django_db

EXPECTED_CODES = {
    "ecghr": "8867-4", "ecgpr": "8625-6", "ecgqrs": "8633-0", "ecgqt": "8634-8",
    "ecgqtc": "8636-3", "ecgqtcf": "76634-5",
}


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDASSIST_MAX_DOCUMENT_BYTES = 8 * 1024 * 1024


@pytest.fixture
def recording(medical_assistant, patient):
    upload = SimpleUploadedFile("ecg.csv", twelve_lead_csv(hr=68.0), "text/csv")
    return ecg.ecg_record(actor=medical_assistant, patient=patient, uploaded_file=upload,
                          sampling_rate=500)


def test_each_measurement_is_a_loinc_coded_observation(fhir_as, physician, patient, recording):
    # when the physician searches the patient's ECG observations
    r = fhir_as(physician).get("/Observation", {"patient": str(patient.public_id),
                                                "category": "procedure"})
    # then there is one Observation per measured value, each valid R4B
    assert r.status_code == 200
    bundle = r.json()
    r4b(bundle)
    by_id = {e["resource"]["id"]: e["resource"] for e in bundle["entry"]}
    assert set(by_id) == {f"{recording.public_id}-{k}" for k in EXPECTED_CODES}
    for key, code in EXPECTED_CODES.items():
        obs = by_id[f"{recording.public_id}-{key}"]
        assert obs["code"]["coding"][0]["system"] == "http://loinc.org"
        assert obs["code"]["coding"][0]["code"] == code
        assert obs["status"] == "preliminary"  # not yet signed
        assert obs["subject"]["reference"] == f"Patient/{patient.public_id}"
        assert obs["valueQuantity"]["system"] == "http://unitsofmeasure.org"
    hr = by_id[f"{recording.public_id}-ecghr"]["valueQuantity"]
    assert hr["code"] == "/min" and hr["value"] == pytest.approx(68, abs=2)
    assert hr["value"] == pytest.approx(recording.measurements["hr_bpm"])
    qtc = by_id[f"{recording.public_id}-ecgqtc"]
    assert [c["code"] for c in qtc["code"]["coding"]] == ["8636-3", "76635-2"]
    assert qtc["valueQuantity"]["value"] == pytest.approx(recording.measurements["qtc_bazett_ms"])
    assert qtc["valueQuantity"]["code"] == "ms"


def test_read_one_and_status_follows_the_signature(fhir_as, physician, recording):
    # given the physician signed the tracing
    ecg.ecg_review(actor=physician, recording=recording)
    # when one measurement is read
    r = fhir_as(physician).get(f"/Observation/{recording.public_id}-ecgqrs")
    # then it is final, valid, and the read is audited
    assert r.status_code == 200
    data = r.json()
    r4b(data)
    assert data["status"] == "final" and data["code"]["coding"][0]["code"] == "8633-0"
    assert AuditEvent.objects.filter(action="read", object_id=str(recording.public_id)).exists()


def test_search_by_code_finds_only_that_measurement(fhir_as, physician, patient, recording):
    r = fhir_as(physician).get("/Observation", {"patient": str(patient.public_id),
                                                "code": "http://loinc.org|8634-8"})
    assert [e["resource"]["id"] for e in r.json()["entry"]] == [f"{recording.public_id}-ecgqt"]
    r = fhir_as(physician).get("/Observation", {"code": "76635-2", "status": "final"})
    assert r.json()["total"] == 0  # not signed yet


def test_unmeasurable_values_are_not_made_up(fhir_as, physician, medical_assistant, patient):
    # given a recording with every lead flat: nothing could be measured
    flat = ("I,II\n" + "0,0\n" * 5000).encode()
    rec = ecg.ecg_record(actor=medical_assistant, patient=patient, sampling_rate=500,
                         uploaded_file=SimpleUploadedFile("flat.csv", flat, "text/csv"))
    # then no Observation exists for it
    c = fhir_as(physician)
    r = c.get("/Observation", {"patient": str(patient.public_id), "category": "procedure"})
    assert r.json()["total"] == 0
    assert c.get(f"/Observation/{rec.public_id}-ecgqt").status_code == 404


def test_the_ma_and_another_clinic_see_no_measurements(
    fhir_as, medical_assistant, other_clinic_physician, patient, recording
):
    rid = f"{recording.public_id}-ecghr"
    assert fhir_as(medical_assistant).get(f"/Observation/{rid}").status_code == 403
    r = fhir_as(medical_assistant).get("/Observation", {"patient": str(patient.public_id)})
    assert rid not in {e["resource"]["id"] for e in r.json().get("entry", [])}
    assert fhir_as(other_clinic_physician).get(f"/Observation/{rid}").status_code == 404
    r = fhir_as(other_clinic_physician).get("/Observation", {"code": "8867-4"})
    assert r.json()["total"] == 0


def test_entered_in_error_recording_shows_its_status(fhir_as, physician, medical_assistant,
                                                     recording):
    ecg.ecg_enter_in_error(actor=medical_assistant, recording=recording, reason="wrong patient")
    data = fhir_as(physician).get(f"/Observation/{recording.public_id}-ecgpr").json()
    assert data["status"] == "entered-in-error"


def test_everything_includes_the_measurements_for_physicians(fhir_as, physician, patient,
                                                              recording):
    r = fhir_as(physician).get(f"/Patient/{patient.public_id}/$everything")
    ids = {e["resource"]["id"] for e in r.json()["entry"]}
    assert f"{recording.public_id}-ecgqtcf" in ids


def test_a_search_page_runs_a_fixed_number_of_queries(
    fhir_as, physician, medical_assistant, patient, recording, django_assert_max_num_queries
):
    # given one recording, then four more
    api = fhir_as(physician)
    params = {"category": "procedure", "_count": "50"}
    with django_assert_max_num_queries(20) as small:
        api.get("/Observation", params)
    for seed in range(4):
        upload = SimpleUploadedFile("ecg.csv", twelve_lead_csv(seed=seed + 2, seconds=6),
                                    "text/csv")
        ecg.ecg_record(actor=medical_assistant, patient=patient, uploaded_file=upload,
                       sampling_rate=500)
    # when / then: the same number of queries for five times the Observations
    with django_assert_max_num_queries(len(small.captured_queries)):
        r = api.get("/Observation", params)
    assert r.json()["total"] == 5 * len(EXPECTED_CODES)
