"""records.services.ChartImport: bulk writes under the services' rules, with history and audit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.core.errors import Conflict, PermissionDenied, ValidationFailed
from medassist.records import services
from medassist.records.models import (
    Allergy,
    ChartHistory,
    Encounter,
    HistoryEntry,
    NoKnownAllergies,
    Note,
    Observation,
    Problem,
    SocialHistory,
)
from tests import factories

pytestmark = pytest.mark.django_db

CHART = (Encounter, Problem, Allergy, Observation, ChartHistory, NoKnownAllergies, SocialHistory)


def chart_rows() -> dict[str, int]:
    found = {m.__name__: m.objects.count() for m in CHART}
    found["AuditEvent"] = AuditEvent.objects.exclude(action=AuditEvent.Action.REFUSED).count()
    return found


def problem(code: str = "I10", **fields) -> Problem:
    return Problem(code_system="icd-10-cm", code=code, source_identifier=f"C/{code}", **fields)


def result(code: str = "8480-6", **fields) -> Observation:
    values = {
        "code_system": "loinc",
        "display": "Systolic blood pressure",
        "effective_at": timezone.now() - dt.timedelta(days=3),
        "value_quantity": Decimal("128"),
        "value_unit": "mm[Hg]",
        "source_identifier": f"O/{code}",
        **fields,
    }
    return Observation(code=code, **values)


def test_items_are_written_with_one_history_row_each_and_one_audit_event(clinic_admin, patient):
    # given
    batch = services.ChartImport(actor=clinic_admin, patient=patient, source="FHIR (a.json)")
    # when
    batch.add([problem()])
    batch.add([result(), result("8462-4", display="Diastolic blood pressure")])
    batch.finish()
    # then: the problem got its official name, as problem_create gives it
    assert Problem.objects.get(patient=patient).display == "Essential (primary) hypertension"
    assert Observation.objects.filter(patient=patient, created_by=clinic_admin).count() == 2
    history = ChartHistory.objects.filter(patient=patient)
    assert history.count() == 3 == len(batch.created)
    assert set(history.values_list("action", "reason", "actor")) == {
        ("create", "Imported from FHIR (a.json)", clinic_admin.pk)
    }
    assert history.get(item_type="problem").changes["code"] == {"before": None, "after": "I10"}
    event = AuditEvent.objects.get(patient=patient, detail__chart="import")
    assert event.action == "create" and event.actor == clinic_admin
    assert event.detail["item_types"] == {"problem": 1, "observation": 2}


def test_an_item_the_service_would_refuse_is_refused_and_its_record_keeps_nothing(
    clinic_admin, patient
):
    # given: a record of two results, the second taken in the future
    batch = services.ChartImport(actor=clinic_admin, patient=patient, source="test")
    future = result("8462-4", effective_at=timezone.now() + dt.timedelta(days=1))
    # when
    with pytest.raises(ValidationFailed) as refused:
        batch.add([result(), future])
    batch.finish()
    # then
    assert refused.value.message == "The result time cannot be in the future."
    assert Observation.objects.count() == 0 and ChartHistory.objects.count() == 0


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (problem("E11"), "E11 is a category"),
        (Problem(code_system="snomed", code="12", display="Asthma"), "SNOMED CT codes are 6"),
        (result(value_quantity=None, value_unit=""), "Enter a value"),
        (problem(onset_date=dt.date(2999, 1, 1)), "Onset date cannot be in the future."),
    ],
)
def test_codes_dates_and_values_are_checked_as_the_services_check_them(
    clinic_admin, patient, item, message
):
    # given
    batch = services.ChartImport(actor=clinic_admin, patient=patient, source="test")
    # when
    with pytest.raises(ValidationFailed) as refused:
        batch.add([item])
    # then
    assert message in refused.value.message


def test_an_active_allergy_or_icd10_problem_already_on_the_chart_is_refused(
    clinic_admin, medical_assistant, patient
):
    # given: penicillin on the allergy list, and hypertension added once in this import
    services.allergy_create(actor=medical_assistant, patient=patient, substance="Penicillin")
    batch = services.ChartImport(actor=clinic_admin, patient=patient, source="test")
    batch.add([problem()])
    # when
    with pytest.raises(Conflict) as allergy:
        batch.add([Allergy(display="penicillin", source_identifier="A/1")])
    with pytest.raises(Conflict) as again:
        batch.add([problem()])
    batch.add([problem(clinical_status="resolved")])  # a resolved one is history, not a double
    batch.finish()
    # then
    assert allergy.value.message == "penicillin is already on the allergy list"
    assert again.value.message == "I10 is already an active problem"
    assert Problem.objects.filter(patient=patient).count() == 2


def test_items_link_to_encounters_saved_earlier_in_the_import_but_not_to_anothers(
    clinic_admin, physician, patient, front_desk
):
    # given: an encounter saved by the import, and another patient's encounter
    batch = services.ChartImport(actor=clinic_admin, patient=patient, source="test")
    visit = Encounter(start=timezone.now() - dt.timedelta(days=3), source_identifier="E/1")
    batch.add([visit])
    batch.save()
    someone = factories.make_patient(front_desk)
    theirs = services.encounter_create(actor=physician, patient=someone)
    # when
    batch.add([result(encounter_id=visit.pk)])
    with pytest.raises(ValidationFailed) as refused:
        batch.add([result("8462-4", encounter_id=theirs.pk)])
    batch.finish()
    # then
    assert Observation.objects.get(patient=patient).encounter == visit
    assert refused.value.message == "That encounter belongs to another patient."


def test_an_imported_active_allergy_ends_no_known_allergies(
    clinic_admin, medical_assistant, patient
):
    # given
    services.nka_record(actor=medical_assistant, patient=patient)
    batch = services.ChartImport(actor=clinic_admin, patient=patient, source="FHIR (b.json)")
    # when
    batch.add([Allergy(display="Latex", source_identifier="A/latex")])
    batch.finish()
    # then
    nka = NoKnownAllergies.objects.get(patient=patient)
    assert nka.status == "ended"
    assert nka.ended_reason == "Allergy imported from FHIR (b.json)"


def test_a_smoking_status_result_fills_a_blank_social_history_only(
    clinic_admin, physician, patient
):
    # given: two smoking-status results, the latest "former smoker"
    batch = services.ChartImport(actor=clinic_admin, patient=patient, source="test")
    older = dict(display="Tobacco smoking status", value_quantity=None, value_unit="")
    batch.add([result("72166-2", value_code="266919005", **older)])
    latest = result(
        "72166-2",
        value_code="8517006",
        source_identifier="O/latest",
        effective_at=timezone.now() - dt.timedelta(days=1),
        **older,
    )
    batch.add([latest])
    # when
    batch.finish()
    # then
    assert SocialHistory.objects.get(patient=patient).smoking_status == "8517006"
    assert batch.smoking_status_from == latest
    # and: once staff record a status, an import keeps it
    services.social_history_save(actor=physician, patient=patient, smoking_status="449868002")
    again = services.ChartImport(actor=clinic_admin, patient=patient, source="test")
    again.add([result("72166-2", value_code="266919005", source_identifier="O/new", **older)])
    again.finish()
    assert SocialHistory.objects.get(patient=patient).smoking_status == "449868002"
    assert again.smoking_status_from is None


def test_an_import_that_adds_nothing_writes_nothing(clinic_admin, patient):
    # given
    before = chart_rows()
    batch = services.ChartImport(actor=clinic_admin, patient=patient, source="test")
    # when
    batch.finish()
    # then
    assert chart_rows() == before and batch.created == []


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("front_desk", False),
        ("medical_assistant", False),
        ("physician", False),
        ("biller", False),
        ("clinic_admin", True),
        ("other_clinic_physician", False),
    ],
)
def test_only_the_clinic_admin_imports_into_the_chart(cast, patient, role, allowed):
    # given
    before = chart_rows()
    # when / then
    if not allowed:
        with pytest.raises(PermissionDenied):
            services.ChartImport(actor=cast[role], patient=patient, source="test")
        assert chart_rows() == before
        return
    batch = services.ChartImport(actor=cast[role], patient=patient, source="test")
    batch.add([problem()])
    batch.finish()
    assert Problem.objects.filter(patient=patient).count() == 1


def test_another_clinics_patient_is_unknown(clinic_admin, other_clinic):
    # given
    their_desk = factories.make_user(other_clinic, "front_desk", "their-desk")
    theirs = factories.make_patient(their_desk)
    before = chart_rows()
    # when
    with pytest.raises(ValidationFailed) as refused:
        services.ChartImport(actor=clinic_admin, patient=theirs, source="test")
    # then
    assert refused.value.message == "Unknown patient." and chart_rows() == before


# ---------------------------------------------------------------------------- histories, NKA,
# the social history, and an encounter's appointment and signed notes


def test_histories_social_history_and_nka_are_imported_with_their_rules(
    clinic_admin, medical_assistant, patient
):
    # given
    batch = services.ChartImport(actor=clinic_admin, patient=patient, source="demo")
    recorded = timezone.now() - dt.timedelta(days=30)
    # when
    batch.add(
        [
            HistoryEntry(kind="medical", code_system="icd-10-cm", code="J18.9", date_text="2015"),
            HistoryEntry(kind="surgical", display="Appendectomy", date=dt.date(2001, 6, 2)),
            HistoryEntry(kind="family", display="Type 2 diabetes", relation="MTH", onset_age=55),
            SocialHistory(smoking_status="8517006", pack_years=10, alcohol_use="Rarely"),
            NoKnownAllergies(recorded_at=recorded, recorded_by=medical_assistant),
        ]
    )
    batch.finish()
    # then
    entries = HistoryEntry.objects.filter(patient=patient)
    assert entries.get(kind="medical").display == "Pneumonia, unspecified organism"
    assert SocialHistory.objects.get(patient=patient).pack_years == 10
    nka = NoKnownAllergies.objects.get(patient=patient)
    assert (nka.status, nka.recorded_at, nka.recorded_by) == (
        "current",
        recorded,
        medical_assistant,
    )
    assert ChartHistory.objects.filter(patient=patient).count() == 5


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (
            [HistoryEntry(kind="medical", display="Asthma", relation="MTH")],
            "family history only",
        ),
        ([HistoryEntry(kind="family", display="Asthma")], "Choose the family member."),
        ([SocialHistory(), SocialHistory()], "social history already"),
        ([SocialHistory(pack_years=400)], "Pack-years must be between 0 and 300."),
        (
            [Allergy(display="Latex", source_identifier="A/1"), "nka"],
            "The patient has active allergies",
        ),
        (["nka-future"], "not later than now"),
        (["nka-by-biller"], "staff who may edit the chart"),
    ],
)
def test_history_social_and_nka_rules_refuse_and_keep_nothing(
    clinic_admin, medical_assistant, biller, patient, items, message
):
    # given
    now = timezone.now() - dt.timedelta(minutes=1)
    batch = services.ChartImport(actor=clinic_admin, patient=patient, source="test")
    made = {
        "nka": NoKnownAllergies(recorded_at=now, recorded_by=medical_assistant),
        "nka-future": NoKnownAllergies(
            recorded_at=now + dt.timedelta(hours=2), recorded_by=medical_assistant
        ),
        "nka-by-biller": NoKnownAllergies(recorded_at=now, recorded_by=biller),
    }
    before = chart_rows()
    # when
    with pytest.raises((ValidationFailed, Conflict)) as refused:
        batch.add([made.get(i, i) if isinstance(i, str) else i for i in items])
    batch.finish()
    # then
    assert message in refused.value.message
    assert chart_rows() == before


def test_a_chart_with_a_social_history_or_nka_gets_no_second_one(
    clinic_admin, medical_assistant, patient
):
    # given
    services.social_history_save(actor=medical_assistant, patient=patient, occupation="Teacher")
    services.nka_record(actor=medical_assistant, patient=patient)
    batch = services.ChartImport(actor=clinic_admin, patient=patient, source="test")
    # when / then
    with pytest.raises(Conflict):
        batch.add([SocialHistory(occupation="Nurse")])
    with pytest.raises(Conflict):
        batch.add(
            [
                NoKnownAllergies(
                    recorded_at=timezone.now() - dt.timedelta(minutes=1),
                    recorded_by=medical_assistant,
                )
            ]
        )


def _visit(front_desk, patient, provider, days_ahead: int = 1):
    start = factories.next_slot(patient.clinic, 0) + dt.timedelta(days=days_ahead)
    return factories.book(front_desk, patient, provider, start=start)


def test_an_encounter_of_a_visit_with_its_signed_note_is_imported(
    clinic_admin, physician, front_desk, patient, provider
):
    # given a visit (seen two hours ago)
    visit = _visit(front_desk, patient, provider)
    batch = services.ChartImport(actor=clinic_admin, patient=patient, source="demo")
    seen = timezone.now() - dt.timedelta(hours=2)
    encounter = Encounter(
        appointment=visit,
        provider=provider,
        start=seen,
        end=seen + dt.timedelta(minutes=20),
        status="finished",
        reason_text="Cough",
    )
    # when the encounter and then its signed note are imported
    batch.add([encounter])
    batch.save()
    signed = seen + dt.timedelta(minutes=40)
    note = Note(
        encounter=encounter,
        author=physician,
        title="Progress note",
        body="S: cough.",
        status="signed",
        signed_by=physician,
        signed_at=signed,
    )
    batch.add([note])
    batch.finish()
    # then
    assert Encounter.objects.get(appointment=visit) == encounter
    saved = Note.objects.get(encounter=encounter)
    assert (saved.status, saved.signed_at, saved.signed_by, saved.author) == (
        "signed",
        signed,
        physician,
        physician,
    )
    assert ChartHistory.objects.filter(item_type="note", action="create").count() == 1


def test_a_visit_gets_one_encounter_and_only_its_own_patients(
    clinic_admin, physician, front_desk, patient, provider
):
    # given a visit that has its encounter, and another patient's visit
    visit = _visit(front_desk, patient, provider)
    services.encounter_for_appointment(actor=physician, appointment=visit)
    someone = factories.make_patient(front_desk)
    theirs = _visit(front_desk, someone, provider, days_ahead=2)
    batch = services.ChartImport(actor=clinic_admin, patient=patient, source="test")
    # when / then
    with pytest.raises(Conflict):
        batch.add([Encounter(appointment=visit, start=visit.start)])
    with pytest.raises(ValidationFailed) as refused:
        batch.add([Encounter(appointment=theirs, start=theirs.start)])
    assert refused.value.message == "That appointment is another patient's."


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"signed_by": "medical_assistant"}, "needs a physician who signed it"),
        ({"author": "biller"}, "may not write notes here"),
        ({"signed_at": "future"}, "not later than now"),
        ({"signed_at": "before"}, "before its encounter began"),
        ({"status": "amended"}, "a draft or signed"),
        ({"status": "draft"}, "A draft has no signature."),
        ({"body": " "}, "The note is required."),
    ],
)
def test_note_rules_refuse_and_keep_nothing(
    request, clinic_admin, physician, patient, change, message
):
    # given an imported encounter
    batch = services.ChartImport(actor=clinic_admin, patient=patient, source="test")
    start = timezone.now() - dt.timedelta(days=2)
    encounter = Encounter(start=start, status="finished")
    batch.add([encounter])
    batch.save()
    fields = {
        "encounter": encounter,
        "author": physician,
        "title": "Progress note",
        "body": "Fine.",
        "status": "signed",
        "signed_by": physician,
        "signed_at": start + dt.timedelta(hours=1),
    }
    for key, value in change.items():
        if key in ("author", "signed_by"):
            value = request.getfixturevalue(value)
        elif value == "future":
            value = timezone.now() + dt.timedelta(hours=1)
        elif value == "before":
            value = start - dt.timedelta(hours=1)
        fields[key] = value
    # when / then
    with pytest.raises(ValidationFailed) as refused:
        batch.add([Note(**fields)])
    assert message in refused.value.message
    assert not Note.objects.exists()


# ---------------------------------------------------------------------------- many patients


def test_many_patients_charts_are_read_in_five_queries_and_checked_by_the_same_rules(
    clinic_admin, medical_assistant, front_desk, django_assert_num_queries
):
    # given three patients, one allergic to penicillin, one with "no known allergies"
    patients = [factories.make_patient(front_desk) for _ in range(3)]
    allergic, stated, plain = patients
    services.allergy_create(actor=medical_assistant, patient=allergic, substance="Penicillin")
    services.nka_record(actor=medical_assistant, patient=stated)
    # when the imports are opened, the charts of all are read at once
    with django_assert_num_queries(5):
        imports = services.ChartImports(actor=clinic_admin, patients=patients, source="test")
    # then each patient's items meet their own chart's rules
    with pytest.raises(Conflict):
        imports.of(allergic).add([Allergy(display="penicillin", source_identifier="A/1")])
    with pytest.raises(Conflict):
        imports.of(stated).add(
            [
                NoKnownAllergies(
                    recorded_at=timezone.now() - dt.timedelta(minutes=1),
                    recorded_by=medical_assistant,
                )
            ]
        )
    for p in patients:
        imports.of(p).add([problem(), HistoryEntry(kind="surgical", display="Appendectomy")])
    imports.of(plain).add([Allergy(display="Latex", source_identifier="A/2")])
    imports.finish()
    # and the rows, history and audit are those ChartImport writes for each
    assert Problem.objects.filter(patient__in=patients).count() == 3
    assert ChartHistory.objects.filter(reason="Imported from test").count() == 7
    assert AuditEvent.objects.filter(detail__chart="import").count() == 3
    assert NoKnownAllergies.objects.get(patient=stated).status == "current"


def test_many_patients_rows_go_in_one_insert_per_table(
    clinic_admin, front_desk, django_assert_max_num_queries
):
    # given ten patients with two problems each
    patients = [factories.make_patient(front_desk) for _ in range(10)]
    imports = services.ChartImports(actor=clinic_admin, patients=patients, source="test")
    for p in patients:
        imports.of(p).add([problem(), problem("E78.5")])
    # when / then: one insert of problems (the history and audit come with finish)
    with django_assert_max_num_queries(1):
        imports.save()
    assert Problem.objects.filter(patient__in=patients).count() == 20
