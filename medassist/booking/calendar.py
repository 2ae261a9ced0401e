"""The calendar grid: rows of 15 minutes by columns (providers or rooms of one day, or the
seven days of one week). Pure placement; the view fetches and the template draws."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from medassist.practice.models import Provider
from medassist.scheduling.models import ACTIVE_STATUSES, Appointment

SLOT_MINUTES = 15
FIRST_MINUTE = 7 * 60
LAST_MINUTE = 18 * 60


@dataclass
class Column:
    key: object  # provider pk, room pk, or a date
    label: str
    day: date
    provider: Provider | None = None  # whose time an empty cell offers (booking or moving)
    room: object = None
    public_id: str = ""
    # strings every cell of the column repeats, made once (a clinic's day has ~2,500 cells)
    day_iso: str = ""
    provider_key: str = ""
    room_key: str = ""

    def __post_init__(self):
        self.day_iso = self.day.isoformat()
        self.provider_key = str(self.provider.public_id) if self.provider is not None else ""
        self.room_key = str(self.room.public_id) if self.room is not None else ""


@dataclass
class Slot:
    column: Column
    label: str
    start: datetime
    blocks: list = field(default_factory=list)
    busy: bool = False
    past: bool = False
    held_by: str = ""  # public ids of the active visits covering the cell, space-separated
    closed: bool = False  # outside the column's provider's open hours (set by the view)
    # set by the view: the cell's data attributes and its "Book" link
    attrs: str = ""
    book_url: str = ""


@dataclass
class Row:
    label: str
    on_the_hour: bool
    cells: list[Slot]


def minute_of(moment: datetime, day: date) -> int:
    """Minutes from the clinic-local midnight of `day` on the wall clock (DST-correct)."""
    return (moment.date() - day).days * 24 * 60 + moment.hour * 60 + moment.minute


def build(
    *,
    columns: list[Column],
    appointments: list[Appointment],
    key_of,
    tz,
    now: datetime,
) -> list[Row]:
    """Place each appointment in the column `key_of(appt)` names, at its local start time."""
    index = {c.key: i for i, c in enumerate(columns)}
    placed = []
    first, last = FIRST_MINUTE, LAST_MINUTE
    for appt in appointments:
        col = index.get(key_of(appt))
        if col is None:
            continue
        day = columns[col].day
        local_start, local_end = appt.start.astimezone(tz), appt.end.astimezone(tz)
        start_min = max(0, minute_of(local_start, day))
        end_min = min(24 * 60, max(start_min + 1, minute_of(local_end, day)))
        placed.append((appt, col, local_start, local_end, start_min, end_min))
        first = min(first, start_min - start_min % SLOT_MINUTES)
        last = max(last, start_min - start_min % SLOT_MINUTES + SLOT_MINUTES)
    rows: list[Row] = []
    for minute in range(first, last, SLOT_MINUTES):
        wall = time(minute // 60, minute % 60)
        cells = []
        for c in columns:
            start = datetime.combine(c.day, wall, tzinfo=tz)
            cells.append(
                Slot(column=c, label=wall.strftime("%H:%M"), start=start, past=start < now)
            )
        rows.append(Row(label=wall.strftime("%H:%M"), on_the_hour=wall.minute == 0, cells=cells))
    for appt, col, local_start, local_end, start_min, end_min in placed:
        row_i = (start_min - first) // SLOT_MINUTES
        rows[row_i].cells[col].blocks.append(
            {
                "appt": appt,
                "start": local_start,
                "end": local_end,
                "times": f"{local_start:%H:%M}–{local_end:%H:%M}",
                "minutes": end_min - start_min,
            }
        )
        if appt.status in ACTIVE_STATUSES:
            for i in range(row_i, len(rows)):
                if first + i * SLOT_MINUTES >= end_min:
                    break
                cell = rows[i].cells[col]
                cell.busy = True
                cell.held_by = f"{cell.held_by} {appt.public_id}".lstrip()
    return rows


def week_of(day: date) -> tuple[date, list[date]]:
    """The Monday of `day`'s week and the seven days from it."""
    monday = day - timedelta(days=day.weekday())
    return monday, [monday + timedelta(days=i) for i in range(7)]
