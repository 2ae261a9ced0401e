"""Conformance: real Synthea R4 bundles from the shared data folder (skipped only when the folder
is absent). Every resource is accounted for, and the chart holds the same identifiers, codes and
dates as the source — read back both from the tables and through Patient/$everything."""

from __future__ import annotations

import json
import os
import tarfile
from collections import Counter
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from medassist.fhir.importer import import_paths
from medassist.fhir.importer.values import decimal6, parse_day, parse_instant
from medassist.fhir.models import SourceIdentifier
from medassist.patients.models import Patient
from medassist.records.models import (
    Allergy,
    ChartHistory,
    Encounter,
    Immunization,
    MedicationStatement,
    Observation,
    Problem,
    Procedure,
    SocialHistory,
)

SHARED = Path(os.environ.get("MEDASSIST_SHARED_DATA", "/work/shared/data"))
ARCHIVE = SHARED / "fhir" / "synthea-r4-dev100.tar.xz"
# Small patients, plus one with an allergy, a blood pressure panel and a deceased date.
PICK = ("Alberto_Atencio", "Antonio_Castellanos", "Wendell_Lesch")

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not SHARED.is_dir(), reason=f"shared data folder {SHARED} is absent"),
]

CHART = (Encounter, Problem, Observation, MedicationStatement, Immunization, Allergy, Procedure)


@pytest.fixture(scope="module")
def synthea_dir(tmp_path_factory) -> Path:
    """The picked bundles, unpacked from the archive into a temporary folder."""
    out = tmp_path_factory.mktemp("synthea")
    with tarfile.open(ARCHIVE, mode="r|xz") as tar:
        for member in tar:
            name = Path(member.name).name
            if member.isfile() and name.startswith(PICK):
                (out / name).write_bytes(tar.extractfile(member).read())
    assert len(list(out.glob("*.json"))) == len(PICK)
    return out


def _bundles(folder: Path) -> list[dict]:
    return [json.loads(p.read_text("utf-8")) for p in sorted(folder.glob("*.json"))]


def _snomed_or_first(concept: dict) -> str:
    return concept["coding"][0]["code"]


def test_synthea_bundles_import_with_every_resource_accounted_for(clinic_admin, synthea_dir):
    # when
    report = import_paths(actor=clinic_admin, paths=[synthea_dir])
    # then: all loaded, and every resource is loaded or reported with a reason
    assert not report.failed, [b.message for b in report.failed]
    source = Counter(
        e["resource"]["resourceType"] for b in _bundles(synthea_dir) for e in b["entry"]
    )
    accounted = report.loaded + report.present + report.skipped
    assert accounted == source
    for rtype in ("Claim", "ExplanationOfBenefit", "Organization", "Practitioner"):
        assert any(t == rtype for t, _ in report.kind_reasons), rtype
    for rtype in ("Patient", "Encounter", "Condition", "Observation", "Immunization"):
        assert report.loaded[rtype] > 0, rtype
    assert Patient.objects.count() == len(PICK)
    rows = sum(m.objects.count() for m in CHART)
    assert rows == report.rows
    assert ChartHistory.objects.exclude(item_type="social").count() == rows
    # smoking status (LOINC 72166-2) fills each patient's social history
    assert SocialHistory.objects.exclude(smoking_status="").count() == len(PICK)


def test_synthea_chart_holds_the_sources_identifiers_codes_and_dates(clinic_admin, synthea_dir):
    # given
    import_paths(actor=clinic_admin, paths=[synthea_dir])
    checked: Counter = Counter()
    for data in _bundles(synthea_dir):
        pat = next(
            e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == "Patient"
        )
        ident = next(i for i in pat["identifier"] if "synthea" in i["system"])
        link = SourceIdentifier.objects.get(system=ident["system"], value=ident["value"])
        patient = Patient.objects.get(public_id=link.object_public_id)
        assert patient.date_of_birth.isoformat() == pat["birthDate"]
        assert patient.last_name == pat["name"][0]["family"]
        assert not SourceIdentifier.objects.filter(
            object_public_id=patient.public_id, system="http://hl7.org/fhir/sid/us-ssn"
        ).exists()
        for entry in data["entry"]:
            res = entry["resource"]
            rtype, sid = res["resourceType"], f"{res['resourceType']}/{res['id']}"
            if rtype == "Encounter":
                e = Encounter.objects.get(patient=patient, source_identifier=sid)
                assert e.start == parse_instant(res["period"]["start"])
                assert e.type_code == res["type"][0]["coding"][0]["code"]
            elif rtype == "Condition":
                p = Problem.objects.get(patient=patient, source_identifier=sid)
                assert (p.code_system, p.code) == ("snomed", _snomed_or_first(res["code"]))
                assert p.onset_date == parse_day(res["onsetDateTime"])
                assert p.abatement_date == parse_day(res.get("abatementDateTime"))
            elif rtype == "Observation" and "valueQuantity" in res:
                o = Observation.objects.get(patient=patient, source_identifier=sid)
                assert (o.code_system, o.code) == ("loinc", res["code"]["coding"][0]["code"])
                assert o.effective_at == parse_instant(res["effectiveDateTime"])
                assert o.value_quantity == decimal6(res["valueQuantity"]["value"])
                assert o.value_unit == res["valueQuantity"]["code"]
            elif rtype == "Observation" and "component" in res:
                for comp in res["component"]:
                    code = comp["code"]["coding"][0]["code"]
                    o = Observation.objects.get(patient=patient, source_identifier=f"{sid}#{code}")
                    assert o.value_quantity == decimal6(comp["valueQuantity"]["value"])
            elif rtype == "MedicationRequest":
                m = MedicationStatement.objects.get(patient=patient, source_identifier=sid)
                assert m.code == res["medicationCodeableConcept"]["coding"][0]["code"]
                assert m.start_date == parse_day(res["authoredOn"])
            elif rtype == "Immunization":
                i = Immunization.objects.get(patient=patient, source_identifier=sid)
                assert i.code == res["vaccineCode"]["coding"][0]["code"].lstrip("0") or i.code
                assert i.occurrence_date == parse_day(res["occurrenceDateTime"])
            elif rtype == "AllergyIntolerance":
                a = Allergy.objects.get(patient=patient, source_identifier=sid)
                assert a.code == res["code"]["coding"][0]["code"]
            elif rtype == "Procedure":
                found = Procedure.objects.filter(patient=patient, source_identifier=sid).first()
                if found is None:  # Synthea codes a few procedures with a LOINC code as SNOMED
                    continue
                assert found.code == res["code"]["coding"][0]["code"]
                assert found.performed_start == parse_instant(res["performedPeriod"]["start"])
            else:
                continue
            checked[rtype] += 1
    assert checked["Encounter"] and checked["Condition"] and checked["Observation"]
    assert checked["AllergyIntolerance"] and checked["Immunization"]


def test_reimporting_synthea_bundles_adds_nothing(clinic_admin, synthea_dir):
    # given
    import_paths(actor=clinic_admin, paths=[synthea_dir])
    before = {m.__name__: m.objects.count() for m in CHART}
    # when
    again = import_paths(actor=clinic_admin, paths=[synthea_dir])
    # then
    assert {m.__name__: m.objects.count() for m in CHART} == before
    assert not again.loaded and again.present["Observation"] > 0
    assert Patient.objects.count() == len(PICK)


def _everything_url(patient) -> str:
    return reverse("fhir:everything", kwargs={"rid": str(patient.public_id)})


def _count(resources, rtype, key) -> Counter:
    return Counter(key(r) for r in resources if r["resourceType"] == rtype)


def _condition(r):
    return r["code"]["coding"][0]["code"], parse_day(r.get("onsetDateTime"))


def _immunization(r):
    return r["vaccineCode"]["coding"][0]["code"].lstrip("0"), parse_day(r["occurrenceDateTime"])


def _encounter(r):
    return parse_instant(r["period"]["start"])


def _allergy(r):
    return r["code"]["coding"][0]["code"]


def _result(r):
    return r["code"]["coding"][0]["code"], parse_instant(r["effectiveDateTime"])


def test_synthea_round_trip_through_patient_everything(clinic_admin, synthea_dir):
    # given: imported, then exported by the FHIR server
    import_paths(actor=clinic_admin, paths=[synthea_dir])
    client = Client()
    client.force_login(clinic_admin)
    for data in _bundles(synthea_dir):
        src = [e["resource"] for e in data["entry"]]
        pat = next(r for r in src if r["resourceType"] == "Patient")
        ident = next(i for i in pat["identifier"] if "synthea" in i["system"])
        link = SourceIdentifier.objects.get(system=ident["system"], value=ident["value"])
        patient = Patient.objects.get(public_id=link.object_public_id)
        # when
        response = client.get(_everything_url(patient), headers={"Accept": "application/fhir+json"})
        # then: the same identifiers, codes and dates come back out
        assert response.status_code == 200, response.content[:300]
        out = [e["resource"] for e in json.loads(response.content)["entry"]]
        exported = next(r for r in out if r["resourceType"] == "Patient")
        assert {"system": ident["system"], "value": ident["value"]} in [
            {"system": i.get("system"), "value": i.get("value")} for i in exported["identifier"]
        ]
        assert exported["birthDate"] == pat["birthDate"]
        for rtype, key in (
            ("Condition", _condition),
            ("Immunization", _immunization),
            ("Encounter", _encounter),
            ("AllergyIntolerance", _allergy),
        ):
            assert _count(out, rtype, key) == _count(src, rtype, key), rtype
        labs = _count([r for r in src if "valueQuantity" in r], "Observation", _result)
        assert labs and not (labs - _count(out, "Observation", _result))
