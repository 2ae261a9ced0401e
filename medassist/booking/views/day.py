"""The day schedule and the calendar (day and week, by provider or room)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from medassist.availability.selectors import open_hours
from medassist.booking import calendar as cal
from medassist.booking.forms import (
    CalendarForm,
    DayForm,
)
from medassist.booking.views.links import calendar_url, day_url
from medassist.core.errors import NotFound
from medassist.core.web import StaffRequest, staff_view
from medassist.practice.roles import can
from medassist.practice.selectors import provider_list, room_list
from medassist.scheduling.models import ACTIVE_STATUSES, Status
from medassist.scheduling.selectors import (
    access_appointment,
    calendar_appointments,
    clinic_day_bounds,
    clinic_today,
    day_schedule,
)

_PLACEHOLDER = "00000000-0000-0000-0000-000000000000"  # stands for a visit's id in reversed URLs


# ---------------------------------------------------------------------------- day view


def _columns(user, provider, location, appointments) -> list:
    if provider is not None:
        return [provider]
    providers = provider_list(user=user)
    if location is not None:
        providers = providers.filter(locations=location).distinct()
    columns = list(providers)
    shown = {p.pk for p in columns}
    for appt in appointments:  # e.g. a provider who has since left, or works elsewhere
        if appt.provider_id not in shown:
            shown.add(appt.provider_id)
            columns.append(appt.provider)
    columns.sort(key=lambda p: (p.last_name, p.first_name))
    return columns


def link_cells(
    rows: list[cal.Row], *, here: str, can_book: bool, can_move: bool, book_extra: str = ""
) -> None:
    """Give free future cells their "Book" link and each visit its page and move links.
    Each URL pattern is reversed once: a clinic's day has ~1,000 visits and ~2,500 cells."""
    book = reverse("scheduling:book")
    back = urlencode({"next": here})
    page = reverse("scheduling:appointment", args=[_PLACEHOLDER])
    move_to = reverse("scheduling:move", args=[_PLACEHOLDER])
    moving_here = f"{here}&move="
    for row in rows:
        for cell in row.cells:
            cell.attrs = _cell_attrs(cell)
            cell.book_url = ""
            if can_book and not cell.blocks and not (cell.busy or cell.past or cell.closed):
                key = cell.column.provider_key
                if key:
                    when = urlencode({"start": f"{cell.column.day_iso}T{cell.label}"})
                    cell.book_url = f"{book}?provider={key}&{when}{book_extra}&{back}"
            for block in cell.blocks:
                a = block["appt"]
                public_id = str(a.public_id)
                block["url"] = f"{page.replace(_PLACEHOLDER, public_id)}?{back}"
                movable = can_move and a.status == Status.BOOKED
                block["move_url"] = f"{moving_here}{public_id}" if movable else ""
                block["move_action"] = move_to.replace(_PLACEHOLDER, public_id) if movable else ""


def _cell_attrs(cell) -> str:
    """The data attributes of one calendar cell, made in Python: a clinic's day has ~2,500
    cells and the template engine spends ~10 µs per lookup. Every value is a date, a time
    or public UUIDs we made, so nothing needs escaping."""
    c = cell.column
    out = f' data-day="{c.day_iso}" data-time="{cell.label}"'
    if cell.held_by:
        out += f' data-held-by="{cell.held_by}"'
    if c.provider_key:
        out += f' data-provider="{c.provider_key}"'
    if c.room_key:
        out += f' data-room="{c.room_key}"'
    if cell.past:
        out += " data-past"
    if cell.closed:
        out += " data-closed"
    return mark_safe(out)  # noqa: S308 - see the docstring


def mark_closed(user, rows: list[cal.Row]) -> None:
    """Mark the cells of provider columns that are outside the provider's open hours (weekly
    template, time off, holidays, extra sessions): no "Book" there, and a drop asks first."""
    columns = rows[0].cells if rows else []
    providers = {c.column.provider.pk: c.column.provider for c in columns if c.column.provider}
    if not providers:
        return
    days = sorted({c.column.day for c in columns})
    opens = open_hours(clinic=user.clinic, providers=list(providers.values()), days=days)
    step = cal.SLOT_MINUTES * 60
    for row in rows:
        for cell in row.cells:
            provider = cell.column.provider
            if provider is None:
                continue
            key = (provider.pk, cell.column.day)
            s = int(cell.start.timestamp())
            cell.closed = not any(a <= s and s + step <= b for a, b in opens[key])


def provider_columns(providers, day: date) -> list[cal.Column]:
    return [
        cal.Column(key=p.pk, label=p.display_name, day=day, provider=p, public_id=str(p.public_id))
        for p in providers
    ]


@staff_view("schedule.view")
def day(request: StaffRequest) -> HttpResponse:
    user = request.user
    clinic = user.clinic
    tz = clinic.tz
    today = clinic_today(clinic)
    data = request.GET.copy()
    if not data.get("date"):
        data["date"] = today.isoformat()
    form = DayForm(data, user=user)
    shown_day = form.value("date") or today
    provider = form.value("provider")
    location = form.value("location")

    appointments = day_schedule(user=user, day=shown_day, provider=provider, location=location)
    columns = _columns(user, provider, location, appointments)
    here = day_url(shown_day, provider=provider, location=location)
    can_book = can(user, "appointment.book") and shown_day >= today
    rows = cal.build(
        columns=provider_columns(columns, shown_day),
        appointments=appointments,
        key_of=lambda a: a.provider_id,
        tz=tz,
        now=timezone.now(),
    )
    mark_closed(user, rows)
    link_cells(
        rows,
        here=here,
        can_book=can_book,
        can_move=False,  # moving is the calendar's; this page links each visit's page
        book_extra=f"&{urlencode({'location': str(location.public_id)})}" if location else "",
    )
    counts: dict[str, int] = {}
    for appt in appointments:
        counts[appt.status] = counts.get(appt.status, 0) + 1
    context = {
        "form": form,
        "clinic_tz": tz,
        "day": shown_day,
        "today": today,
        "is_today": shown_day == today,
        "prev_url": day_url(shown_day - timedelta(days=1), provider=provider, location=location),
        "next_url": day_url(shown_day + timedelta(days=1), provider=provider, location=location),
        "today_url": day_url(today, provider=provider, location=location),
        "here": here,
        "provider": provider,
        "location": location,
        "columns": columns,
        "rows": rows,
        "appointments": appointments,
        "active_count": sum(1 for a in appointments if a.status in ACTIVE_STATUSES),
        "cancelled_count": counts.get(Status.CANCELLED, 0) + counts.get(Status.NO_SHOW, 0),
        "can_book": can_book,
    }
    return render(request, "scheduling/day.html", context)


# ---------------------------------------------------------------------------- calendar


def _moving(user, raw: str):
    """The booked visit being moved (?move=), when the user may move it."""
    if not raw or not can(user, "appointment.reschedule"):
        return None
    try:
        appt = access_appointment(user=user, id=raw, audit=False)
    except (NotFound, ValueError, ValidationError):
        return None
    return appt if appt.status == Status.BOOKED else None


@dataclass
class Grid:
    """What a calendar page shows: its columns, the visits in them and how to step."""

    columns: list
    appointments: list
    key_of: Callable
    step: timedelta
    title: str
    provider: object = None
    room: object = None
    note: str = ""


def _week_grid(user, shown: date, by: str, provider, room) -> Grid:
    """One provider's (or room's) week, a column a day."""
    note = ""
    if provider is None and room is None:
        if by == "room":
            room = room_list(user=user).first()
        else:
            provider = provider_list(user=user).order_by("last_name", "first_name").first()
        note = "The week view shows one provider or one room; change it above."
    monday, days = cal.week_of(shown)
    start, _ = clinic_day_bounds(user.clinic, days[0])
    _, end = clinic_day_bounds(user.clinic, days[-1])
    appointments = calendar_appointments(
        user=user, start=start, end=end, provider=provider, room=room
    )
    columns = [
        cal.Column(key=d, label=f"{d:%a %b} {d.day}", day=d, provider=provider, room=room)
        for d in days
    ]
    tz = user.clinic.tz
    return Grid(
        columns, appointments, lambda a: a.start.astimezone(tz).date(), timedelta(days=7),
        f"Week of {monday:%B} {monday.day}, {monday.year}", provider, room, note,
    )  # fmt: skip


def _day_grid(user, shown: date, by: str, provider, room) -> Grid:
    """One day, a column per provider (or per room)."""
    start, end = clinic_day_bounds(user.clinic, shown)
    appointments = calendar_appointments(
        user=user, start=start, end=end, provider=provider, room=room
    )
    title = f"{shown:%A, %B} {shown.day}, {shown.year}"
    if by == "room":
        rooms = [room] if room is not None else list(room_list(user=user))
        columns = [
            cal.Column(key=r.pk, label=r.name, day=shown, room=r, public_id=str(r.public_id))
            for r in rooms
        ]
        return Grid(columns, appointments, lambda a: a.room_id, timedelta(days=1), title, room=room)
    providers = [provider] if provider is not None else _columns(user, None, None, appointments)
    return Grid(
        provider_columns(providers, shown), appointments, lambda a: a.provider_id,
        timedelta(days=1), title, provider=provider,
    )  # fmt: skip


@staff_view("schedule.view")
def calendar(request: StaffRequest) -> HttpResponse:
    """Day (columns: providers or rooms) and week (columns: days of one provider or room)
    calendars. One query for the visits shown, whatever their number."""
    user = request.user
    today = clinic_today(user.clinic)
    form = CalendarForm(request.GET, user=user)
    view = form.value("view") or "day"
    by = "room" if request.GET.get("by") == "room" or form.value("room") else "provider"
    shown = form.value("date") or today
    provider = form.value("provider") if by == "provider" else None
    room = form.value("room") if by == "room" else None
    grid = (_week_grid if view == "week" else _day_grid)(user, shown, by, provider, room)
    moving = _moving(user, request.GET.get("move", ""))
    rows = cal.build(
        columns=grid.columns,
        appointments=grid.appointments,
        key_of=grid.key_of,
        tz=user.clinic.tz,
        now=timezone.now(),
    )
    mark_closed(user, rows)

    def url(day, **extra):
        return calendar_url(
            extra.get("view", view), day, provider=grid.provider, room=grid.room,
            by=by if by == "room" else "", move=extra.get("move", moving),
        )  # fmt: skip

    here = url(shown, move=None)
    link_cells(
        rows,
        here=here,
        can_book=can(user, "appointment.book") and moving is None,
        can_move=can(user, "appointment.reschedule"),
    )
    context = {
        "undo": request.session.pop("undo_move", None),
        "can_outside_hours": can(user, "appointment.outside_hours"),
        "form": form, "view": view, "by": by, "title": grid.title, "day": shown,
        "is_today": shown == today, "clinic_tz": user.clinic.tz, "provider": grid.provider,
        "room": grid.room, "columns": grid.columns, "rows": rows,
        "appointments": grid.appointments, "moving": moving, "note": grid.note, "here": here,
        "prev_url": url(shown - grid.step), "next_url": url(shown + grid.step),
        "today_url": url(today), "day_view_url": url(shown, view="day"),
        "week_view_url": url(shown, view="week"), "cancel_move_url": here,
        "active_count": sum(1 for a in grid.appointments if a.status in ACTIVE_STATUSES),
    }  # fmt: skip
    return render(request, "scheduling/calendar.html", context)
