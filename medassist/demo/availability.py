"""Demo availability: weekday templates for every provider, the clinic's public holidays, and
the bookable resources (procedure rooms, an ECG cart) with the rule that procedures need a
procedure room."""

from __future__ import annotations

from datetime import time

import holidays as holidays_lib
from django.utils import timezone

from medassist.availability.models import (
    ClinicHoliday,
    Resource,
    ResourceKind,
    VisitTypeRule,
    WeeklySession,
)
from medassist.practice.models import Location, Provider, Room, VisitType

DEMO_SESSIONS = ((time(8, 0), time(12, 0)), (time(13, 0), time(17, 0)))


def availability_demo(
    clinic,
    *,
    years: tuple[int, ...] | None = None,
    weeks: dict[int, dict[int, Location]] | None = None,
    procedure_providers: list[Provider] | None = None,
) -> dict[str, int]:
    """08:00–12:00 and 13:00–17:00 on each working weekday: by default Monday–Friday at the
    provider's first location; `weeks` (provider id -> {weekday: location}) gives a provider
    their own week (days missing: off). Also the US holidays (federal and the clinic's
    state) for this year and next, and the resources (`resources_demo`). Does nothing for a
    provider who already has a template, or a holiday date already present."""
    today = timezone.localdate(timezone=clinic.tz)
    years = years or (today.year, today.year + 1)
    sessions = []
    for provider in clinic.providers.filter(active=True).prefetch_related("locations"):
        if WeeklySession.objects.filter(provider=provider).exists():
            continue
        week = (weeks or {}).get(provider.pk)
        if week is None:
            locations = sorted(provider.locations.all(), key=lambda loc: loc.pk)
            location = locations[0] if locations else clinic.locations.order_by("pk").first()
            if location is None:
                continue
            week = {weekday: location for weekday in range(5)}
        for weekday, location in sorted(week.items()):
            if weekday >= 5:
                continue  # the demo clinic's book has no weekend sessions
            for start, end in DEMO_SESSIONS:
                sessions.append(
                    WeeklySession(
                        clinic=clinic,
                        provider=provider,
                        location=location,
                        weekday=weekday,
                        start_time=start,
                        end_time=end,
                    )
                )
    WeeklySession.objects.bulk_create(sessions)
    existing = set(
        ClinicHoliday.objects.filter(clinic=clinic, location__isnull=True).values_list(
            "date", flat=True
        )
    )
    try:
        calendar = holidays_lib.country_holidays("US", subdiv=clinic.state or None, years=years)
    except NotImplementedError:
        calendar = holidays_lib.country_holidays("US", years=years)
    rows = [
        ClinicHoliday(
            clinic=clinic, date=day, name=name[:200], source=ClinicHoliday.Source.HOLIDAYS
        )
        for day, name in sorted(calendar.items())
        if day not in existing
    ]
    ClinicHoliday.objects.bulk_create(rows)
    added = resources_demo(clinic, procedure_providers=procedure_providers)
    return {"weekly sessions": len(sessions), "holidays": len(rows), **added}


def resources_demo(clinic, *, procedure_providers: list[Provider] | None = None) -> dict[str, int]:
    """Every procedure room becomes a bookable "Procedure room" resource and procedures need
    one (offered by `procedure_providers` when given, else by everyone); the first location
    has "ECG cart 1". Adds only what is missing."""
    rooms_kind, _ = ResourceKind.objects.get_or_create(clinic=clinic, name="Procedure room")
    cart_kind, _ = ResourceKind.objects.get_or_create(clinic=clinic, name="ECG cart")
    added = 0
    for room in Room.objects.filter(
        location__clinic=clinic, kind=Room.Kind.PROCEDURE, active=True
    ).select_related("location"):
        _, created = Resource.objects.get_or_create(
            location=room.location,
            name=room.name,
            defaults={"clinic": clinic, "kind": rooms_kind, "room": room},
        )
        added += created
    first = clinic.locations.order_by("pk").first()
    if first is not None:
        _, created = Resource.objects.get_or_create(
            location=first, name="ECG cart 1", defaults={"clinic": clinic, "kind": cart_kind}
        )
        added += created
    procedure = VisitType.objects.filter(clinic=clinic, code="procedure").first()
    if procedure is not None:
        rule, created = VisitTypeRule.objects.get_or_create(clinic=clinic, visit_type=procedure)
        rule.required_kinds.add(rooms_kind)
        if created and procedure_providers:
            rule.providers.set(procedure_providers)
    return {"resources": added}
