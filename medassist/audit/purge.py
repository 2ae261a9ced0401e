"""The one way past the append-only triggers (migration 0004): a purge guard opened inside a
single transaction, for one clinic's audit rows only, and recorded as an audit event.

`medassist demo --reset` is its only caller (the demo clinic is demo data); `flush`, which
empties the whole database, opens it for everything. On PostgreSQL the guard is the
transaction-local setting `medassist.audit_purge`; on SQLite, which has no such settings, a
row in the `audit_purge` table that the same transaction inserts and removes (a row left
there would open the guard for good: `audit-verify` reports one)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections, transaction

from medassist.audit.models import AuditCheckpoint, AuditEvent, AuditSeal
from medassist.audit.services import audit_record

EVERYTHING = "everything"


def _set_guard(scope: str, *, using: str, open_: bool) -> None:
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT set_config('medassist.audit_purge', %s, true)", [scope if open_ else ""]
            )
        elif connection.vendor == "sqlite":
            if open_:
                cursor.execute("INSERT INTO audit_purge (scope) VALUES (%s)", [scope])
            else:
                cursor.execute("DELETE FROM audit_purge WHERE scope = %s", [scope])


@contextmanager
def purge_guard_open(scope: str, *, using: str = "default") -> Iterator[None]:
    """Inside the block, this transaction may DELETE audit rows of `scope` (a clinic's id as
    text, or EVERYTHING). If the block fails, its transaction is rolled back, guard and all."""
    with transaction.atomic(using=using):
        _set_guard(scope, using=using, open_=True)
        yield
        _set_guard(scope, using=using, open_=False)


def _counts(clinic) -> dict[str, int]:
    return {
        "events": AuditEvent.objects.filter(clinic=clinic).count(),
        "seals": AuditSeal.objects.filter(clinic=clinic).count(),
        "checkpoints": AuditCheckpoint.objects.filter(clinic=clinic).count(),
    }


@contextmanager
def clinic_purge(*, clinic, reason: str) -> Iterator[None]:
    """Let the block delete `clinic`'s audit events, seals and checkpoints, then record in the
    chain of no clinic (the clinic is about to go) what was removed and why."""
    with transaction.atomic():
        before = _counts(clinic)
        with purge_guard_open(str(clinic.pk)):
            yield
        after = _counts(clinic)
        audit_record(
            actor=None,
            action=AuditEvent.Action.PURGE,
            object_type="practice.Clinic",
            object_id=str(clinic.public_id),
            detail={
                "clinic": clinic.name,
                "reason": reason,
                "removed": {k: before[k] - after[k] for k in before},
            },
        )


def guard_left_open(*, using: str = "default") -> int:
    """Rows left in SQLite's `audit_purge` table (0 on PostgreSQL, whose guard cannot outlive
    its transaction)."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM audit_purge")
        return cursor.fetchone()[0]
