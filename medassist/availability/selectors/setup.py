"""Reads for the set-up screens: sessions, exceptions, holidays, resources and rules."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from medassist.availability.models import (
    AvailabilityException,
    ClinicHoliday,
    ProviderAgeRule,
    Resource,
    ResourceBooking,
    VisitTypeRule,
    WeeklySession,
    ages_label,
)
from medassist.core.access import get_scoped
from medassist.practice.models import Location, Provider, VisitType
from medassist.practice.roles import require

# ---------------------------------------------------------------------------- set-up reads


def access_session(*, user, id) -> WeeklySession:
    require(user, "schedule.manage")
    return get_scoped(
        WeeklySession.objects.select_related("provider", "location"),
        public_id=id,
        what="session",
        clinic_id=user.clinic_id,
    )


def access_exception(*, user, id) -> AvailabilityException:
    require(user, "schedule.manage")
    return get_scoped(
        AvailabilityException.objects.select_related("provider", "location"),
        public_id=id,
        what="exception",
        clinic_id=user.clinic_id,
    )


def access_holiday(*, user, id) -> ClinicHoliday:
    require(user, "schedule.manage")
    return get_scoped(
        ClinicHoliday.objects.select_related("location"),
        public_id=id,
        what="holiday",
        clinic_id=user.clinic_id,
    )


def session_list(*, user, provider: Provider):
    require(user, "schedule.view")
    return (
        WeeklySession.objects.filter(clinic_id=user.clinic_id, provider=provider, active=True)
        .select_related("location")
        .order_by("weekday", "start_time")
    )


def exception_list(*, user, provider: Provider, since: date | None = None):
    require(user, "schedule.view")
    qs = AvailabilityException.objects.filter(
        clinic_id=user.clinic_id, provider=provider, active=True
    ).select_related("location")
    if since is not None:
        qs = qs.filter(end_date__gte=since)
    return qs.order_by("start_date", "start_time")


def holiday_list(*, user, year: int | None = None):
    require(user, "schedule.view")
    qs = ClinicHoliday.objects.filter(clinic_id=user.clinic_id, active=True).select_related(
        "location"
    )
    if year is not None:
        qs = qs.filter(date__year=year)
    return qs.order_by("date")


def resource_bookings_for(*, appointment) -> list[ResourceBooking]:
    return list(
        ResourceBooking.objects.filter(appointment=appointment, active=True).select_related(
            "resource", "resource__kind"
        )
    )


# ---------------------------------------------------------------------------- set-up screens
# Reads of the resources and visit-type rules screens (appended; nothing above depends on them).

from django.db.models import Prefetch  # noqa: E402

from medassist.availability.models import ResourceKind  # noqa: E402


def access_resource_kind(*, user, id) -> ResourceKind:
    require(user, "schedule.manage")
    return get_scoped(
        ResourceKind.objects.all(), public_id=id, what="resource kind", clinic_id=user.clinic_id
    )


def access_resource(*, user, id) -> Resource:
    require(user, "schedule.manage")
    return get_scoped(
        Resource.objects.select_related("kind", "location", "room"),
        public_id=id,
        what="resource",
        clinic_id=user.clinic_id,
    )


def resource_kind_list(*, user):
    """The clinic's kinds by name, each with its resources (in service or not) prefetched."""
    require(user, "schedule.manage")
    resources = Resource.objects.select_related("location", "room", "updated_by").order_by(
        "location__name", "name"
    )
    return (
        ResourceKind.objects.filter(clinic_id=user.clinic_id)
        .prefetch_related(Prefetch("resources", queryset=resources))
        .order_by("name")
    )


def kinds_required_by(*, user) -> dict[int, list[str]]:
    """kind id -> names of the visit types whose rule requires it."""
    require(user, "schedule.manage")
    rows = VisitTypeRule.required_kinds.through.objects.filter(
        visittyperule__clinic_id=user.clinic_id
    ).values_list("resourcekind_id", "visittyperule__visit_type__name")
    out: dict[int, list[str]] = defaultdict(list)
    for kind_id, name in rows:
        out[kind_id].append(name)
    return {k: sorted(v) for k, v in out.items()}


@dataclass
class VisitTypeRow:
    """One visit type on the rules screen, its rule (None: no rule yet, anyone, anything)
    and warnings about kinds it needs that some location lacks."""

    visit_type: VisitType
    rule: VisitTypeRule | None
    providers: list[Provider]
    kinds: list[ResourceKind]
    warnings: list[str]

    @property
    def patients_label(self) -> str:
        patients = self.rule.patients if self.rule else VisitTypeRule.Patients.ANY
        return VisitTypeRule.Patients(patients).label

    @property
    def ages_label(self) -> str:
        label = ages_label(self.rule.min_age, self.rule.max_age) if self.rule else ""
        return label.capitalize() or "Any age"


@dataclass
class ProviderAgeRow:
    """One active provider on the rules screen and the ages they see (None: every age)."""

    provider: Provider
    rule: ProviderAgeRule | None

    @property
    def ages_label(self) -> str:
        label = ages_label(self.rule.min_age, self.rule.max_age) if self.rule else ""
        return label.capitalize() or "Any age"


def provider_age_rows(*, user) -> list[ProviderAgeRow]:
    """Every active provider of the clinic with the ages they see, in two queries."""
    require(user, "schedule.manage")
    providers = list(
        Provider.objects.filter(clinic_id=user.clinic_id, active=True).order_by(
            "last_name", "first_name"
        )
    )
    rules = {
        r.provider_id: r
        for r in ProviderAgeRule.objects.filter(provider_id__in=[p.pk for p in providers])
    }
    return [ProviderAgeRow(p, rules.get(p.pk)) for p in providers]


def visit_type_rule_rows(*, user) -> list[VisitTypeRow]:
    """Every active visit type of the clinic with its rule, in a fixed number of queries."""
    require(user, "schedule.manage")
    rules = VisitTypeRule.objects.prefetch_related(
        Prefetch("providers", queryset=Provider.objects.order_by("last_name", "first_name")),
        Prefetch("required_kinds", queryset=ResourceKind.objects.order_by("name")),
    )
    visit_types = (
        VisitType.objects.filter(clinic_id=user.clinic_id, active=True)
        .prefetch_related(Prefetch("availability_rule", queryset=rules))
        .order_by("name")
    )
    locations = list(
        Location.objects.filter(clinic_id=user.clinic_id, active=True).order_by("name")
    )
    stocked = set(
        Resource.objects.filter(clinic_id=user.clinic_id, active=True).values_list(
            "location_id", "kind_id"
        )
    )
    out = []
    for vt in visit_types:
        rule = getattr(vt, "availability_rule", None)
        kinds = list(rule.required_kinds.all()) if rule else []
        warnings = []
        for kind in kinds:
            lacking = [loc.name for loc in locations if (loc.pk, kind.pk) not in stocked]
            if lacking:
                warnings.append(
                    f"No {kind.name} in service at {', '.join(lacking)}: {vt.name} visits "
                    "can never be booked there."
                )
        providers = list(rule.providers.all()) if rule else []
        out.append(VisitTypeRow(vt, rule, providers, kinds, warnings))
    return out
