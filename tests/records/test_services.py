"""records.services: every chart write validates, keeps history, audits, and never deletes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.core.errors import Conflict, PermissionDenied, ValidationFailed
from medassist.records import services
from medassist.records.errors import Code, NoteSigned
from medassist.records.models import (
    Allergy,
    ChartHistory,
    Encounter,
    HistoryEntry,
    Immunization,
    MedicationStatement,
    NoKnownAllergies,
    Note,
    NoteImmutable,
    Observation,
    Problem,
    Procedure,
    SocialHistory,
)


def history_of(item) -> list[ChartHistory]:
    return list(
        ChartHistory.objects.filter(item_type=item.ITEM_TYPE, item_id=item.public_id).order_by(
            "version"
        )
    )


def audits_for(item) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_id=str(item.public_id)).order_by("id"))


# --- every item type: create / update / entered-in-error with history and audit -------


def _make(kind, actor, patient, encounter):
    today = dt.date(2025, 1, 2)
    if kind == "problem":
        return services.problem_create(actor=actor, patient=patient, code="E11.9")
    if kind == "allergy":
        return services.allergy_create(actor=actor, patient=patient, substance="Peanut")
    if kind == "medication":
        return services.medication_create(actor=actor, patient=patient, drug_name="Metformin")
    if kind == "immunization":
        return services.immunization_create(
            actor=actor, patient=patient, cvx_code="140", occurrence_date=today
        )
    if kind == "history":
        return services.history_entry_create(
            actor=actor, patient=patient, kind="surgical", display="Appendectomy", date=today
        )
    if kind == "social":
        return services.social_history_save(actor=actor, patient=patient, occupation="Teacher")
    if kind == "procedure":
        return services.procedure_create(
            actor=actor, patient=patient, display="Ear irrigation", encounter=encounter
        )
    if kind == "observation":
        return services.observation_create(
            actor=actor,
            patient=patient,
            display="Hemoglobin A1c",
            code="4548-4",
            value_quantity=Decimal("7.2"),
            value_unit="%",
            effective_at=timezone.now(),
        )
    if kind == "encounter":
        return services.encounter_create(actor=actor, patient=patient, type_display="Phone")
    raise AssertionError(kind)


UPDATES = {
    "problem": ("problem_update", "problem", {"note": "Diet controlled"}),
    "allergy": ("allergy_update", "allergy", {"reaction": "Anaphylaxis", "severity": "severe"}),
    "medication": ("medication_update", "medication", {"dose": "500 mg twice daily"}),
    "immunization": ("immunization_update", "immunization", {"lot_number": "X9"}),
    "history": ("history_entry_update", "entry", {"date_text": "age 12"}),
    "social": ("social_history_save", None, {"occupation": "Nurse"}),
    "procedure": ("procedure_update", "procedure", {"body_site": "left ear"}),
    "observation": ("observation_update", "observation", {"interpretation": "H"}),
    "encounter": ("encounter_update", "encounter", {"reason_text": "Follow-up"}),
}
ERRORS = {
    "problem": ("problem_enter_in_error", "problem"),
    "allergy": ("allergy_enter_in_error", "allergy"),
    "medication": ("medication_enter_in_error", "medication"),
    "immunization": ("immunization_enter_in_error", "immunization"),
    "history": ("history_entry_enter_in_error", "entry"),
    "social": ("social_history_enter_in_error", "social"),
    "procedure": ("procedure_enter_in_error", "procedure"),
    "observation": ("observation_enter_in_error", "observation"),
    "encounter": ("encounter_enter_in_error", "encounter"),
}


@pytest.mark.parametrize("kind", sorted(UPDATES))
def test_each_item_type_keeps_a_version_history_and_audit_trail(
    kind, physician, patient, encounter
):
    # given
    item = _make(kind, physician, patient, encounter)
    # when
    name, arg, changes = UPDATES[kind]
    kwargs = {arg: item} if arg else {"patient": patient}
    updated = getattr(services, name)(actor=physician, **kwargs, **changes)
    err_name, err_arg = ERRORS[kind]
    withdrawn = getattr(services, err_name)(
        actor=physician, **{err_arg: updated}, reason="Wrong patient"
    )
    # then
    rows = history_of(item)
    assert [r.action for r in rows] == ["create", "update", "entered-in-error"]
    assert [r.version for r in rows] == [1, 2, 3]
    field, value = next(iter(changes.items()))
    assert rows[1].changes[field]["after"] == value
    assert rows[2].reason == "Wrong patient"
    assert all(r.actor == physician for r in rows)
    assert withdrawn.is_entered_in_error and withdrawn.error_reason == "Wrong patient"
    assert type(item).objects.filter(pk=item.pk).exists()  # never deleted
    assert [a.action for a in audits_for(item)] == ["create", "update", "transition"]
    assert all(a.patient_id == patient.pk for a in audits_for(item))


@pytest.mark.parametrize("kind", sorted(ERRORS))
def test_entered_in_error_needs_a_reason_and_changes_nothing_without_one(
    kind, physician, patient, encounter
):
    # given
    item = _make(kind, physician, patient, encounter)
    err_name, err_arg = ERRORS[kind]
    # when
    with pytest.raises(ValidationFailed) as exc:
        getattr(services, err_name)(actor=physician, **{err_arg: item}, reason="   ")
    # then
    assert "reason" in exc.value.message.lower()
    item.refresh_from_db()
    assert not item.is_entered_in_error
    assert len(history_of(item)) == 1


def test_an_item_entered_in_error_can_no_longer_be_updated(physician, problem):
    # given
    services.problem_enter_in_error(actor=physician, problem=problem, reason="Duplicate")
    # when
    with pytest.raises(Conflict):
        services.problem_update(actor=physician, problem=problem, note="late edit")
    # then
    problem.refresh_from_db()
    assert problem.note == ""
    assert len(history_of(problem)) == 2


def test_an_update_that_changes_nothing_writes_no_history(physician, problem):
    # when
    services.problem_update(actor=physician, problem=problem, note="")
    # then
    assert len(history_of(problem)) == 1


def test_front_desk_and_biller_cannot_write_the_chart(front_desk, biller, patient):
    for user in (front_desk, biller):
        # when
        with pytest.raises(PermissionDenied):
            services.problem_create(actor=user, patient=patient, code="I10")
    # then
    assert not Problem.objects.exists()
    assert not ChartHistory.objects.exists()


def test_another_clinics_physician_cannot_write_this_clinics_chart(other_clinic_physician, patient):
    # when
    with pytest.raises(ValidationFailed):
        services.allergy_create(actor=other_clinic_physician, patient=patient, substance="Latex")
    # then
    assert not Allergy.objects.exists()


# --- problems and ICD-10-CM -------------------------------------------------------------


def test_problem_with_icd10_code_takes_the_official_description(physician, patient):
    # when
    problem = services.problem_create(actor=physician, patient=patient, code="e119")
    # then
    assert problem.code == "E11.9"
    assert problem.code_system == "icd-10-cm"
    assert problem.display == "Type 2 diabetes mellitus without complications"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("E11", "category"),
        ("Q99.99", "not an ICD-10-CM code"),
        ("hello", "not an ICD-10-CM code"),
        ("", "Enter an ICD-10-CM code"),
    ],
)
def test_problem_with_invalid_icd10_code_is_refused(physician, patient, code, message):
    # when
    with pytest.raises(ValidationFailed) as exc:
        services.problem_create(actor=physician, patient=patient, code=code)
    # then
    assert message in exc.value.message
    assert exc.value.errors == {"code": [exc.value.message]}
    assert not Problem.objects.exists()


def test_problem_dates_must_make_sense(physician, patient):
    # when / then
    with pytest.raises(ValidationFailed, match="future"):
        services.problem_create(
            actor=physician, patient=patient, code="I10", onset_date=dt.date(2999, 1, 1)
        )
    with pytest.raises(ValidationFailed, match="before the onset"):
        services.problem_create(
            actor=physician,
            patient=patient,
            code="I10",
            clinical_status="resolved",
            onset_date=dt.date(2020, 1, 1),
            abatement_date=dt.date(2019, 1, 1),
        )
    with pytest.raises(ValidationFailed, match="resolution date must be inactive"):
        services.problem_create(
            actor=physician, patient=patient, code="I10", abatement_date=dt.date(2020, 1, 1)
        )
    assert not Problem.objects.exists()


def test_the_same_active_problem_cannot_be_added_twice(physician, patient, problem):
    # when
    with pytest.raises(Conflict):
        services.problem_create(actor=physician, patient=patient, code="I10")
    # then
    assert Problem.objects.count() == 1


def test_recoding_a_problem_records_old_and_new_code(physician, problem):
    # when
    updated = services.problem_update(actor=physician, problem=problem, code="I11.9")
    # then
    assert updated.display == "Hypertensive heart disease without heart failure"
    change = history_of(problem)[-1].changes
    assert change["code"] == {"before": "I10", "after": "I11.9"}


# --- allergies and NKA --------------------------------------------------------------------


def test_no_known_allergies_is_a_recorded_fact_with_who_and_when(medical_assistant, patient):
    # when
    nka = services.nka_record(actor=medical_assistant, patient=patient)
    # then
    assert nka.recorded_by == medical_assistant
    assert nka.status == NoKnownAllergies.Status.CURRENT
    assert history_of(nka)[0].action == "create"


def test_no_known_allergies_is_refused_while_an_allergy_is_active(
    medical_assistant, patient, allergy
):
    # when
    with pytest.raises(Conflict) as exc:
        services.nka_record(actor=medical_assistant, patient=patient)
    # then
    assert "Penicillin" in exc.value.message
    assert not NoKnownAllergies.objects.exists()


def test_recording_an_allergy_ends_the_no_known_allergies_fact(medical_assistant, patient):
    # given
    nka = services.nka_record(actor=medical_assistant, patient=patient)
    # when
    services.allergy_create(actor=medical_assistant, patient=patient, substance="Sulfa")
    # then
    nka.refresh_from_db()
    assert nka.status == NoKnownAllergies.Status.ENDED
    assert "Sulfa" in nka.ended_reason
    assert [r.action for r in history_of(nka)] == ["create", "update"]
    assert services.current_nka(patient) is None


def test_nka_can_be_recorded_again_once_the_allergy_is_withdrawn(
    medical_assistant, patient, allergy
):
    # given
    services.allergy_enter_in_error(actor=medical_assistant, allergy=allergy, reason="Wrong chart")
    # when
    nka = services.nka_record(actor=medical_assistant, patient=patient)
    # then
    assert services.current_nka(patient) == nka


def test_a_duplicate_active_allergy_is_refused(medical_assistant, patient, allergy):
    with pytest.raises(Conflict):
        services.allergy_create(actor=medical_assistant, patient=patient, substance="penicillin")
    assert Allergy.objects.count() == 1


# --- medications --------------------------------------------------------------------------


def test_medication_rxnorm_code_must_be_digits(physician, patient):
    with pytest.raises(ValidationFailed, match="RxNorm"):
        services.medication_create(
            actor=physician, patient=patient, drug_name="Lisinopril", code="LIS10"
        )
    assert not MedicationStatement.objects.exists()


def test_stopping_a_medication_records_status_and_date(physician, medication):
    # when
    stopped = services.medication_stop(
        actor=physician, medication=medication, stop_date=dt.date(2025, 1, 1), reason="Cough"
    )
    # then
    assert stopped.status == "stopped"
    last = history_of(medication)[-1]
    assert last.changes["status"] == {"before": "active", "after": "stopped"}
    assert last.reason == "Cough"


def test_medication_stop_before_start_is_refused(physician, medication):
    with pytest.raises(ValidationFailed, match="before the start"):
        services.medication_update(
            actor=physician, medication=medication, stop_date=dt.date(2020, 1, 1)
        )
    medication.refresh_from_db()
    assert medication.stop_date is None


# --- immunizations and CVX ----------------------------------------------------------------


def test_immunization_takes_the_vaccine_name_from_cvx(immunization):
    assert immunization.code == "115"
    assert immunization.code_system == "cvx"
    assert immunization.display.startswith("Tdap")


@pytest.mark.parametrize("code", ["999999", "abc", ""])
def test_unknown_cvx_code_is_refused(physician, patient, code):
    with pytest.raises(ValidationFailed):
        services.immunization_create(
            actor=physician,
            patient=patient,
            cvx_code=code,
            occurrence_date=dt.date(2025, 1, 1),
        )
    assert not Immunization.objects.exists()


def test_vaccine_from_an_expired_lot_is_refused(physician, patient):
    with pytest.raises(ValidationFailed, match="expired"):
        services.immunization_create(
            actor=physician,
            patient=patient,
            cvx_code="03",
            occurrence_date=dt.date(2025, 1, 10),
            expiration_date=dt.date(2024, 12, 31),
        )
    assert not Immunization.objects.exists()


def test_not_done_vaccine_needs_a_reason(medical_assistant, patient):
    with pytest.raises(ValidationFailed, match="why"):
        services.immunization_create(
            actor=medical_assistant,
            patient=patient,
            cvx_code="03",
            occurrence_date=dt.date(2025, 1, 10),
            status="not-done",
        )


# --- histories ------------------------------------------------------------------------------


def test_family_history_needs_the_relation(physician, patient):
    with pytest.raises(ValidationFailed, match="family member"):
        services.history_entry_create(
            actor=physician, patient=patient, kind="family", display="Breast cancer"
        )
    entry = services.history_entry_create(
        actor=physician,
        patient=patient,
        kind="family",
        display="Breast cancer",
        relation="MTH",
        onset_age=52,
    )
    assert entry.get_relation_display() == "Mother"
    assert HistoryEntry.objects.count() == 1


def test_social_history_is_one_record_updated_with_history(physician, patient):
    # given
    first = services.social_history_save(
        actor=physician, patient=patient, smoking_status="8517006", pack_years=Decimal("10")
    )
    # when
    second = services.social_history_save(actor=physician, patient=patient, smoking_status="")
    # then
    assert first.pk == second.pk
    assert SocialHistory.objects.count() == 1
    change = history_of(first)[-1].changes
    assert change["smoking_status"] == {"before": "8517006", "after": ""}


def test_social_history_rejects_unknown_smoking_code(physician, patient):
    with pytest.raises(ValidationFailed):
        services.social_history_save(actor=physician, patient=patient, smoking_status="12345")
    assert not SocialHistory.objects.exists()


# --- observations and procedures ----------------------------------------------------------


def test_observation_needs_a_value_and_a_valid_loinc_code(physician, patient):
    with pytest.raises(ValidationFailed, match="value"):
        services.observation_create(
            actor=physician, patient=patient, display="LDL", effective_at=timezone.now()
        )
    with pytest.raises(ValidationFailed, match="LOINC"):
        services.observation_create(
            actor=physician,
            patient=patient,
            display="LDL",
            code="LDL",
            value_quantity=Decimal("100"),
            effective_at=timezone.now(),
        )
    assert not Observation.objects.exists()


def test_procedure_cannot_end_before_it_starts(physician, patient):
    now = timezone.now()
    with pytest.raises(ValidationFailed, match="ends before"):
        services.procedure_create(
            actor=physician,
            patient=patient,
            display="Suture",
            performed_start=now - dt.timedelta(hours=1),
            performed_end=now - dt.timedelta(hours=2),
        )
    assert not Procedure.objects.exists()


def test_encounter_for_appointment_is_created_once(physician, appointment):
    # when
    first = services.encounter_for_appointment(actor=physician, appointment=appointment)
    second = services.encounter_for_appointment(actor=physician, appointment=appointment)
    # then
    assert first.pk == second.pk
    assert first.provider == appointment.provider
    assert Encounter.objects.count() == 1


# --- notes ------------------------------------------------------------------------------------


def test_signing_a_draft_records_who_and_when(physician, draft_note):
    # when
    signed = services.note_sign(actor=physician, note=draft_note)
    # then
    assert signed.status == "signed"
    assert signed.signed_by == physician and signed.signed_at is not None
    assert [r.action for r in history_of(draft_note)] == ["create", "sign"]


def test_a_medical_assistant_may_write_a_draft_but_not_sign_it(medical_assistant, encounter):
    # given
    note = services.note_create(
        actor=medical_assistant, encounter=encounter, title="Intake", body="Patient reports"
    )
    # when
    with pytest.raises(PermissionDenied):
        services.note_sign(actor=medical_assistant, note=note)
    # then
    note.refresh_from_db()
    assert note.status == "draft"


def test_a_signed_note_cannot_be_changed_even_by_a_direct_service_call(physician, signed_note):
    # when
    with pytest.raises(Conflict):
        services.note_update(actor=physician, note=signed_note, body="rewritten history")
    # then
    signed_note.refresh_from_db()
    assert signed_note.body == "S: cough x3 days"
    assert signed_note.version == 2


def test_editing_a_signed_note_is_refused_with_the_stable_note_signed_code(physician, signed_note):
    # when
    with pytest.raises(NoteSigned) as refused:
        services.note_update(actor=physician, note=signed_note, title="A new title")
    # then: the API's code string is unchanged
    assert refused.value.code == Code.NOTE_SIGNED
    assert refused.value.as_dict()["code"] == "note_signed" and refused.value.status == 409
    signed_note.refresh_from_db()
    assert signed_note.title == "Progress note"


def test_a_signed_note_cannot_be_changed_by_saving_the_model_either(signed_note):
    # given
    signed_note.body = "rewritten history"
    # when
    with pytest.raises(NoteImmutable):
        signed_note.save()
    # then
    assert Note.objects.get(pk=signed_note.pk).body == "S: cough x3 days"


def test_amending_a_signed_note_adds_a_signed_row_with_the_reason(physician, signed_note):
    # when
    amendment = services.note_amend(
        actor=physician, note=signed_note, body="S: cough x5 days", reason="Duration corrected"
    )
    # then
    signed_note.refresh_from_db()
    assert signed_note.body == "S: cough x3 days"
    assert signed_note.status == "amended"
    assert amendment.amends == signed_note
    assert amendment.status == "signed" and amendment.signed_by == physician
    assert amendment.amendment_reason == "Duration corrected"
    assert history_of(signed_note)[-1].action == "amend"
    assert history_of(signed_note)[-1].changes["amended_by"]["after"] == str(amendment.public_id)
    assert history_of(amendment)[0].reason == "Duration corrected"


def test_an_amendment_needs_a_reason_and_a_change(physician, signed_note):
    with pytest.raises(ValidationFailed, match="reason"):
        services.note_amend(actor=physician, note=signed_note, body="new", reason="")
    with pytest.raises(ValidationFailed, match="does not change"):
        services.note_amend(
            actor=physician, note=signed_note, body="S: cough x3 days", reason="typo"
        )
    assert Note.objects.count() == 1


def test_a_draft_cannot_be_amended_and_an_amended_note_cannot_be_amended_again(
    physician, draft_note, encounter
):
    with pytest.raises(Conflict):
        services.note_amend(actor=physician, note=draft_note, body="x", reason="y")
    services.note_sign(actor=physician, note=draft_note)
    services.note_amend(actor=physician, note=draft_note, body="v2", reason="fix")
    with pytest.raises(Conflict, match="latest"):
        services.note_amend(actor=physician, note=draft_note, body="v3", reason="fix")
    assert Note.objects.count() == 2


def test_an_ma_may_withdraw_her_own_draft_but_not_a_signed_note(
    medical_assistant, physician, encounter, signed_note
):
    # given
    own = services.note_create(
        actor=medical_assistant, encounter=encounter, title="Intake", body="text"
    )
    # when
    services.note_enter_in_error(actor=medical_assistant, note=own, reason="Wrong visit")
    with pytest.raises(PermissionDenied):
        services.note_enter_in_error(actor=medical_assistant, note=signed_note, reason="x")
    # then
    own.refresh_from_db()
    signed_note.refresh_from_db()
    assert own.status == "entered-in-error"
    assert signed_note.status == "signed"


def test_history_rows_cannot_be_edited_or_deleted(physician, problem):
    from medassist.records.models import HistoryImmutable

    row = history_of(problem)[0]
    with pytest.raises(HistoryImmutable):
        row.save()
    with pytest.raises(HistoryImmutable):
        row.delete()
    with pytest.raises(HistoryImmutable):
        ChartHistory.objects.all().delete()
