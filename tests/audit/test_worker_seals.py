"""The worker's pass seals the audit trail: its last job links settled events into their
clinic's chain and signs a checkpoint."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from medassist.audit.models import AuditCheckpoint, AuditSeal
from medassist.audit.services import audit_record
from medassist.worker.loop import run_once


def test_a_worker_pass_seals_settled_events_and_signs_their_chain(physician):
    # given an event of the physician's clinic
    event = audit_record(actor=physician, action="read", object_type="test.Thing")
    # when a worker pass runs after the settle time
    done = run_once(now=timezone.now() + timedelta(seconds=61))
    # then the event is sealed into its clinic's chain, with a checkpoint
    assert done["audit_sealed"] == 1
    assert AuditSeal.objects.get(event_id=event.pk).clinic == physician.clinic
    assert AuditCheckpoint.objects.filter(clinic=physician.clinic, position=1).exists()
