"""Links between the schedule's screens, kept on the same date and provider."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qsl, urlencode

from django.urls import reverse

from medassist.scheduling.models import Appointment

# ---------------------------------------------------------------------------- helpers


def day_url(day: date, *, provider=None, location=None) -> str:
    params = {"date": day.isoformat()}
    if provider is not None:
        params["provider"] = str(provider.public_id)
    if location is not None:
        params["location"] = str(location.public_id)
    return f"{reverse('scheduling:day')}?{urlencode(params)}"


def appointment_day_url(appt: Appointment, tz) -> str:
    local_day = appt.start.astimezone(tz).date()
    return day_url(local_day, provider=appt.provider)


def calendar_url(view: str, day: date, *, provider=None, room=None, by: str = "", move=None) -> str:
    params = {"view": view, "date": day.isoformat()}
    if by:
        params["by"] = by
    if provider is not None:
        params["provider"] = str(provider.public_id)
    if room is not None:
        params["room"] = str(room.public_id)
    if move is not None:
        params["move"] = str(move.public_id)
    return f"{reverse('scheduling:calendar')}?{urlencode(params)}"


def on_date(url: str, day: date) -> str:
    """The same calendar link (view, provider or room, in its order) on another date, no
    longer moving a visit."""
    path, _, query = url.partition("?")
    params = [(k, v) for k, v in parse_qsl(query) if k != "move"]
    shown = dict(params)
    if shown.get("view") == "week" and _same_week(shown.get("date", ""), day):
        return url  # the week shown already holds the new day
    if not any(k == "date" for k, _ in params):
        params.append(("date", ""))
    params = [(k, day.isoformat() if k == "date" else v) for k, v in params]
    return f"{path}?{urlencode(params)}"


def _same_week(shown: str, day: date) -> bool:
    try:
        other = date.fromisoformat(shown)
    except ValueError:
        return False
    return other.isocalendar()[:2] == day.isocalendar()[:2]
