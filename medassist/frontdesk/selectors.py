"""Reads for the front-desk screens: the flow board's rows and a visit's check-in record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from medassist.frontdesk.models import CheckIn
from medassist.practice.roles import can
from medassist.scheduling.models import Appointment, Status
from medassist.scheduling.selectors import flow_board, minutes_in_status

# Statuses on the board, in the order a visit moves through them.
BOARD_STATUSES = (Status.BOOKED, Status.ARRIVED, Status.ROOMED, Status.WITH_PROVIDER)
# A patient waiting (for a room, or for the provider) longer than this is highlighted.
WAIT_LIMIT_MINUTES = 15
WAITING_STATUSES = frozenset({Status.ARRIVED, Status.ROOMED})
# The next step of each status and the permission it takes.
NEXT_ACTION = {
    Status.BOOKED: ("check_in", "appointment.check_in"),
    Status.ARRIVED: ("room", "appointment.room"),
    Status.ROOMED: ("start_visit", "appointment.start_visit"),
    Status.WITH_PROVIDER: ("check_out", "appointment.check_out"),
}


@dataclass(frozen=True)
class BoardRow:
    appointment: Appointment
    minutes: int | None  # minutes in the current status; None while still only booked
    waiting_long: bool
    action: str | None  # what the viewing user may do next, or None


@dataclass(frozen=True)
class Board:
    rows: list[BoardRow]
    counts: list[tuple[str, str, int]]  # (status, label, count)
    at: datetime


def board(*, user, now: datetime | None = None) -> Board:
    """Today's flow board for `user` (requires board.view; the patients shown are audited)."""
    now = now or timezone.now()
    appointments = flow_board(user=user)
    allowed: dict[str, str] = {
        status: name for status, (name, permission) in NEXT_ACTION.items() if can(user, permission)
    }
    rows = []
    for appt in appointments:
        minutes = None if appt.status == Status.BOOKED else minutes_in_status(appt, now)
        rows.append(
            BoardRow(
                appointment=appt,
                minutes=minutes,
                waiting_long=appt.status in WAITING_STATUSES
                and minutes is not None
                and minutes > WAIT_LIMIT_MINUTES,
                action=allowed.get(appt.status),
            )
        )
    counts = [
        (status.value, status.label, sum(1 for a in appointments if a.status == status))
        for status in BOARD_STATUSES
    ]
    return Board(rows=rows, counts=counts, at=now)


def check_in_for(appointment: Appointment) -> CheckIn | None:
    """The visit's check-in record (copay collected, coverage used), if it was checked in."""
    return (
        CheckIn.objects.filter(appointment=appointment)
        .select_related("coverage__payer", "checked_in_by")
        .first()
    )
