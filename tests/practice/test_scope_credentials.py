"""Credentials and training records: kept by the clinic admin, validated, audited."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from medassist.audit.models import AuditEvent
from medassist.core.clock import clinic_today
from medassist.core.errors import NotFound, PermissionDenied, ValidationFailed
from medassist.practice import services
from medassist.practice.models import StaffCredential, TrainingRecord
from medassist.practice.scope import task_refusal
from tests import factories


def test_a_clinic_admin_records_a_credential_and_training_and_both_are_audited(
    clinic_admin, medical_assistant
):
    # when
    credential = services.staff_credential_add(
        actor=clinic_admin,
        user=medical_assistant,
        kind="CMA",
        number="123456",
        issued_on="2024-01-10",
        expires_on="2029-01-31",
    )
    record = services.training_record_add(
        actor=clinic_admin,
        user=medical_assistant,
        task="venipuncture",
        hours="10.5",
        supervised_procedures="20",
        certificate="Cert 7",
        trainer="Dr. Osler",
        completed_on="2024-02-01",
    )
    # then
    assert credential.expires_on == date(2029, 1, 31) and credential.created_by == clinic_admin
    assert record.hours == Decimal("10.50") and record.supervised_procedures == 20
    events = AuditEvent.objects.filter(actor=clinic_admin, action="create")
    assert {e.object_id for e in events} >= {str(credential.public_id), str(record.public_id)}
    assert task_refusal(medical_assistant, "venipuncture") is None


@pytest.mark.parametrize(
    "values,field",
    [
        ({"task": "surgery"}, "task"),
        ({"hours": "ten"}, "hours"),
        ({"hours": "-1"}, "hours"),
        ({"hours": "NaN"}, "hours"),
        ({"hours": "1e9"}, "hours"),
        ({"supervised_procedures": "2.5"}, "supervised_procedures"),
        ({"supervised_procedures": -3}, "supervised_procedures"),
        ({"completed_on": "2024-02-30"}, "completed_on"),
        ({"completed_on": ""}, "completed_on"),
        ({"expires_on": "2020-01-01"}, "expires_on"),
        ({"certificate": "x" * 201}, "certificate"),
    ],
)
def test_bad_training_input_is_refused_and_nothing_is_written(
    clinic_admin, medical_assistant, values, field
):
    given = {
        "task": "injection",
        "hours": 10,
        "supervised_procedures": 40,
        "completed_on": "2024-02-01",
    }
    given.update(values)
    with pytest.raises(ValidationFailed) as refused:
        services.training_record_add(actor=clinic_admin, user=medical_assistant, **given)
    assert field in refused.value.errors
    assert not TrainingRecord.objects.exists()
    assert not AuditEvent.objects.filter(object_type="practice.TrainingRecord").exists()


def test_training_completed_in_the_future_of_the_clinic_is_refused(clinic_admin, medical_assistant):
    tomorrow = clinic_today(medical_assistant.clinic) + timedelta(days=1)
    with pytest.raises(ValidationFailed, match="future"):
        services.training_record_add(
            actor=clinic_admin, user=medical_assistant, task="poc_test", completed_on=tomorrow
        )


@pytest.mark.parametrize(
    "values,field",
    [
        ({"kind": "MD"}, "kind"),
        ({"kind": "none", "expires_on": "2030-01-01"}, "kind"),
        ({"issued_on": "2025-01-01", "expires_on": "2024-01-01"}, "expires_on"),
        ({"expires_on": "01/02/2030"}, "expires_on"),
        ({"number": "9" * 41}, "number"),
    ],
)
def test_bad_credential_input_is_refused_and_nothing_is_written(
    clinic_admin, medical_assistant, values, field
):
    given = {"kind": "CMA"}
    given.update(values)
    with pytest.raises(ValidationFailed) as refused:
        services.staff_credential_add(actor=clinic_admin, user=medical_assistant, **given)
    assert field in refused.value.errors
    assert not StaffCredential.objects.exists()


@pytest.mark.parametrize("who", ["medical_assistant", "physician", "front_desk"])
def test_only_a_clinic_admin_keeps_credentials(request, who, medical_assistant):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.staff_credential_add(actor=actor, user=medical_assistant, kind="CMA")
    with pytest.raises(PermissionDenied):
        services.training_record_add(
            actor=actor, user=medical_assistant, task="injection", completed_on="2024-01-01"
        )
    assert not StaffCredential.objects.exists() and not TrainingRecord.objects.exists()


def test_another_clinics_staff_member_is_not_found(clinic_admin, other_clinic):
    stranger = factories.make_user(other_clinic, "medical_assistant")
    with pytest.raises(NotFound):
        services.staff_credential_add(actor=clinic_admin, user=stranger, kind="CMA")


def test_a_withdrawn_training_record_no_longer_qualifies_and_stays_in_history(
    clinic_admin, medical_assistant
):
    record = services.training_record_add(
        actor=clinic_admin, user=medical_assistant, task="dispensing", completed_on="2024-01-01"
    )
    assert task_refusal(medical_assistant, "dispensing") is None
    with pytest.raises(ValidationFailed):
        services.training_record_withdraw(actor=clinic_admin, record=record, reason=" ")
    services.training_record_withdraw(actor=clinic_admin, record=record, reason="wrong person")
    assert task_refusal(medical_assistant, "dispensing") is not None
    assert TrainingRecord.objects.filter(pk=record.pk, active=False).exists()
    credential = services.staff_credential_add(
        actor=clinic_admin, user=medical_assistant, kind="RMA"
    )
    services.staff_credential_withdraw(actor=clinic_admin, credential=credential, reason="revoked")
    with pytest.raises(ValidationFailed, match="already"):
        services.staff_credential_withdraw(actor=clinic_admin, credential=credential, reason="x")
