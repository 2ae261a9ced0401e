"""Quiet hours: no message reaches a patient at night. A message due inside the clinic's quiet
hours (MEDASSIST_QUIET_HOURS, clinic-local, default 21:00-08:00; empty: none) waits for their
end. Offers expire counting from when the patient can first read them."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from medassist.core.errors import ValidationFailed
from medassist.reminders import conf


def quiet_window() -> tuple[time, time] | None:
    """(start, end) clinic-local wall times, or None when quiet hours are off."""
    raw = conf.get("MEDASSIST_QUIET_HOURS").strip()
    if not raw:
        return None
    try:
        start, end = (time.fromisoformat(part.strip()) for part in raw.split("-"))
    except ValueError as exc:
        raise ValidationFailed(
            f"MEDASSIST_QUIET_HOURS must look like 21:00-08:00, not {raw!r}."
        ) from exc
    return (start, end) if start != end else None


def after_quiet_hours(moment: datetime, tz) -> datetime:
    """`moment` itself, or the end of the quiet hours it falls in (clinic-local)."""
    window = quiet_window()
    if window is None:
        return moment
    start, end = window
    local = moment.astimezone(tz)
    wall = local.time().replace(tzinfo=None)
    overnight = start > end  # e.g. 21:00-08:00
    inside = (wall >= start or wall < end) if overnight else (start <= wall < end)
    if not inside:
        return moment
    day = local.date() + timedelta(days=1) if overnight and wall >= start else local.date()
    return datetime.combine(day, end, tzinfo=tz).astimezone(moment.tzinfo)
