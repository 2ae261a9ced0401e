"""`medassist import-fhir`: hand-written bundles, one patient each (no shared data needed)."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import tarfile
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from medassist.audit.models import AuditEvent
from medassist.core.errors import PermissionDenied
from medassist.fhir.importer import import_bundle, import_paths
from medassist.fhir.models import SourceIdentifier
from medassist.patients.models import Patient
from medassist.records.models import (
    Allergy,
    ChartHistory,
    Encounter,
    Immunization,
    MedicationStatement,
    NoKnownAllergies,
    Observation,
    Problem,
    Procedure,
    SocialHistory,
)
from medassist.records.services import nka_record, social_history_save
from tests import factories
from tests.fhir.import_support import bundle, full_chart_bundle, patient_resource, ref, write_json

pytestmark = pytest.mark.django_db

CHART = (Encounter, Problem, Observation, MedicationStatement, Immunization, Allergy, Procedure)


def raw(data) -> bytes:
    return json.dumps(data).encode()


def counts() -> dict:
    found = {m.__name__: m.objects.count() for m in CHART}
    found["Patient"] = Patient.objects.count()
    found["ChartHistory"] = ChartHistory.objects.count()
    found["SourceIdentifier"] = SourceIdentifier.objects.count()
    return found


def test_every_resource_type_lands_in_the_chart_with_its_codes_and_dates(clinic_admin):
    # given
    data, r = full_chart_bundle()
    # when
    result = import_bundle(actor=clinic_admin, source="quinn.json", raw=raw(data))
    # then
    assert result.ok, result.message
    patient = Patient.objects.get(public_id=result.patient_public_id)
    assert (patient.first_name, patient.middle_name, patient.last_name) == (
        "Harper",
        "Lee",
        "Quinn",
    )
    assert patient.date_of_birth == dt.date(1971, 3, 9) and patient.sex == "F"
    assert patient.state == "NY" and patient.phone_home == "+15185550199"
    assert patient.clinic_id == clinic_admin.clinic_id and patient.mrn

    enc = Encounter.objects.get(patient=patient)
    assert enc.source_identifier == f"Encounter/{r['encounter']['id']}"
    assert enc.start == dt.datetime(2019, 2, 10, 14, 30, tzinfo=dt.UTC)
    assert (enc.type_code_system, enc.type_code) == ("snomed", "185349003")
    assert enc.status == "finished" and enc.class_code == "AMB"
    assert enc.reason_text == "Hypertension"

    htn = Problem.objects.get(patient=patient, code="38341003")
    assert htn.code_system == "snomed" and htn.onset_date == dt.date(2015, 6, 1)
    assert htn.encounter == enc and htn.clinical_status == "active"
    pharyngitis = Problem.objects.get(patient=patient, code_system="icd-10-cm")
    assert pharyngitis.code == "J02.9" and pharyngitis.clinical_status == "resolved"
    assert pharyngitis.abatement_date == dt.date(2018, 1, 12)

    glucose = Observation.objects.get(patient=patient, code="2339-0")
    assert glucose.value_quantity == Decimal("98.123457") and glucose.value_unit == "mg/dL"
    assert glucose.reference_range == "70–99 mg/dL" and glucose.encounter == enc
    assert glucose.effective_at == dt.datetime(2019, 2, 10, 14, 45, tzinfo=dt.UTC)
    systolic = Observation.objects.get(patient=patient, code="8480-6")
    diastolic = Observation.objects.get(patient=patient, code="8462-4")
    assert (systolic.value_quantity, diastolic.value_quantity) == (128, 82)
    assert systolic.value_unit == "mm[Hg]" and systolic.category == "vital-signs"
    assert systolic.source_identifier == f"Observation/{r['bp']['id']}#8480-6"
    smoking = Observation.objects.get(patient=patient, code="72166-2")
    assert (smoking.value_code_system, smoking.value_code) == ("snomed", "266919005")
    assert smoking.value_string == "Never smoker"

    lisinopril = MedicationStatement.objects.get(patient=patient, code="314076")
    assert lisinopril.code_system == "rxnorm" and lisinopril.status == "active"
    assert lisinopril.start_date == dt.date(2019, 2, 10)
    assert lisinopril.prescriber_text == "Dr. Isaac Upton" and lisinopril.prescriber is None
    assert lisinopril.reason == "Hypertension" and lisinopril.frequency == "1 per 1 d"
    ibuprofen = MedicationStatement.objects.get(patient=patient, code_system="text")
    assert ibuprofen.display == "Ibuprofen 200 mg" and ibuprofen.status == "completed"
    assert ibuprofen.stop_date == dt.date(2018, 1, 10)

    flu = Immunization.objects.get(patient=patient)
    assert (flu.code_system, flu.code, flu.occurrence_date) == ("cvx", "140", dt.date(2019, 2, 10))
    assert flu.lot_number == "FLU123"
    allergy = Allergy.objects.get(patient=patient)
    assert (allergy.display, allergy.code_system, allergy.code) == (
        "Penicillin G",
        "rxnorm",
        "7980",
    )
    assert allergy.reaction == "Hives" and allergy.severity == "moderate"
    assert allergy.criticality == "high" and allergy.category == "medication"
    proc = Procedure.objects.get(patient=patient)
    assert proc.code == "428191000124101" and proc.encounter == enc
    assert proc.performed_start == dt.datetime(2019, 2, 10, 14, 55, tzinfo=dt.UTC)

    assert result.loaded == {
        "Patient": 1,
        "Encounter": 1,
        "Condition": 2,
        "Observation": 3,
        "MedicationRequest": 1,
        "MedicationStatement": 1,
        "Immunization": 1,
        "AllergyIntolerance": 1,
        "Procedure": 1,
    }
    assert result.skipped == {"Practitioner": 1, "Claim": 1}


def test_import_keeps_history_audit_and_the_patients_source_identifiers(clinic_admin):
    # given
    data, r = full_chart_bundle()
    # when
    result = import_bundle(actor=clinic_admin, source="quinn.json", raw=raw(data))
    # then: one history "create" row per chart row, by the importer, with the source named
    patient = Patient.objects.get(public_id=result.patient_public_id)
    rows = sum(m.objects.filter(patient=patient).count() for m in CHART)
    history = ChartHistory.objects.filter(patient=patient).exclude(item_type="social")
    assert rows == result.rows == 12
    assert history.count() == rows
    assert set(history.values_list("action", flat=True)) == {"create"}
    assert set(history.values_list("reason", flat=True)) == {"Imported from FHIR (quinn.json)"}
    assert set(history.values_list("actor", flat=True)) == {clinic_admin.pk}
    assert all(m.objects.filter(patient=patient, created_by=clinic_admin).exists() for m in CHART)
    # an import event for the patient, with what was loaded
    event = AuditEvent.objects.get(patient=patient, detail__import="fhir")
    assert event.actor == clinic_admin and event.action == "create"
    assert event.detail["loaded"]["Observation"] == 3
    # identifiers kept, except the social security number
    idents = set(
        SourceIdentifier.objects.filter(object_public_id=patient.public_id).values_list(
            "resource_type", "system", "value"
        )
    )
    assert idents == {("Patient", "https://example.org/ehr", f"EHR-{r['patient']['id'][:8]}")}


def test_reimporting_the_same_bundle_creates_nothing_new(clinic_admin):
    # given
    data, _ = full_chart_bundle()
    first = import_bundle(actor=clinic_admin, source="a.json", raw=raw(data))
    before = counts()
    events = AuditEvent.objects.exclude(action=AuditEvent.Action.REFUSED).count()
    # when
    second = import_bundle(actor=clinic_admin, source="a.json", raw=raw(data))
    # then
    assert second.ok and second.patient_public_id == first.patient_public_id
    assert counts() == before
    assert not second.loaded
    assert second.present == {k: v for k, v in first.loaded.items()}
    assert (
        AuditEvent.objects.exclude(action=AuditEvent.Action.REFUSED).count() == events
    )  # nothing changed, nothing to record


def test_reimport_adds_only_what_is_new(clinic_admin):
    # given: the first import had no immunization
    data, r = full_chart_bundle()
    partial = copy.deepcopy(data)
    partial["entry"] = [
        e for e in partial["entry"] if e["resource"]["resourceType"] != "Immunization"
    ]
    import_bundle(actor=clinic_admin, source="a.json", raw=raw(partial))
    assert Immunization.objects.count() == 0
    # when
    again = import_bundle(actor=clinic_admin, source="a.json", raw=raw(data))
    # then: the new immunization joins the encounter loaded the first time
    assert again.loaded == {"Immunization": 1}
    imm = Immunization.objects.get()
    assert imm.encounter.source_identifier == f"Encounter/{r['encounter']['id']}"
    assert Patient.objects.count() == 1
    assert AuditEvent.objects.filter(detail__import="fhir", action="update").count() == 1


def test_a_bad_bundle_loads_nothing_and_the_others_still_load(clinic_admin, tmp_path):
    # given: a good bundle, a bundle with one invalid resource, and a file that is not JSON
    good, _ = full_chart_bundle(family="Good")
    bad, r = full_chart_bundle(family="Bad")
    for entry in bad["entry"]:
        if entry["resource"]["id"] == r["lab"]["id"]:
            entry["resource"]["effectiveDateTime"] = "yesterday"
    write_json(tmp_path / "1-good.json", good)
    write_json(tmp_path / "2-bad.json", bad)
    (tmp_path / "3-broken.json").write_text('{"resourceType": "Bundle", "entry": [', "utf-8")
    # when
    report = import_paths(actor=clinic_admin, paths=[tmp_path])
    # then
    assert [b.ok for b in report.bundles] == [True, False, False]
    assert list(Patient.objects.values_list("last_name", flat=True)) == ["Good"]
    failed = {b.source.rsplit("/", 1)[-1]: b.message for b in report.failed}
    assert "invalid FHIR R4" in failed["2-bad.json"] and r["lab"]["id"] in failed["2-bad.json"]
    assert "effectiveDateTime" in failed["2-bad.json"]
    assert failed["3-broken.json"].startswith("not JSON")
    text = report.render()
    assert "1 imported, 2 failed" in text and "2-bad.json: invalid FHIR R4" in text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"resourceType": "Patient", "id": "x"}, "not a FHIR Bundle (resourceType 'Patient')"),
        ([1, 2], "not a FHIR Bundle"),
        (bundle(), "exactly one Patient (found 0)"),
        (bundle(patient_resource(), patient_resource()), "exactly one Patient (found 2)"),
        (bundle(patient_resource(name=[{"family": "Solo"}])), "no family and given name"),
        (bundle(patient_resource(birthDate=None)), "no birth date"),
    ],
)
def test_bundles_that_cannot_be_a_patient_are_refused_with_a_clear_message(
    clinic_admin, data, message
):
    # given
    if isinstance(data, dict) and data.get("entry"):
        for e in data["entry"]:
            e["resource"] = {k: v for k, v in e["resource"].items() if v is not None}
    before = counts()
    # when
    result = import_bundle(actor=clinic_admin, source="x.json", raw=raw(data))
    # then
    assert not result.ok and message in result.message
    assert counts() == before


def test_the_report_says_why_each_resource_was_not_imported(clinic_admin):
    # given
    p = patient_resource()
    no_value = {
        "resourceType": "Observation",
        "id": "obs-no-value",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "2339-0"}]},
        "subject": ref(p),
        "effectiveDateTime": "2019-01-01",
    }
    future = dict(no_value, id="obs-future", effectiveDateTime="2999-01-01", valueString="x")
    other_patient = dict(
        no_value, id="obs-other", valueString="x", subject={"reference": "Patient/someone-else"}
    )
    no_cvx = {
        "resourceType": "Immunization",
        "id": "imm-no-cvx",
        "status": "completed",
        "vaccineCode": {"text": "Some vaccine"},
        "patient": ref(p),
        "occurrenceDateTime": "2019-01-01",
    }
    unknown_cvx = dict(
        no_cvx,
        id="imm-bad-cvx",
        vaccineCode={"coding": [{"system": "http://hl7.org/fhir/sid/cvx", "code": "99999"}]},
    )
    withdrawn = {
        "resourceType": "Condition",
        "id": "cond-eie",
        "verificationStatus": {"coding": [{"code": "entered-in-error"}]},
        "code": {"text": "Asthma"},
        "subject": ref(p),
    }
    cancelled = {
        "resourceType": "MedicationRequest",
        "id": "med-cancelled",
        "status": "cancelled",
        "intent": "order",
        "medicationCodeableConcept": {"text": "Aspirin"},
        "subject": ref(p),
    }
    data = bundle(p, no_value, future, other_patient, no_cvx, unknown_cvx, withdrawn, cancelled)
    data["entry"].append({"resource": {"resourceType": "CarePlan", "id": "cp1"}})
    data["entry"].append({"resource": {"resourceType": "Spaceship", "id": "s1"}})
    # when
    result = import_bundle(actor=clinic_admin, source="why.json", raw=raw(data))
    # then
    assert result.ok, result.message
    assert result.details == [
        "Observation obs-no-value: no value",
        "Observation obs-future: The result time cannot be in the future.",
        "Observation obs-other: refers to a patient not in this bundle",
        "Immunization imm-no-cvx: vaccine 'Some vaccine' has no CVX code",
        "Immunization imm-bad-cvx: " + result.details[4].split(": ", 1)[1],
        "Condition cond-eie: entered in error at the source",
        "MedicationRequest med-cancelled: status cancelled: never taken",
    ]
    assert "99999" in result.details[4]
    assert result.kind_reasons == {
        ("CarePlan", "not imported: the chart has no care plans yet"): 1,
        ("Spaceship", "unknown resource type (not FHIR R4)"): 1,
    }
    assert result.loaded == {"Patient": 1}
    assert Observation.objects.count() == 0 and Immunization.objects.count() == 0


def test_an_active_imported_allergy_ends_no_known_allergies(clinic_admin, medical_assistant):
    # given: an imported patient with "no known allergies" recorded since
    data, r = full_chart_bundle()
    without_allergy = copy.deepcopy(data)
    without_allergy["entry"] = [
        e for e in data["entry"] if e["resource"]["resourceType"] != "AllergyIntolerance"
    ]
    result = import_bundle(actor=clinic_admin, source="a.json", raw=raw(without_allergy))
    patient = Patient.objects.get(public_id=result.patient_public_id)
    nka_record(actor=medical_assistant, patient=patient)
    # when
    import_bundle(actor=clinic_admin, source="a.json", raw=raw(data))
    # then
    nka = NoKnownAllergies.objects.get(patient=patient)
    assert nka.status == "ended" and "Allergy imported" in nka.ended_reason


def test_a_patient_already_registered_by_hand_is_not_duplicated(clinic_admin, front_desk):
    # given: the same person registered at the desk (same name and birth date)
    factories.make_patient(
        front_desk, first_name="Harper", last_name="Quinn", date_of_birth=dt.date(1971, 3, 9)
    )
    data, _ = full_chart_bundle()
    before = counts()
    # when
    result = import_bundle(actor=clinic_admin, source="a.json", raw=raw(data))
    # then
    assert not result.ok and "already registered" in result.message
    assert counts() == before


def test_a_deceased_patient_is_imported_inactive(clinic_admin):
    # given
    data = bundle(patient_resource(deceasedDateTime="2018-04-27T10:00:00+00:00"))
    # when
    result = import_bundle(actor=clinic_admin, source="a.json", raw=raw(data))
    # then
    assert Patient.objects.get(public_id=result.patient_public_id).active is False
    assert result.notes == ["deceased on 2018-04-27 at the source: patient marked inactive"]


def test_a_deceased_patient_is_marked_through_the_patients_service_and_audited(clinic_admin):
    # given
    data = bundle(patient_resource(deceasedDateTime="2018-04-27T10:00:00+00:00"))
    # when
    result = import_bundle(actor=clinic_admin, source="a.json", raw=raw(data))
    # then the change is patients.services.patient_mark_deceased's audited update
    patient = Patient.objects.get(public_id=result.patient_public_id)
    event = AuditEvent.objects.filter(object_type="patients.Patient", action="update").get()
    assert event.patient_id == patient.pk
    assert event.detail == {"changed": ["active"], "deceased": "2018-04-27"}


@pytest.mark.parametrize("role", ["front_desk", "medical_assistant", "physician", "biller"])
def test_only_a_clinic_admin_may_import(request, role):
    # given
    user = request.getfixturevalue(role)
    data, _ = full_chart_bundle()
    before = counts()
    # when / then
    with pytest.raises(PermissionDenied):
        import_bundle(actor=user, source="a.json", raw=raw(data))
    assert counts() == before


def test_two_clinics_import_the_same_bundle_separately(clinic_admin, other_clinic):
    # given
    other_admin = factories.make_user(other_clinic, "clinic_admin", "otheradmin")
    data, _ = full_chart_bundle()
    # when
    a = import_bundle(actor=clinic_admin, source="a.json", raw=raw(data))
    b = import_bundle(actor=other_admin, source="a.json", raw=raw(data))
    # then
    assert a.ok and b.ok and a.patient_public_id != b.patient_public_id
    assert b.loaded["Encounter"] == 1
    assert Patient.objects.filter(clinic=other_clinic).count() == 1


def _tar_xz(path, bundles: dict[str, dict]) -> None:
    with tarfile.open(path, "w:xz") as tar:
        for name, data in bundles.items():
            body = raw(data)
            info = tarfile.TarInfo(name)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))


def test_command_imports_an_archive_and_prints_the_report(clinic_admin, tmp_path):
    # given
    one, _ = full_chart_bundle(family="One")
    two, _ = full_chart_bundle(family="Two")
    archive = tmp_path / "bundles.tar.xz"
    _tar_xz(archive, {"fhir/one.json": one, "fhir/two.json": two, "fhir/README.txt": {}})
    out, err = io.StringIO(), io.StringIO()
    # when
    call_command(
        "import_fhir",
        str(archive),
        "--clinic",
        clinic_admin.clinic.name,
        "--as",
        clinic_admin.username,
        stdout=out,
        stderr=err,
    )
    # then
    text = out.getvalue()
    assert "Bundles: 2 imported, 0 failed" in text
    assert "Claim: not a chart resource" in text
    assert Patient.objects.filter(last_name__in=["One", "Two"]).count() == 2
    assert "bundle" in err.getvalue()  # the progress bar goes to stderr


def test_command_names_a_failure_and_refuses_the_wrong_user(clinic_admin, physician, tmp_path):
    # given
    write_json(tmp_path / "bad.json", {"resourceType": "Patient"})
    args = [str(tmp_path / "bad.json"), "--clinic", str(clinic_admin.clinic.public_id)]
    # when / then
    with pytest.raises(CommandError, match="1 bundle"):
        call_command(
            "import_fhir",
            *args,
            "--as",
            clinic_admin.username,
            "--no-progress",
            stdout=io.StringIO(),
        )
    with pytest.raises(CommandError, match="may not import"):
        call_command("import_fhir", *args, "--as", physician.username, stdout=io.StringIO())
    with pytest.raises(CommandError, match="No clinic"):
        call_command("import_fhir", "x.json", "--clinic", "Nowhere", "--as", "admin")
    with pytest.raises(CommandError, match="no such file"):
        call_command(
            "import_fhir",
            str(tmp_path / "missing.json"),
            "--clinic",
            clinic_admin.clinic.name,
            "--as",
            clinic_admin.username,
        )


def test_the_console_command_accepts_the_dashed_name(monkeypatch):
    # given
    seen = {}
    monkeypatch.setattr(
        "django.core.management.execute_from_command_line",
        lambda argv: seen.setdefault("argv", argv),
    )
    from medassist import cli

    # when
    cli.main(["import-fhir", "x.json", "--clinic", "C", "--as", "u"])
    # then
    assert seen["argv"][:2] == ["medassist", "import_fhir"]
    assert seen["argv"][2:] == ["x.json", "--clinic", "C", "--as", "u"]


def test_an_invalid_email_is_dropped_with_a_note_and_the_patient_still_loads(clinic_admin):
    # given
    p = patient_resource(telecom=[{"system": "email", "value": "not-an-email"}])
    # when
    result = import_bundle(actor=clinic_admin, source="a.json", raw=raw(bundle(p)))
    # then
    assert result.ok and Patient.objects.get(public_id=result.patient_public_id).email == ""
    assert result.notes == ["email 'not-an-email' is not a valid address; not kept"]


def test_an_icd10_code_already_active_is_not_loaded_twice(clinic_admin):
    # given: the same active ICD-10-CM problem twice (as the problem service refuses)
    p = patient_resource()
    first = {
        "resourceType": "Condition",
        "id": "c1",
        "clinicalStatus": {"coding": [{"code": "active"}]},
        "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "I10"}]},
        "subject": ref(p),
    }
    second = dict(first, id="c2")
    # when
    result = import_bundle(actor=clinic_admin, source="a.json", raw=raw(bundle(p, first, second)))
    # then
    assert Problem.objects.get(code="I10").display == "Essential (primary) hypertension"
    assert result.details == ["Condition c2: I10 is already an active problem"]


def test_smoking_status_fills_a_blank_social_history_and_keeps_what_staff_recorded(
    clinic_admin, physician
):
    # given: an imported patient with a smoking-status observation (never smoker)
    data, _ = full_chart_bundle()
    result = import_bundle(actor=clinic_admin, source="a.json", raw=raw(data))
    patient = Patient.objects.get(public_id=result.patient_public_id)
    social = SocialHistory.objects.get(patient=patient)
    assert social.smoking_status == "266919005"
    assert ChartHistory.objects.filter(item_id=social.public_id, action="create").exists()
    assert "smoking status from 2019-02-10: Never smoker" in result.notes
    # when: staff record "former smoker", then a newer export arrives
    social_history_save(actor=physician, patient=patient, smoking_status="8517006")
    newer, _ = full_chart_bundle(data["entry"][0]["resource"]["id"])
    import_bundle(actor=clinic_admin, source="b.json", raw=raw(newer))
    # then
    assert SocialHistory.objects.get(patient=patient).smoking_status == "8517006"
