"""The background worker: one loop, no broker. Each pass runs the due jobs from the database:

1. freed-slot scan: cancellations and moves since the last pass → waitlist offers;
2. expiring waitlist offers → the next entries get the slot;
3. stale reminders (visit cancelled or moved) → cancelled;
4. reminder planning for booked visits ahead;
5. sending every due message (claimed, so two workers never send the same one);
6. office mail dropped into each clinic's watched folder (MEDASSIST_OFFICE_MAIL_DIR);
7. sealing settled audit events into their clinic's hash chain, and signing checkpoints.

`run_once(now=...)` is one pass (tests, cron: `medassist worker --once`); `run_forever` loops
until SIGTERM/SIGINT, finishing the pass in progress."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from datetime import datetime

from django.db import close_old_connections
from django.utils import timezone

from medassist.assistant import mail as office_mail
from medassist.audit import chain as audit
from medassist.reminders import services as reminders
from medassist.waitlist import services as waitlist

log = logging.getLogger("medassist.worker")


def _jobs() -> list[tuple[str, Callable[..., int]]]:
    # Looked up on each pass, so a job replaced in its module (tests) is the one that runs.
    return [
        ("freed_slots", waitlist.freed_slots_scan),
        ("offers_expired", waitlist.offers_expire),
        ("reminders_cancelled", reminders.reminders_cancel_stale),
        ("sending_released", reminders.messages_release_stale),
        ("reminders_planned", reminders.reminders_plan),
        ("messages_sent", reminders.messages_send_due),
        ("office_mail", office_mail.office_mail_scan),
        ("audit_sealed", audit.audit_seal),
    ]


def run_once(*, now: datetime | None = None) -> dict[str, int]:
    """One pass of every job. A failing job is logged and the others still run."""
    now = now or timezone.now()
    done: dict[str, int] = {}
    for name, job in _jobs():
        try:
            done[name] = job(now=now)
        except Exception:  # noqa: BLE001 - one broken job must not stop reminders
            log.exception("worker job %s failed", name)
            done[name] = -1
    return done


class Stopper:
    """Set by SIGTERM/SIGINT; the loop finishes its pass and exits."""

    def __init__(self) -> None:
        self.event = threading.Event()

    def install(self) -> None:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._handle)

    def _handle(self, signum, frame) -> None:
        log.warning("worker: stopping after this pass (signal %s)", signum)
        self.event.set()

    @property
    def stopped(self) -> bool:
        return self.event.is_set()


def run_forever(*, interval: float, stopper: Stopper, on_pass=None) -> int:
    passes = 0
    while not stopper.stopped:
        close_old_connections()
        result = run_once()
        passes += 1
        if on_pass is not None:
            on_pass(result)
        stopper.event.wait(interval)
    close_old_connections()
    return passes
