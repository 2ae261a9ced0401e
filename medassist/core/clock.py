"""Time helpers that know no domain: anything with a time zone (`tz`) has a local today."""

from __future__ import annotations

from datetime import date, tzinfo
from typing import Protocol

from django.utils import timezone


class HasTimezone(Protocol):
    @property
    def tz(self) -> tzinfo: ...


def clinic_today(clinic: HasTimezone) -> date:
    """Today's date where the clinic is (its time zone), not on the server."""
    return timezone.localdate(timezone=clinic.tz)
