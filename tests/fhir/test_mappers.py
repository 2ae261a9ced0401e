"""The pure mappers: what goes out comes back in as the same service arguments, every output
is valid R4B, and inputs that R4B refuses never reach a mapper."""

from __future__ import annotations

import datetime as dt

import pytest

from medassist.fhir.errors import FhirError
from medassist.fhir.mappers import common
from medassist.fhir.mappers.allergy_intolerance import allergy_from_fhir, allergy_to_fhir
from medassist.fhir.mappers.condition import condition_from_fhir, condition_to_fhir
from medassist.fhir.mappers.encounter import encounter_from_fhir, encounter_to_fhir
from medassist.fhir.mappers.immunization import immunization_from_fhir, immunization_to_fhir
from medassist.fhir.mappers.medication_statement import medication_from_fhir, medication_to_fhir
from medassist.fhir.mappers.observation import observation_from_fhir, observation_to_fhir
from medassist.fhir.mappers.patient import patient_from_fhir, patient_to_fhir
from medassist.fhir.writers import Resolver
from medassist.patients.services import PATIENT_FIELDS

pytestmark = pytest.mark.django_db


def test_patient_round_trip(patient):
    # given
    resource = patient_to_fhir(patient)
    # when
    values = patient_from_fhir(common.parse(resource, "Patient"))
    # then
    for name in PATIENT_FIELDS:
        assert values[name] == getattr(patient, name), name


def test_chart_items_round_trip(physician, chart_items, patient):
    # given
    resolve = Resolver(physician)
    tz = physician.clinic.tz
    problem, allergy = chart_items["problem"], chart_items["allergy"]
    med, imm, obs = (
        chart_items["medication"],
        chart_items["immunization"],
        chart_items["observation"],
    )
    enc = chart_items["encounter"]
    # when
    c = condition_from_fhir(common.parse(condition_to_fhir(problem)), resolve)
    a = allergy_from_fhir(common.parse(allergy_to_fhir(allergy)), resolve)
    m = medication_from_fhir(common.parse(medication_to_fhir(med)), resolve)
    i = immunization_from_fhir(common.parse(immunization_to_fhir(imm)), resolve)
    o = observation_from_fhir(common.parse(observation_to_fhir(obs)), resolve, tz=tz)
    e = encounter_from_fhir(common.parse(encounter_to_fhir(enc)), resolve, tz=tz)
    # then
    assert (c["patient"], c["code"], c["code_system"], c["onset_date"]) == (
        patient,
        "I10",
        "icd-10-cm",
        dt.date(2020, 1, 5),
    )
    assert (a["substance"], a["reaction"], a["severity"], a["category"]) == (
        "Penicillin",
        "Hives",
        "moderate",
        "medication",
    )
    assert (m["drug_name"], m["code"], m["strength"], m["dose"], m["route"], m["frequency"]) == (
        "Lisinopril",
        "29046",
        "10 mg",
        "1 tablet",
        "oral",
        "once daily",
    )
    assert m["prescriber"] == physician.provider
    assert (i["cvx_code"], i["lot_number"], i["dose_quantity"]) == ("140", "AB123", "0.5 mL")
    assert (o["code"], o["value_quantity"], o["value_unit"], o["encounter"]) == (
        "4548-4",
        obs.value_quantity,
        "%",
        enc,
    )
    assert o["effective_at"] == obs.effective_at.replace(
        microsecond=obs.effective_at.microsecond // 1000 * 1000
    )
    assert (e["status"], e["class_code"], e["type_display"], e["appointment"]) == (
        "in-progress",
        "AMB",
        "Office visit",
        enc.appointment,
    )


def test_parse_refuses_what_r4b_refuses():
    # when / then
    with pytest.raises(FhirError) as bad_date:
        common.parse({"resourceType": "Patient", "birthDate": "17/05/1980"})
    with pytest.raises(FhirError) as unknown:
        common.parse({"resourceType": "Starship"})
    with pytest.raises(FhirError) as not_object:
        common.parse(["Patient"])
    assert bad_date.value.status == unknown.value.status == not_object.value.status == 400


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1999", dt.date(1999, 1, 1)),
        ("1999-07", dt.date(1999, 7, 1)),
        ("1999-07-04", dt.date(1999, 7, 4)),
    ],
)
def test_partial_dates_are_their_first_day(value, expected):
    # when / then
    assert common.date_in(value, field="x") == expected


def test_a_datetime_without_zone_is_refused():
    # when / then
    with pytest.raises(FhirError):
        common.datetime_in("2024-01-01T10:00:00", field="x", tz=dt.UTC)


def test_empty_elements_are_never_emitted(physician, front_desk):
    # given: a patient with almost nothing filled in
    from tests import factories

    bare = factories.make_patient(
        front_desk, phone_mobile="", email="", address_line1="", city="", state="", postal_code=""
    )
    # when
    resource = patient_to_fhir(bare)
    # then
    assert "telecom" not in resource and "contact" not in resource
    assert "address" not in resource
