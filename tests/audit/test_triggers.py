"""The database refuses to edit or delete audit rows; the one way through is the purge guard
of `medassist demo --reset`, for one clinic's rows, and it is itself audited."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from medassist.audit import chain
from medassist.audit.models import AuditCheckpoint, AuditEvent, AuditSeal
from medassist.audit.purge import clinic_purge
from medassist.audit.services import audit_record

PACKAGE = Path(__file__).resolve().parents[2] / "medassist"


def raw(sql: str, params=()) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, list(params))


def sealed_event(actor) -> AuditEvent:
    event = audit_record(actor=actor, action="read", object_type="test.Thing")
    chain.audit_seal(now=timezone.now() + timedelta(seconds=61), checkpoint=True)
    return event


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'update' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
        "UPDATE audit_auditseal SET hash = 'x' WHERE event_id = %s",
        "DELETE FROM audit_auditseal WHERE event_id = %s",
        "UPDATE audit_auditcheckpoint SET hash = 'x' WHERE event_id = %s",
        "DELETE FROM audit_auditcheckpoint WHERE event_id = %s",
    ],
)
def test_raw_sql_cannot_edit_or_delete_an_audit_row(physician, sql):
    # given a sealed, checkpointed event
    event = sealed_event(physician)
    before = (
        list(AuditEvent.objects.values_list("id", "action")),
        list(AuditSeal.objects.values_list("id", "hash")),
        list(AuditCheckpoint.objects.values_list("id", "hash")),
    )
    # when raw SQL tries to change it
    with pytest.raises(IntegrityError, match="append-only"):
        raw(sql, [event.pk])
    # then nothing changed
    assert before == (
        list(AuditEvent.objects.values_list("id", "action")),
        list(AuditSeal.objects.values_list("id", "hash")),
        list(AuditCheckpoint.objects.values_list("id", "hash")),
    )


@pytest.mark.postgresql
def test_truncate_of_the_audit_table_is_refused(physician):
    # given an event
    sealed_event(physician)
    raw("SET CONSTRAINTS ALL IMMEDIATE")  # the test's own inserts: checked now, not at commit
    # when / then
    with pytest.raises(IntegrityError, match="append-only"):
        raw("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.exists()


def test_the_purge_guard_lets_one_clinics_rows_go_and_records_the_purge(
    physician, other_clinic_physician
):
    # given sealed events of two clinics
    mine = sealed_event(physician)
    theirs = sealed_event(other_clinic_physician)
    clinic = physician.clinic
    # when the purge guard is open for this clinic
    with clinic_purge(clinic=clinic, reason="demo reset"):
        for table, column in (
            ("audit_auditevent", "clinic_id"),
            ("audit_auditseal", "clinic_id"),
            ("audit_auditcheckpoint", "clinic_id"),
        ):
            raw(f"DELETE FROM {table} WHERE {column} = %s", [clinic.pk])  # noqa: S608
        # then another clinic's rows are still refused
        with pytest.raises(IntegrityError, match="append-only"):
            raw("DELETE FROM audit_auditevent WHERE id = %s", [theirs.pk])
    # and once closed, the guard refuses again
    with pytest.raises(IntegrityError, match="append-only"):
        raw("DELETE FROM audit_auditevent WHERE id = %s", [theirs.pk])
    assert not AuditEvent.objects.filter(pk=mine.pk).exists()
    assert not AuditSeal.objects.filter(clinic=clinic).exists()
    assert AuditSeal.objects.filter(clinic=other_clinic_physician.clinic).exists()
    purge = AuditEvent.objects.get(action=AuditEvent.Action.PURGE)
    assert purge.clinic_id is None
    assert purge.object_id == str(clinic.public_id)
    assert purge.detail["reason"] == "demo reset"
    assert purge.detail["removed"] == {"events": 1, "seals": 1, "checkpoints": 1}


def test_a_failed_purge_leaves_the_guard_closed_and_records_nothing(physician):
    # given a sealed event
    event = sealed_event(physician)
    # when the block inside the guard fails
    with pytest.raises(RuntimeError), clinic_purge(clinic=physician.clinic, reason="test"):
        raise RuntimeError
    # then deleting is refused again, and no purge was recorded
    with pytest.raises(IntegrityError, match="append-only"):
        raw("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PURGE).exists()


def test_only_the_demo_reset_opens_the_purge_guard():
    # given every module outside the audit app
    callers = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "audit" in path.relative_to(PACKAGE).parts[:1]:
            continue
        # when it names the purge
        if "clinic_purge" in path.read_text(encoding="utf-8"):
            callers.append(str(path.relative_to(PACKAGE)))
    # then it is the demo's delete
    assert callers == ["demo/clinic.py"]
