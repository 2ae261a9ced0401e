"""Links between the schedule's screens, kept on the same date and provider."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

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
