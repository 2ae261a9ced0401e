"""Walking the chains: the first edited, deleted or reordered row of each, and checkpoints.

For each chain (a clinic's, and the chain of no clinic) the seals are read in order and each
is checked against the one before it and against the event row it vouches for:

- a seal's position or recorded predecessor does not follow → a row was deleted (or, when
  the predecessor is sealed further on, the order was changed);
- its hash does not follow from the previous hash and its digest → the seals were altered;
- its event is gone → row deleted; holds another sealed event's record → order changed;
  differs from its digest → content edited;
- at a checkpoint's position the chain must end in the checkpoint's event and hash, and the
  checkpoint's signature must be this installation's → else the chain was rewritten (or
  shortened, when it is shorter than a checkpoint says);
- then no settled event of the chain may be left unsealed (run the seal job first: what it
  leaves unsealed was inserted into the past, see medassist.audit.chain)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Exists, OuterRef
from django.utils import timezone

from medassist.audit import chain as chains
from medassist.audit.errors import Code
from medassist.audit.models import AuditCheckpoint, AuditEvent, AuditSeal
from medassist.audit.purge import guard_left_open

BATCH = 2000


@dataclass
class Problem:
    code: Code
    message: str
    event_id: int | None = None
    public_id: str = ""
    at: datetime | None = None

    def as_dict(self) -> dict:
        return {
            "code": str(self.code),
            "message": self.message,
            "event_id": self.event_id,
            "public_id": self.public_id,
            "at": self.at.isoformat() if self.at else None,
        }


@dataclass
class ChainReport:
    clinic_id: int | None
    name: str
    sealed: int = 0
    checkpoints: int = 0
    last_checkpoint: datetime | None = None
    problem: Problem | None = None

    def as_dict(self) -> dict:
        return {
            "clinic": self.name,
            "sealed": self.sealed,
            "checkpoints": self.checkpoints,
            "last_checkpoint": self.last_checkpoint.isoformat() if self.last_checkpoint else None,
            "intact": self.problem is None,
            "problem": self.problem.as_dict() if self.problem else None,
        }


@dataclass
class Report:
    chains: list[ChainReport] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # not of one chain (the guard)

    @property
    def intact(self) -> bool:
        return not self.problems and all(c.problem is None for c in self.chains)


def clinic_ids_named(name: str) -> list[int | None]:
    return list(chains.clinics().filter(name__iexact=name).values_list("pk", flat=True))


def verify(*, clinic_ids: list[int | None], now: datetime | None = None) -> Report:
    now = now or timezone.now()
    names = dict(
        chains.clinics().filter(pk__in=[i for i in clinic_ids if i]).values_list("pk", "name")
    )
    report = Report()
    left = guard_left_open()
    if left:
        report.problems.append(
            Problem(Code.GUARD_OPEN, f"The purge guard is open ({left} row(s) in audit_purge).")
        )
    for clinic_id in clinic_ids:
        name = "no clinic" if clinic_id is None else names.get(clinic_id, f"clinic {clinic_id}")
        report.chains.append(verify_chain(clinic_id, name=name, now=now))
    return report


def verify_chain(clinic_id: int | None, *, name: str, now: datetime) -> ChainReport:
    result = ChainReport(clinic_id=clinic_id, name=name)
    marks = list(
        AuditCheckpoint.objects.filter(chains.in_chain(clinic_id)).order_by("position", "id")
    )
    result.checkpoints = len(marks)
    result.last_checkpoint = marks[-1].at if marks else None
    for mark in marks:
        expected = chains.sign(
            clinic_id=mark.clinic_id,
            position=mark.position,
            event_id=mark.event_id,
            hash=mark.hash,
            at=mark.at,
        )
        if mark.signature != expected:
            result.problem = Problem(
                Code.CHECKPOINT_MISMATCH,
                f"The checkpoint of {mark.at:%Y-%m-%d %H:%M:%S} UTC (seal {mark.position}) is "
                "not signed with this installation's key: forged, or MEDASSIST_AUDIT_KEY "
                "changed.",
                event_id=mark.event_id,
            )
            return result
    result.problem = _walk(clinic_id, marks, result)
    if result.problem is None and marks and marks[-1].position > result.sealed:
        last = marks[-1]
        result.problem = Problem(
            Code.ROW_DELETED,
            f"The checkpoint of {last.at:%Y-%m-%d %H:%M:%S} UTC counts {last.position} sealed "
            f"events; the chain has {result.sealed}: rows at its end were deleted.",
            event_id=last.event_id,
        )
    if result.problem is None:
        result.problem = _unsealed(clinic_id, now)
    return result


def _walk(clinic_id: int | None, marks: list[AuditCheckpoint], result: ChainReport):
    by_position: dict[int, list[AuditCheckpoint]] = {}
    for mark in marks:
        by_position.setdefault(mark.position, []).append(mark)
    previous = chains.Head()
    seals = AuditSeal.objects.filter(chains.in_chain(clinic_id)).order_by("position")
    while True:
        batch = list(seals.filter(position__gt=previous.position)[:BATCH])
        if not batch:
            return None
        events = {
            row["id"]: row
            for row in AuditEvent.objects.filter(pk__in=[s.event_id for s in batch]).values(
                *chains.FIELDS
            )
        }
        for seal in batch:
            problem = _check(clinic_id, seal, previous, events.get(seal.event_id))
            if problem is None:
                for mark in by_position.get(seal.position, ()):
                    if (mark.event_id, mark.hash) != (seal.event_id, seal.hash):
                        problem = Problem(
                            Code.CHECKPOINT_MISMATCH,
                            f"The chain no longer matches its checkpoint of "
                            f"{mark.at:%Y-%m-%d %H:%M:%S} UTC at seal {mark.position}: "
                            "it was rewritten.",
                            event_id=seal.event_id,
                            public_id=str(seal.event_public_id),
                        )
            if problem is not None:
                return problem
            result.sealed = seal.position
            previous = chains.Head(seal.position, seal.event_id, seal.hash)


def _check(clinic_id, seal: AuditSeal, previous: chains.Head, row) -> Problem | None:
    def problem(code: Code, message: str) -> Problem:
        at = row["at"] if row else None
        return Problem(code, message, seal.event_id, str(seal.event_public_id), at)

    def in_chain():
        return AuditSeal.objects.filter(chains.in_chain(clinic_id))

    if seal.position != previous.position + 1 or seal.previous_event_id != previous.event_id:
        missing = seal.previous_event_id
        if missing is not None and in_chain().filter(event_id=missing).exists():
            return problem(
                Code.ORDER_CHANGED,
                f"Event {seal.event_id} is sealed after event {missing}, which now comes "
                "later in the chain: the order was changed.",
            )
        return problem(
            Code.ROW_DELETED,
            f"The chain jumps from seal {previous.position} (event {previous.event_id}) to "
            f"seal {seal.position} (event {seal.event_id}), whose predecessor was event "
            f"{missing}: that row and its seal were deleted.",
        )
    if chains.link(previous.hash, seal.digest) != seal.hash:
        return problem(
            Code.SEAL_ALTERED,
            f"The seal of event {seal.event_id} does not follow from the seal before it: the "
            "seals were altered.",
        )
    if row is None:
        return problem(
            Code.ROW_DELETED,
            f"Event {seal.event_id} (sealed {seal.sealed_at:%Y-%m-%d %H:%M:%S} UTC) was deleted.",
        )
    if row["public_id"] != seal.event_public_id:
        elsewhere = (
            in_chain()
            .filter(event_public_id=row["public_id"])
            .values_list("event_id", flat=True)
            .first()
        )
        if elsewhere is not None:
            return problem(
                Code.ORDER_CHANGED,
                f"Row {seal.event_id} now holds the event sealed as {elsewhere} "
                f"({row['public_id']}): the order was changed.",
            )
    if chains.digest_of(row) != seal.digest:
        return problem(
            Code.CONTENT_EDITED, f"Event {seal.event_id} was edited after it was sealed."
        )
    return None


def _unsealed(clinic_id: int | None, now: datetime) -> Problem | None:
    row = (
        AuditEvent.objects.filter(chains.in_chain(clinic_id), at__lt=now - chains.settle_after())
        .filter(~Exists(AuditSeal.objects.filter(event_id=OuterRef("pk"))))
        .order_by("id")
        .values("id", "public_id", "at")
        .first()
    )
    if row is None:
        return None
    return Problem(
        Code.NOT_SEALED,
        f"Event {row['id']} is not sealed although later events are: it was inserted into "
        "the past (or its transaction took over an hour to commit).",
        event_id=row["id"],
        public_id=str(row["public_id"]),
        at=row["at"],
    )
