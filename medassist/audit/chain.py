"""The hash chain of each clinic's audit events, sealed after the fact.

`audit_record` only inserts: it never reads or locks a chain head, so it adds nothing to the
locks a booking holds. The seal job (`audit_seal`, run by the worker each pass and at the
start of `medassist audit-verify`) links settled events afterwards:

- an event is sealed once it is older than MEDASSIST_AUDIT_SEAL_AFTER_SECONDS (60): by then
  the transactions that wrote the events around it have committed or rolled back, so events
  committing out of id order are not sealed out of order. An id never seen after that time
  is a rolled-back transaction's; each seal records the id of the event before it.
- each clinic's events (and those of no clinic, e.g. a failed login of an unknown username)
  are sealed in id order: digest = SHA-256 of the event's canonical content, hash = SHA-256
  of the previous seal's hash and that digest.
- every MEDASSIST_AUDIT_CHECKPOINT_SECONDS (300) a chain that grew gets a checkpoint: its
  length, last hash and the time, signed (HMAC-SHA256) with MEDASSIST_AUDIT_KEY or else the
  SECRET_KEY, which the database does not hold."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from medassist.audit.models import AuditCheckpoint, AuditEvent, AuditSeal

log = logging.getLogger("medassist.audit")

# What a seal vouches for: every column of the event.
FIELDS = (
    "id",
    "public_id",
    "at",
    "actor_id",
    "actor_username",
    "actor_role",
    "clinic_id",
    "patient_id",
    "action",
    "object_type",
    "object_id",
    "detail",
    "client_address",
    "channel",
    "request_id",
)
GENESIS = "0" * 64
BATCH = 1000
# How long a transaction may take to commit and still have its events sealed (late, at the
# end of their chain); an unsealed event older than that is reported by audit-verify.
LATE_MARGIN = timedelta(hours=1)


def settle_after() -> timedelta:
    return timedelta(seconds=getattr(settings, "MEDASSIST_AUDIT_SEAL_AFTER_SECONDS", 60))


def checkpoint_every() -> timedelta:
    return timedelta(seconds=getattr(settings, "MEDASSIST_AUDIT_CHECKPOINT_SECONDS", 300))


def canonical(row: Mapping) -> bytes:
    """The event as compact JSON with sorted keys: the same bytes on SQLite and PostgreSQL, and
    after a backup is restored."""
    values = {name: row[name] for name in FIELDS}
    values["public_id"] = str(values["public_id"])
    values["at"] = values["at"].astimezone(UTC).isoformat(timespec="microseconds")
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def digest_of(row: Mapping) -> str:
    return hashlib.sha256(canonical(row)).hexdigest()


def link(previous_hash: str, digest: str) -> str:
    return hashlib.sha256(f"{previous_hash}{digest}".encode()).hexdigest()


def sign(*, clinic_id: int | None, position: int, event_id: int, hash: str, at: datetime) -> str:
    key = getattr(settings, "MEDASSIST_AUDIT_KEY", "") or settings.SECRET_KEY
    message = f"{clinic_id or ''}|{position}|{event_id}|{hash}|{at.astimezone(UTC).isoformat()}"
    return salted_hmac(
        "medassist.audit.checkpoint", message, secret=key, algorithm="sha256"
    ).hexdigest()


@dataclass
class Head:
    position: int = 0
    event_id: int | None = None
    hash: str = GENESIS


def in_chain(clinic_id: int | None) -> Q:
    """The rows of one chain: a clinic's, or (None) those of no clinic."""
    return Q(clinic__isnull=True) if clinic_id is None else Q(clinic_id=clinic_id)


def clinics():
    """The clinics' manager, reached through the event's foreign key (audit is below practice)."""
    return AuditEvent._meta.get_field("clinic").related_model._default_manager


def chain_ids() -> list[int | None]:
    """Every chain: the chain of no clinic, then each clinic's."""
    return [None, *clinics().order_by("pk").values_list("pk", flat=True)]


def chain_head(clinic_id: int | None) -> Head:
    seal = AuditSeal.objects.filter(in_chain(clinic_id)).order_by("-position").first()
    return Head(seal.position, seal.event_id, seal.hash) if seal else Head()


def _pending(cutoff: datetime):
    """Settled events without a seal. Sealing goes in id order across all chains, so every
    event before the newest sealed one is sealed already, but for a transaction that
    committed late: only the recent past (LATE_MARGIN) is searched for those. An older
    unsealed row was inserted into the past: it stays unsealed, and audit-verify names it."""
    pending = AuditEvent.objects.filter(at__lt=cutoff).filter(
        ~Exists(AuditSeal.objects.filter(event_id=OuterRef("pk")))
    )
    newest = AuditSeal.objects.order_by("-event_id").values_list("event_id", flat=True).first()
    if newest is None:
        return pending
    newest_at = AuditEvent.objects.filter(pk=newest).values_list("at", flat=True).first()
    return pending if newest_at is None else pending.filter(at__gte=newest_at - LATE_MARGIN)


def audit_seal(*, now: datetime | None = None, checkpoint: bool = False) -> int:
    """Seal every settled event not sealed yet; returns how many. `checkpoint` signs every
    chain that grew since its last checkpoint, due or not.
    Two sealers at once cannot fork a chain (seals are unique per event and per predecessor):
    the one that loses stops and leaves the rest to the next pass."""
    now = now or timezone.now()
    # The ids first (one pass over the index), then the rows a batch at a time by primary key.
    ids = list(_pending(now - settle_after()).order_by("id").values_list("id", flat=True))
    heads: dict[int | None, Head] = {}
    sealed = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        batch = AuditEvent.objects.filter(pk__in=chunk).order_by("id").values(*FIELDS)
        seals = []
        for row in batch:
            chain = row["clinic_id"]
            head = heads[chain] if chain in heads else chain_head(chain)
            digest = digest_of(row)
            seal = AuditSeal(
                clinic_id=chain,
                position=head.position + 1,
                event_id=row["id"],
                event_public_id=row["public_id"],
                previous_event_id=head.event_id,
                digest=digest,
                hash=link(head.hash, digest),
                sealed_at=now,
            )
            seals.append(seal)
            heads[chain] = Head(seal.position, seal.event_id, seal.hash)
        try:
            with transaction.atomic():
                AuditSeal.objects.bulk_create(seals)
        except IntegrityError:
            log.warning("audit seal: another sealer is running; the next pass goes on")
            return sealed
        sealed += len(seals)
    checkpoints_write(now=now, force=checkpoint)
    return sealed


def checkpoints_write(*, now: datetime, force: bool = False) -> int:
    """A signed checkpoint for each chain longer than its last checkpoint, once that one is
    MEDASSIST_AUDIT_CHECKPOINT_SECONDS old (at once when `force`)."""
    written = 0
    for chain in chain_ids():
        head = chain_head(chain)
        if head.event_id is None:
            continue
        last = AuditCheckpoint.objects.filter(in_chain(chain)).order_by("-position", "-id").first()
        if last is not None and (
            last.position >= head.position or (not force and now - last.at < checkpoint_every())
        ):
            continue
        AuditCheckpoint.objects.create(
            clinic_id=chain,
            position=head.position,
            event_id=head.event_id,
            hash=head.hash,
            at=now,
            signature=sign(
                clinic_id=chain,
                position=head.position,
                event_id=head.event_id,
                hash=head.hash,
                at=now,
            ),
        )
        log.info("audit checkpoint: clinic %s, %s seals, hash %s", chain, head.position, head.hash)
        written += 1
    return written
