"""Vision, hearing and spirometry filed as Observations; bad input files nothing."""

import datetime as dt

import pytest
from django.urls import reverse

from medassist.core.errors import PermissionDenied, ValidationFailed
from medassist.ecg import office_tests as ot
from medassist.records.models import Observation


def test_vision_files_one_loinc_observation_per_eye(medical_assistant, patient):
    obs = ot.vision_record(actor=medical_assistant, patient=patient, right="20/40-2",
                           left=" 20 / 25", corrected=False)
    assert [(o.code, o.value_string) for o in obs] == [("79882-7", "20/40-2"),
                                                        ("79883-5", "20/25")]
    assert all(o.code_system == "loinc" and "without correction" in o.note for o in obs)
    corrected = ot.vision_record(actor=medical_assistant, patient=patient, right="6/6",
                                 left="", corrected=True)
    assert [o.code for o in corrected] == ["79880-1"]


@pytest.mark.parametrize("right,left", [("20/abc", "20/20"), ("", ""), ("20/20", "40")])
def test_bad_vision_files_nothing(medical_assistant, patient, right, left):
    with pytest.raises(ValidationFailed):
        ot.vision_record(actor=medical_assistant, patient=patient, right=right, left=left,
                         corrected=False)
    assert not Observation.objects.exists()


def test_front_desk_may_not_file_tests(front_desk, patient):
    with pytest.raises(PermissionDenied):
        ot.vision_record(actor=front_desk, patient=patient, right="20/20", left="",
                         corrected=False)


def test_hearing_thresholds_and_audiogram(medical_assistant, patient):
    raw = {"right": {500: "20", 1000: "25", 2000: "", 4000: "40"}, "left": {1000: "15"}}
    obs = ot.hearing_record(actor=medical_assistant, patient=patient, thresholds=raw)
    assert len(obs) == 4 and all(o.value_unit == "dB HL" for o in obs)
    assert [(o.code_system, o.code) for o in obs] == [
        ("loinc", "89025-1"), ("loinc", "89017-8"), ("loinc", "89023-6"), ("loinc", "89016-0")]
    assert obs[0].display == "Hearing threshold Ear - right --500 Hz"
    assert "air conduction, right ear, 500 Hz" in obs[0].note
    svg = ot.audiogram_svg(ot.parse_thresholds(raw))
    assert svg.startswith("<svg") and svg.count("<circle") == 3 and "left 1000 Hz 15 dB" in svg


@pytest.mark.parametrize("raw", [{"right": {500: "22"}}, {"right": {700: "20"}},
                                 {"middle": {500: "20"}}, {"left": {500: "loud"}},
                                 {"right": {500: "130"}}, {}])
def test_bad_hearing_files_nothing(medical_assistant, patient, raw):
    with pytest.raises(ValidationFailed):
        ot.hearing_record(actor=medical_assistant, patient=patient, thresholds=raw)
    assert not Observation.objects.exists()


def test_predicted_values_follow_the_published_equation():
    # Adult male, 40 y, 175 cm: 0.5536 - 0.01303*40 - 0.000172*1600 + 0.00014098*175^2
    p = ot.predicted(sex="M", age_years=40, height_cm=175)
    assert p.fev1_l == pytest.approx(0.5536 - 0.5212 - 0.2752 + 4.3175, abs=0.01)
    assert p.fvc_l == pytest.approx(-0.1933 + 0.0256 - 0.4304 + 5.7091, abs=0.01)
    girl = ot.predicted(sex="F", age_years=12, height_cm=150)
    assert girl.fev1_l == pytest.approx(-0.8710 + 0.78444 + 2.5866, abs=0.01)
    assert ot.predicted(sex="U", age_years=40, height_cm=175).fev1_l is None
    assert ot.predicted(sex="M", age_years=90, height_cm=175).reason.startswith("the equations")
    assert "Hankinson" in ot.reference()["source"]


def test_spirometry_files_three_observations(medical_assistant, patient):
    today = dt.date.today()
    patient.sex, patient.date_of_birth = "M", today.replace(year=today.year - 40, day=1)
    patient.save()
    obs = ot.spirometry_record(actor=medical_assistant, patient=patient, fev1_l="3.20",
                               fvc_l="4.00", height_cm="175")
    assert [o.code for o in obs] == ["20150-9", "19870-5", "19926-5"]
    assert obs[2].value_quantity == 80 and obs[2].value_unit == "%"
    assert "% of predicted" in obs[0].note and "NHANES III" in obs[0].note
    assert obs[0].reference_range.startswith("predicted ")


@pytest.mark.parametrize("fev1,fvc,height", [("5", "4", "175"), ("x", "4", "175"),
                                             ("3", "40", "175"), ("3", "4", "20")])
def test_bad_spirometry_files_nothing(medical_assistant, patient, fev1, fvc, height):
    with pytest.raises(ValidationFailed):
        ot.spirometry_record(actor=medical_assistant, patient=patient, fev1_l=fev1, fvc_l=fvc,
                             height_cm=height)
    assert not Observation.objects.exists()


def test_office_tests_screen(client_for, medical_assistant, patient):
    c = client_for(medical_assistant)
    url = reverse("ecg:office_tests", args=[patient.public_id])
    assert c.get(url).status_code == 200
    r = c.post(url, {"test": "hearing", "right_1000": "20", "left_1000": "30"})
    assert r.status_code == 200 and "<svg" in r.content.decode()
    r = c.post(url, {"test": "vision", "right": "20/oops"})
    assert r.status_code == 422 and "Nothing was saved" in r.content.decode()
    assert Observation.objects.count() == 2


def test_every_hearing_code_is_a_distinct_member_of_the_panel():
    # given the shipped table
    from medassist.ecg import loinc

    # then each (ear, frequency) the form offers has its own code, and no code serves two
    assert set(loinc.HEARING) == {(ear, f) for ear in ot.EARS for f in ot.FREQUENCIES}
    codes = [t.code for t in loinc.HEARING.values()]
    assert len(set(codes)) == len(codes)
    for (ear, f), term in loinc.HEARING.items():
        assert term.display == f"Hearing threshold Ear - {ear} --{f} Hz" and term.source
    # and no LOINC code in the module is used for two different terms
    all_codes = [t.code for t in loinc.ALL]
    assert len(set(all_codes)) == len(all_codes)


def test_hearing_observation_reads_as_fhir_with_ucum_decibels(medical_assistant, patient):
    from medassist.fhir.mappers.observation import observation_to_fhir

    obs = ot.hearing_record(actor=medical_assistant, patient=patient,
                            thresholds={"left": {4000: "35"}})
    data = observation_to_fhir(obs[0])
    assert data["code"]["coding"][0] == {"system": "http://loinc.org", "code": "89022-8",
                                         "display": "Hearing threshold Ear - left --4000 Hz"}
    assert data["valueQuantity"] == {"value": 35, "unit": "dB HL",
                                     "system": "http://unitsofmeasure.org", "code": "dB"}
