"""Scope of practice: who may give injections, draw blood, dispense, run POC tests, vaccinate."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.db import transaction

from medassist.audit.models import AuditEvent
from medassist.audit.services import hold_refusals, keep_held_refusals
from medassist.core.clock import clinic_today
from medassist.core.errors import PermissionDenied
from medassist.practice import scope
from medassist.practice.models import Location, StaffCredential, TrainingRecord
from medassist.practice.scope import (
    TASKS,
    ScopeRefused,
    ScopeRulesInvalid,
    expiring_soon,
    require_task,
    rule_for,
    scope_matrix,
    task_refusal,
)
from tests import factories


@pytest.fixture
def california(clinic):
    clinic.state = "CA"
    clinic.timezone = "America/Los_Angeles"
    clinic.save()
    return clinic


def _train(user, task, **extra):
    values = {
        "hours": 10,
        "supervised_procedures": 40,
        "certificate": "Signed by Dr. Osler",
        "completed_on": date(2024, 5, 1),
    }
    values.update(extra)
    return TrainingRecord.objects.create(user=user, task=task, **values)


def test_the_five_tasks_are_named_as_the_other_apps_call_them():
    assert set(TASKS) == {
        "injection",
        "venipuncture",
        "dispensing",
        "poc_test",
        "vaccine_administration",
    }


@pytest.mark.parametrize("task", TASKS)
def test_a_physician_is_always_allowed_even_in_california_without_a_supervisor(
    california, physician, task
):
    # when / then
    assert task_refusal(physician, task) is None
    require_task(physician, task)


@pytest.mark.parametrize("role", ["front_desk", "biller", "clinic_admin"])
def test_a_role_other_than_ma_or_physician_is_refused_with_its_role_named(clinic, role):
    # given trained and certified as could be
    user = factories.make_user(clinic, role)
    factories.make_training(user)
    # when
    reason = task_refusal(user, "injection", supervisor_present=True)
    # then
    assert reason is not None
    assert role.replace("_", " ") in reason
    assert "only a medical assistant or a physician" in reason


def test_a_user_without_a_clinic_or_inactive_is_refused(clinic, medical_assistant):
    factories.make_training(medical_assistant)
    medical_assistant.is_active = False
    assert task_refusal(medical_assistant, "poc_test") == "You are not signed in to a clinic."


def test_an_untrained_ma_in_a_default_state_is_refused_with_the_reason(clinic, medical_assistant):
    # given the cast's clinic is in New York: the default rules
    assert rule_for("NY", "injection").jurisdiction == "default"
    # when
    reason = task_refusal(medical_assistant, "venipuncture")
    # then
    assert reason is not None
    assert "no current training record is on file" in reason


def test_a_trained_ma_in_a_default_state_needs_no_supervisor_or_certificate(
    clinic, medical_assistant
):
    # given
    _train(medical_assistant, "venipuncture", hours=2, supervised_procedures=0, certificate="")
    # then
    assert task_refusal(medical_assistant, "venipuncture") is None
    assert task_refusal(medical_assistant, "injection") is not None  # other tasks untouched


def test_california_counts_hours_and_supervised_procedures_and_says_what_is_missing(
    california, medical_assistant
):
    # given two partial trainings: 4 + 3 hours, 12 + 8 procedures
    _train(medical_assistant, "venipuncture", hours=4, supervised_procedures=12)
    _train(medical_assistant, "venipuncture", hours=3, supervised_procedures=8)
    # when
    reason = task_refusal(medical_assistant, "venipuncture", supervisor_present=True)
    # then
    assert reason is not None
    assert "California" in reason
    assert "10 hours" in reason and "7 hours" in reason and "20 procedures" in reason
    assert "1366.1" in reason
    # when three more hours are recorded
    _train(medical_assistant, "venipuncture", hours=3, supervised_procedures=0)
    # then
    assert task_refusal(medical_assistant, "venipuncture", supervisor_present=True) is None


def test_california_wants_the_trainers_written_certificate(california, medical_assistant):
    _train(medical_assistant, "injection", certificate="")
    reason = task_refusal(medical_assistant, "injection", supervisor_present=True)
    assert reason is not None and "certified in writing" in reason
    _train(medical_assistant, "injection", hours=0, supervised_procedures=0, certificate="C-17")
    assert task_refusal(medical_assistant, "injection", supervisor_present=True) is None


@pytest.mark.parametrize("task", TASKS)
def test_california_needs_a_supervising_physician_on_the_premises(
    california, medical_assistant, task
):
    # given fully trained
    factories.make_training(medical_assistant)
    # when / then: not asked, said absent, said present
    not_asked = task_refusal(medical_assistant, task)
    absent = task_refusal(medical_assistant, task, supervisor_present=False)
    assert not_asked is not None and "supervising physician" in not_asked
    assert absent is not None and "no supervising physician is recorded" in absent
    assert task_refusal(medical_assistant, task, supervisor_present=True) is None


def test_in_california_injection_training_qualifies_for_vaccines(california, medical_assistant):
    _train(medical_assistant, "injection")
    assert (
        task_refusal(medical_assistant, "vaccine_administration", supervisor_present=True) is None
    )
    assert task_refusal(medical_assistant, "venipuncture", supervisor_present=True) is not None


def test_expired_withdrawn_and_future_training_does_not_count(california, medical_assistant):
    today = clinic_today(california)
    _train(medical_assistant, "poc_test", expires_on=today - timedelta(days=1))
    _train(medical_assistant, "poc_test", completed_on=today + timedelta(days=3))
    withdrawn = _train(medical_assistant, "poc_test")
    withdrawn.active = False
    withdrawn.save()
    assert task_refusal(medical_assistant, "poc_test", supervisor_present=True) is not None
    _train(medical_assistant, "poc_test", expires_on=today)  # still good on its last day
    assert task_refusal(medical_assistant, "poc_test", supervisor_present=True) is None


def test_the_state_comes_from_the_clinics_address_when_the_clinic_names_none(
    clinic, medical_assistant
):
    # given a clinic without a state whose location is in California
    clinic.state = ""
    clinic.save()
    Location.objects.filter(clinic=clinic).update(state="CA")
    factories.make_training(medical_assistant)
    # then California's supervision rule applies
    assert scope.clinic_state(clinic) == "CA"
    assert task_refusal(medical_assistant, "injection") is not None
    assert task_refusal(medical_assistant, "injection", supervisor_present=True) is None


def test_require_task_raises_scope_refused_and_audits_the_refusal(california, medical_assistant):
    # when
    with pytest.raises(ScopeRefused) as refused:
        require_task(medical_assistant, "injection", supervisor_present=True)
    # then
    error = refused.value
    assert isinstance(error, PermissionDenied)
    assert error.code == "scope_refused" and error.status == 403
    assert error.as_dict()["code"] == "scope_refused"
    assert "training" in error.message
    event = AuditEvent.objects.get(action=AuditEvent.Action.REFUSED, object_type="practice.scope")
    assert event.actor == medical_assistant and event.clinic_id == california.pk
    assert event.detail["task"] == "injection"
    assert event.detail["reason"] == error.message
    assert event.detail["supervisor_present"] is True


def test_an_allowed_task_writes_no_refusal(clinic, physician):
    require_task(physician, "dispensing")
    assert not AuditEvent.objects.filter(object_type="practice.scope").exists()


def test_a_refusal_inside_a_rolled_back_request_is_written_again_after_it(
    clinic, medical_assistant
):
    # given the refused-access middleware holding a request's refusals
    held = hold_refusals()
    try:
        with pytest.raises(ScopeRefused), transaction.atomic():
            require_task(medical_assistant, "venipuncture")
        assert not AuditEvent.objects.filter(object_type="practice.scope").exists()
    finally:
        written = keep_held_refusals(held)
    # then
    assert written == 1
    assert (
        AuditEvent.objects.filter(object_type="practice.scope", object_id="venipuncture").count()
        == 1
    )


def test_an_unknown_task_is_a_programming_error(clinic, physician):
    with pytest.raises(ValueError, match="unknown scope task"):
        task_refusal(physician, "surgery")


@pytest.fixture
def rules_file(tmp_path, settings):
    """A rules file where Washington requires a current CMA or RMA for injections."""
    shipped = json.loads(scope.RULES_FILE.read_text())
    rule = dict(shipped["jurisdictions"]["default"]["rules"]["injection"])
    rule.update(credentials_any=["CMA", "RMA"], citation="RCW 18.360.050")
    shipped["jurisdictions"]["WA"] = {
        "name": "Washington",
        "sources": [
            {"title": "RCW 18.360", "url": "https://app.leg.wa.gov/RCW/default.aspx?cite=18.360"}
        ],
        "rules": {"injection": rule, "dispensing": {**rule, "allowed": False}},
    }
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(shipped))
    settings.MEDASSIST_SCOPE_RULES_FILE = str(path)
    return path


def test_a_state_can_require_a_current_credential(rules_file, clinic, medical_assistant):
    # given
    clinic.state = "WA"
    clinic.save()
    factories.make_training(medical_assistant)
    today = clinic_today(clinic)
    # when no credential / an expired one / a current one
    missing = task_refusal(medical_assistant, "injection")
    StaffCredential.objects.create(
        user=medical_assistant, kind="CMA", expires_on=today - timedelta(days=1)
    )
    lapsed = task_refusal(medical_assistant, "injection")
    StaffCredential.objects.create(user=medical_assistant, kind="NCMA")  # not one named
    still = task_refusal(medical_assistant, "injection")
    StaffCredential.objects.create(user=medical_assistant, kind="RMA", expires_on=today)
    # then
    assert missing is not None and "CMA or RMA" in missing and "none is on file" in missing
    assert lapsed is not None and "expired on" in lapsed
    assert still == lapsed
    assert task_refusal(medical_assistant, "injection") is None
    # a task the state lists as not allowed, and one it does not list (the default applies)
    assert "may not dispense" in (task_refusal(medical_assistant, "dispensing") or "")
    assert task_refusal(medical_assistant, "poc_test") is None


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        json.dumps({"jurisdictions": {}}),
        json.dumps({"jurisdictions": {"default": {"sources": [], "rules": {}}}}),
        json.dumps(
            {"jurisdictions": {"default": {"sources": [{"url": "x"}], "rules": {"injection": {}}}}}
        ),
    ],
)
def test_a_malformed_rules_file_is_refused_clearly(tmp_path, settings, clinic, physician, content):
    path = tmp_path / "bad.json"
    path.write_text(content)
    settings.MEDASSIST_SCOPE_RULES_FILE = str(path)
    with pytest.raises(ScopeRulesInvalid):
        task_refusal(physician, "injection")


def test_the_shipped_rules_name_their_sources():
    data = scope.rules()
    for code in ("CA", "default"):
        sources = data["jurisdictions"][code]["sources"]
        assert sources and all(s["url"].startswith("https://") for s in sources)
    titles = " ".join(s["title"] for s in data["jurisdictions"]["CA"]["sources"])
    for section in ("2069", "2070", "2071", "1366", "1366.1"):
        assert section in titles


def test_expiring_soon_lists_what_lapses_within_60_days_in_the_clinics_today(
    california, medical_assistant, physician
):
    # given
    today = clinic_today(california)
    StaffCredential.objects.create(
        user=medical_assistant, kind="CMA", expires_on=today + timedelta(days=60)
    )
    StaffCredential.objects.create(
        user=medical_assistant, kind="RMA", expires_on=today + timedelta(days=61)
    )
    StaffCredential.objects.create(
        user=physician, kind="NCMA", expires_on=today - timedelta(days=2)
    )
    _train(medical_assistant, "injection", expires_on=today + timedelta(days=5))
    other = factories.make_user(factories.make_clinic(name="Elsewhere"), "medical_assistant")
    StaffCredential.objects.create(user=other, kind="CMA", expires_on=today)
    # when
    found = expiring_soon(california)
    # then
    assert [(e.user, e.what, e.expired) for e in found] == [
        (physician, "NCMA", True),
        (medical_assistant, "Give an injection training", False),
        (medical_assistant, "CMA", False),
    ]


def test_scope_matrix_shows_each_ma_and_physician_per_task(
    california, medical_assistant, physician
):
    _train(medical_assistant, "poc_test")
    rows = scope_matrix(california)
    assert [r["user"] for r in rows] == [medical_assistant, physician]
    ma = {q.task: q for q in rows[0]["tasks"]}
    assert ma["poc_test"].qualified and ma["poc_test"].needs_supervisor
    assert not ma["injection"].qualified and "training" in (ma["injection"].reason or "")
    assert all(q.qualified for q in rows[1]["tasks"])
