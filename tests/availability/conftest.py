"""Shared set-up for availability tests: dates safely in the future and simple templates."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from medassist.availability.models import (
    Resource,
    ResourceKind,
    VisitTypeRule,
    WeeklySession,
)
from medassist.demo.setup import valid_npi
from medassist.practice.models import Provider, VisitType
from tests import factories

_npis = random.Random(4242)


@pytest.fixture
def physician(clinic):
    """The cast's physician, whose provider here has no weekly hours: these tests set them."""
    user = factories.make_user(clinic, "physician", "doctor", first_name="Paul", last_name="Osler")
    factories.make_provider(clinic, user=user, npi="1234567893", hours=False)
    return user


def make_provider(clinic, **extra) -> Provider:
    """A provider with a fresh valid NPI (the shared factory cycles through six)."""
    n = Provider.objects.count() + 1
    provider = Provider.objects.create(
        clinic=clinic,
        first_name=extra.pop("first_name", "Sam"),
        last_name=extra.pop("last_name", f"Lee{n:03d}"),
        credentials="MD",
        npi=valid_npi(_npis),
        **extra,
    )
    provider.locations.set(clinic.locations.all())
    return provider


def future_monday(clinic, weeks: int = 2) -> date:
    """A Monday at least `weeks` weeks after the clinic's today."""
    today = timezone.localdate(timezone=clinic.tz)
    start = today + timedelta(weeks=weeks)
    return start + timedelta(days=(7 - start.weekday()) % 7)


def at(clinic, day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=clinic.tz)


def add_session(clinic, provider, weekday, start, end, **extra) -> WeeklySession:
    return WeeklySession.objects.create(
        clinic=clinic,
        provider=provider,
        location=extra.pop("location", None) or clinic.locations.first(),
        weekday=weekday,
        start_time=time(*start),
        end_time=time(*end),
        **extra,
    )


def weekday_template(clinic, provider, days=range(5)) -> None:
    for wd in days:
        add_session(clinic, provider, wd, (8, 0), (12, 0))
        add_session(clinic, provider, wd, (13, 0), (17, 0))


@pytest.fixture
def follow_up(clinic) -> VisitType:
    return VisitType.objects.get(clinic=clinic, code="follow-up")


@pytest.fixture
def new_visit(clinic) -> VisitType:
    return VisitType.objects.get(clinic=clinic, code="new")


@pytest.fixture
def templated(clinic, provider):
    """The cast's provider works Monday–Friday 08–12 and 13–17 at the main location."""
    weekday_template(clinic, provider)
    return provider


@pytest.fixture
def monday(clinic) -> date:
    return future_monday(clinic)


@pytest.fixture
def ecg(clinic):
    """An ECG visit type that needs the clinic's one ECG cart."""
    kind = ResourceKind.objects.create(clinic=clinic, name="ECG cart")
    cart = Resource.objects.create(
        clinic=clinic, kind=kind, location=clinic.locations.first(), name="ECG cart 1"
    )
    vt = VisitType.objects.create(clinic=clinic, name="ECG", code="ecg", duration_minutes=30)
    rule = VisitTypeRule.objects.create(clinic=clinic, visit_type=vt)
    rule.required_kinds.add(kind)
    return {"visit_type": vt, "cart": cart, "kind": kind, "rule": rule}
