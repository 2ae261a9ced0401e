"""The demo clinic's charts: written through the records app's bulk import under the services'
rules, coherent with the schedule (every visit seen has its encounter and note), and
believable (codes from the code sets, notes from the visit's reason and vitals)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.demo import notes, words
from medassist.demo.charts import SOURCE
from medassist.intake.models import Rooming
from medassist.patients.models import Patient
from medassist.practice.models import User
from medassist.practice.roles import can
from medassist.records.codes import cvx_check, icd10_check
from medassist.records.models import (
    Allergy,
    ChartHistory,
    Encounter,
    HistoryEntry,
    Immunization,
    MedicationStatement,
    NoKnownAllergies,
    Note,
    Problem,
    SocialHistory,
)
from medassist.scheduling.models import Appointment, Status, StatusChange

ITEMS = (
    Problem,
    MedicationStatement,
    Allergy,
    NoKnownAllergies,
    Immunization,
    HistoryEntry,
    SocialHistory,
    Encounter,
    Note,
)


def _of(model, demo):
    return model.objects.filter(patient__clinic=demo.clinic)


def _start_of_today(demo) -> datetime:
    return datetime.combine(demo.pivot.date(), datetime.min.time(), tzinfo=demo.clinic.tz)


def test_every_patient_has_a_chart_with_codes_from_the_code_sets(db, demo):
    # given the demo's patients
    patients = Patient.objects.filter(clinic=demo.clinic)
    # then each has a social history, and most have problems, immunizations and history
    assert _of(SocialHistory, demo).count() == patients.count() == 500
    with_problems = set(_of(Problem, demo).values_list("patient_id", flat=True))
    with_vaccines = set(_of(Immunization, demo).values_list("patient_id", flat=True))
    assert 200 < len(with_problems) < 500
    assert len(with_vaccines) > 350
    assert _of(HistoryEntry, demo).filter(kind="family").exists()
    assert _of(HistoryEntry, demo).filter(kind="surgical").exists()
    # and every code is one the chart's own checks accept
    for code in set(_of(Problem, demo).values_list("code", flat=True)):
        icd10_check(code)
    coded_history = _of(HistoryEntry, demo).filter(code_system="icd-10-cm")
    for code in set(coded_history.values_list("code", flat=True)):
        icd10_check(code)
    for code in set(_of(Immunization, demo).values_list("code", flat=True)):
        cvx_check(code)
    # and nothing is dated in the future or before the patient was born
    today = demo.pivot.date()
    for model, field in (
        (Problem, "onset_date"),
        (MedicationStatement, "start_date"),
        (Immunization, "occurrence_date"),
    ):
        for day, born in _of(model, demo).values_list(field, "patient__date_of_birth"):
            assert day is None or born <= day <= today


def test_allergies_or_no_known_allergies_and_never_both(db, demo):
    allergic = set(_of(Allergy, demo).filter(status="active").values_list("patient_id", flat=True))
    nka = set(
        _of(NoKnownAllergies, demo).filter(status="current").values_list("patient", flat=True)
    )
    assert allergic and nka and not allergic & nka
    assert len(allergic | nka) < 500  # some charts do not say yet: the banner asks
    # and no one takes a drug they are allergic to
    for patient_id, substance in _of(Allergy, demo).values_list("patient_id", "display"):
        taking = _of(MedicationStatement, demo).filter(patient_id=patient_id, status="active")
        assert not taking.filter(display=substance).exists()
    # and the recorder may edit the chart
    for nka_row in _of(NoKnownAllergies, demo).select_related("recorded_by"):
        assert can(nka_row.recorded_by, "chart.edit")


def test_every_item_has_its_history_row_and_every_chart_its_import_event(db, demo):
    # given
    admin = User.objects.get(username="admin")
    rows = sum(_of(model, demo).count() for model in ITEMS)
    history = ChartHistory.objects.filter(patient__clinic=demo.clinic)
    imported = history.filter(reason=f"Imported from {SOURCE}")
    # then one "create" row per item, by the admin who imported the charts
    assert imported.count() == rows
    assert set(imported.values_list("action", "actor")) == {("create", admin.pk)}
    # and the rest is today's work at the clinic: results the staff recorded (point-of-care tests)
    today = history.exclude(pk__in=imported.values("pk"))
    assert set(today.values_list("action", "item_type")) <= {("create", "observation")}
    assert admin.pk not in set(today.values_list("actor", flat=True))
    # and one audit event per patient for the import
    events = AuditEvent.objects.filter(clinic=demo.clinic, detail__chart="import")
    assert events.count() == 500
    assert sum(e.detail["rows"] for e in events) == rows


def test_every_visit_seen_has_one_encounter_with_the_reason_for_visit(db, demo):
    # given the visits the provider has seen (or is seeing)
    appts = Appointment.objects.filter(clinic=demo.clinic).select_related("encounter", "rooming")
    seen = {Status.CHECKED_OUT, Status.WITH_PROVIDER}
    starts = dict(
        StatusChange.objects.filter(
            appointment__clinic=demo.clinic, to_status=Status.WITH_PROVIDER
        ).values_list("appointment_id", "at")
    )
    outs = dict(
        StatusChange.objects.filter(
            appointment__clinic=demo.clinic, to_status=Status.CHECKED_OUT
        ).values_list("appointment_id", "at")
    )
    # then exactly those have an encounter, which carries the visit's facts
    for appt in appts:
        has = hasattr(appt, "encounter")
        assert has == (appt.status in seen), appt
        if not has:
            continue
        e = appt.encounter
        assert (e.patient_id, e.provider_id) == (appt.patient_id, appt.provider_id)
        assert e.reason_text == appt.rooming.reason_for_visit
        assert e.start == starts[appt.pk]
        if appt.status == Status.CHECKED_OUT:
            assert (e.status, e.end) == ("finished", outs[appt.pk])
        else:
            assert (e.status, e.end) == ("in-progress", None)


def test_notes_are_signed_on_past_days_and_wait_for_signature_today(db, demo):
    # given every encounter with its notes
    encounters = _of(Encounter, demo).select_related("provider__user").prefetch_related("notes")
    today = _start_of_today(demo)
    kinds = Counter()
    # then a finished visit has one note, signed by its provider on past days, a draft today;
    # the visit in progress has none yet
    for e in encounters:
        written = list(e.notes.all())
        if e.status == "in-progress":
            assert written == []
            continue
        (note,) = written
        kinds[note.note_type] += 1
        assert e.reason_text in note.body and "Vitals" in note.body
        if e.start < today:
            assert (note.status, note.signed_by) == ("signed", e.provider.user)
            assert e.end <= note.signed_at < today
        else:
            assert (note.status, note.signed_at) == ("draft", None)
        assert can(note.author, "note.write")
    assert {"progress", "history-physical", "nursing"} <= set(kinds)
    # and nursing notes are written by the medical assistant who roomed the patient
    nursing = _of(Note, demo).filter(note_type="nursing").select_related("encounter")
    for note in nursing:
        rooming = Rooming.objects.get(appointment_id=note.encounter.appointment_id)
        assert note.author_id == rooming.roomed_by_id


def test_penicillin_allergic_patients_are_not_given_amoxicillin(db, demo):
    allergic = _of(Allergy, demo).filter(display__in=["Penicillin", "Amoxicillin"])
    patients = set(allergic.values_list("patient_id", flat=True))
    for body in _of(Note, demo).filter(patient_id__in=patients).values_list("body", flat=True):
        assert "Amoxicillin" not in body
    meds = _of(MedicationStatement, demo).filter(patient_id__in=patients)
    assert not meds.filter(display="Amoxicillin").exists()


def test_every_reason_a_patient_gives_has_its_note():
    # given the reasons the demo's patients give at rooming
    for reasons in (words.REASONS_ADULT, words.REASONS_CHILD):
        # then every sick visit, procedure and nurse visit reason has its own note text
        assert set(reasons["sick-visit"]) <= set(notes.SICK)
        assert set(reasons["procedure"]) <= set(notes.PROCEDURE)
        assert set(reasons["nurse-visit"]) <= set(notes.NURSE)


@pytest.mark.parametrize("username", ["doctor", "ma", "frontdesk"])
def test_a_demo_chart_opens_with_its_problems_and_notes(db, demo, client, username):
    # given a patient with problems and a signed note
    note = _of(Note, demo).filter(status="signed").select_related("patient").first()
    patient = note.patient
    client.force_login(User.objects.get(username=username))
    # when
    response = client.get(reverse("records:chart", args=[patient.public_id]))
    # then
    assert response.status_code == 200
    html = response.content.decode()
    for problem in _of(Problem, demo).filter(patient=patient):
        assert problem.display in html
    assert note.title in html
    assert timezone.localtime(note.signed_at, demo.clinic.tz).strftime("%m/%d/%Y %H:%M") in html
