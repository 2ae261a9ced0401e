"""The hash chain: settled events sealed in id order per clinic, signed checkpoints, and
`medassist audit-verify` naming the first edited, deleted or reordered row."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from medassist.audit import chain
from medassist.audit.models import AuditCheckpoint, AuditEvent, AuditSeal
from medassist.audit.services import audit_record
from tests.audit.attacker import run_sql

SETTLED = timedelta(seconds=61)


def record(actor, n: int = 1, **kw) -> list[AuditEvent]:
    return [
        audit_record(actor=actor, action="read", object_type="test.Thing", object_id=str(i), **kw)
        for i in range(n)
    ]


def verify(*args) -> tuple[int, dict]:
    """audit-verify --json: its exit status and its report."""
    out = io.StringIO()
    try:
        call_command("audit_verify", "--json", *args, stdout=out)
        status = 0
    except CommandError as exc:
        status = exc.returncode
    return status, json.loads(out.getvalue())


def chain_of(report: dict, name: str) -> dict:
    return next(c for c in report["chains"] if c["clinic"] == name)


@pytest.fixture
def sealed_now(settings):
    """Events are sealed as soon as they are written (no settle time), checkpoints each pass."""
    settings.MEDASSIST_AUDIT_SEAL_AFTER_SECONDS = 0
    settings.MEDASSIST_AUDIT_CHECKPOINT_SECONDS = 0


def test_settled_events_are_sealed_in_id_order_each_clinic_in_its_own_chain(
    physician, other_clinic_physician
):
    # given events of two clinics and of no clinic, interleaved
    mine = record(physician, 2)
    theirs = record(other_clinic_physician, 1)
    mine += record(physician, 1)
    nobody = record(None, 1)
    # when the seal job runs once they have settled
    sealed = chain.audit_seal(now=timezone.now() + SETTLED)
    # then each chain links its own events in id order from the genesis hash
    assert sealed == 5
    for events in (mine, theirs, nobody):
        seals = list(AuditSeal.objects.filter(event_id__in=[e.pk for e in events]))
        assert [s.event_id for s in seals] == [e.pk for e in events]
        assert [s.position for s in seals] == list(range(1, len(events) + 1))
        assert [s.previous_event_id for s in seals] == [None] + [e.pk for e in events[:-1]]
        previous = chain.GENESIS
        for seal, event in zip(seals, events, strict=True):
            row = AuditEvent.objects.filter(pk=event.pk).values(*chain.FIELDS).get()
            assert seal.digest == chain.digest_of(row)
            assert seal.hash == chain.link(previous, seal.digest)
            previous = seal.hash
    assert AuditSeal.objects.filter(clinic__isnull=True).count() == 1


def test_events_younger_than_the_settle_time_are_left_for_a_later_pass(physician):
    # given an event written just now
    record(physician)
    # when the seal job runs at once, then after the settle time
    first = chain.audit_seal(now=timezone.now())
    second = chain.audit_seal(now=timezone.now() + SETTLED)
    # then it is sealed only the second time
    assert (first, second) == (0, 1)


def test_an_id_left_by_a_rolled_back_transaction_is_skipped_and_the_seal_names_its_predecessor(
    physician,
):
    # given an event, then one whose transaction rolls back, then another
    (first,) = record(physician)
    with pytest.raises(RuntimeError), transaction.atomic():
        record(physician)
        raise RuntimeError
    (third,) = record(physician)
    # when sealed
    chain.audit_seal(now=timezone.now() + SETTLED)
    # then the third follows the first
    seal = AuditSeal.objects.get(event_id=third.pk)
    assert (seal.position, seal.previous_event_id) == (2, first.pk)


def test_a_chain_that_grew_gets_a_signed_checkpoint_once_the_last_is_old_enough(physician):
    # given a sealed chain with its first checkpoint
    record(physician, 2)
    now = timezone.now() + SETTLED
    chain.audit_seal(now=now)
    first = AuditCheckpoint.objects.get(clinic=physician.clinic)
    # when it grows and the job runs again soon, then after the checkpoint period
    record(physician)
    chain.audit_seal(now=now + timedelta(seconds=10))
    soon = AuditCheckpoint.objects.filter(clinic=physician.clinic).count()
    chain.audit_seal(now=now + timedelta(seconds=400))
    # then one more checkpoint, for 3 seals, signed over what it states
    last = AuditCheckpoint.objects.filter(clinic=physician.clinic).latest("position")
    assert (first.position, soon, last.position) == (2, 1, 3)
    assert last.signature == chain.sign(
        clinic_id=last.clinic_id,
        position=3,
        event_id=last.event_id,
        hash=last.hash,
        at=last.at,
    )
    assert last.hash == AuditSeal.objects.get(clinic=physician.clinic, position=3).hash


def test_verify_seals_first_and_passes_an_intact_chain(sealed_now, physician, clinic):
    # given events not sealed yet
    record(physician, 3)
    # when verified
    status, report = verify()
    # then they were sealed and every chain is intact
    assert status == 0 and report["intact"] is True
    mine = chain_of(report, clinic.name)
    assert (mine["sealed"], mine["intact"], mine["problem"]) == (3, True, None)
    assert mine["checkpoints"] == 1


def test_verify_names_an_edited_row(sealed_now, physician, clinic):
    # given a sealed chain
    events = record(physician, 4)
    verify()
    # when someone edits the third event in the database
    run_sql(("UPDATE audit_auditevent SET actor_username = 'nobody' WHERE id = %s", [events[2].pk]))
    status, report = verify()
    # then verify fails and names that row
    problem = chain_of(report, clinic.name)["problem"]
    assert status == 1 and report["intact"] is False
    assert (problem["code"], problem["event_id"]) == ("content_edited", events[2].pk)
    assert problem["public_id"] == str(events[2].public_id)


def test_verify_names_a_deleted_row_with_or_without_its_seal(sealed_now, physician, clinic):
    # given a sealed chain
    events = record(physician, 5)
    verify()
    # when someone deletes an event, and (elsewhere in the chain) an event and its seal
    run_sql(
        ("DELETE FROM audit_auditevent WHERE id = %s", [events[3].pk]),
    )
    status, report = verify()
    problem = chain_of(report, clinic.name)["problem"]
    assert status == 1
    assert (problem["code"], problem["event_id"]) == ("row_deleted", events[3].pk)
    run_sql(
        ("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk]),
        ("DELETE FROM audit_auditseal WHERE event_id = %s", [events[1].pk]),
    )
    status, report = verify()
    # then the first deleted row is named (by the seal that follows it)
    problem = chain_of(report, clinic.name)["problem"]
    assert (problem["code"], problem["event_id"]) == ("row_deleted", events[2].pk)
    assert str(events[1].pk) in problem["message"]


def test_verify_names_a_reordered_pair(sealed_now, physician, clinic):
    # given a sealed chain
    events = record(physician, 4)
    verify()
    a, b = events[1].pk, events[2].pk
    # when someone swaps two events' places (their ids)
    run_sql(
        ("UPDATE audit_auditevent SET id = %s WHERE id = %s", [-1, a]),
        ("UPDATE audit_auditevent SET id = %s WHERE id = %s", [a, b]),
        ("UPDATE audit_auditevent SET id = %s WHERE id = %s", [b, -1]),
    )
    status, report = verify()
    # then the first of the pair is named: the order changed
    problem = chain_of(report, clinic.name)["problem"]
    assert status == 1
    assert (problem["code"], problem["event_id"]) == ("order_changed", a)


def test_a_chain_rewritten_with_fresh_hashes_is_caught_by_its_signed_checkpoint(
    sealed_now, physician, clinic
):
    # given a sealed and checkpointed chain
    events = record(physician, 3)
    verify()
    # when someone edits an event and recomputes every seal (the algorithm is public)
    run_sql(
        ("UPDATE audit_auditevent SET object_id = 'changed' WHERE id = %s", [events[0].pk]),
        ("DELETE FROM audit_auditseal WHERE clinic_id = %s", [clinic.pk]),
    )
    chain.audit_seal(now=timezone.now())
    status, report = verify()
    # then the chain itself is consistent, but not with the signed checkpoint
    problem = chain_of(report, clinic.name)["problem"]
    assert status == 1
    assert problem["code"] == "checkpoint_mismatch"


def test_a_forged_checkpoint_is_caught(sealed_now, physician, clinic):
    # given a sealed chain
    record(physician, 2)
    verify()
    seal = AuditSeal.objects.filter(clinic=clinic).latest("position")
    # when someone adds a checkpoint without the key
    AuditCheckpoint.objects.create(
        clinic=clinic,
        position=seal.position,
        event_id=seal.event_id,
        hash=seal.hash,
        at=timezone.now(),
        signature="0" * 64,
    )
    status, report = verify()
    # then
    assert status == 1
    assert chain_of(report, clinic.name)["problem"]["code"] == "checkpoint_mismatch"


def test_rows_cut_off_the_end_of_a_checkpointed_chain_are_caught(sealed_now, physician, clinic):
    # given a sealed and checkpointed chain
    events = record(physician, 3)
    verify()
    # when someone deletes the last event and its seal
    run_sql(
        ("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk]),
        ("DELETE FROM audit_auditseal WHERE event_id = %s", [events[-1].pk]),
    )
    status, report = verify()
    # then the checkpoint counts more seals than the chain has
    problem = chain_of(report, clinic.name)["problem"]
    assert status == 1 and problem["code"] == "row_deleted"
    assert problem["event_id"] == events[-1].pk


def test_an_event_inserted_into_the_past_is_never_sealed_and_is_named(
    sealed_now, physician, clinic
):
    # given a sealed chain
    record(physician, 2)
    verify()
    # when someone inserts an event dated two days ago
    forged = record(physician)[0]
    run_sql(
        (
            "UPDATE audit_auditevent SET at = %s WHERE id = %s",
            [timezone.now() - timedelta(days=2), forged.pk],
        )
    )
    status, report = verify()
    # then it stays out of the chain, and verify names it
    problem = chain_of(report, clinic.name)["problem"]
    assert status == 1
    assert (problem["code"], problem["event_id"]) == ("not_sealed", forged.pk)
    assert not AuditSeal.objects.filter(event_id=forged.pk).exists()


def test_verify_of_one_clinic_walks_only_its_chain(sealed_now, physician, other_clinic_physician):
    # given events of two clinics
    record(physician)
    record(other_clinic_physician)
    # when verified for one clinic by name
    status, report = verify("--clinic", physician.clinic.name.upper())
    # then
    assert status == 0
    assert [c["clinic"] for c in report["chains"]] == [physician.clinic.name]


def test_verify_prints_a_plain_summary(sealed_now, physician, clinic):
    # given a sealed chain
    record(physician)
    out = io.StringIO()
    # when verified without --json
    call_command("audit_verify", stdout=out)
    # then each chain has a line
    assert f"intact  {clinic.name}: 1 sealed event(s), 1 checkpoint(s)" in out.getvalue()
