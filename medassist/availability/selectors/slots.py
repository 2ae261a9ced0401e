"""First-available search: checking the question, the patient's history and rules, then
the engine (`engine.search_slots`)."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import Count
from django.utils import timezone

from medassist.availability.errors import OutsideAge
from medassist.availability.models import ProviderAgeRule, VisitTypeRule, ages_label
from medassist.availability.selectors.engine import (
    PROVIDER_FIELDS,
    STEP_MINUTES,
    Search,
    Slot,
    search_slots,
)
from medassist.core.errors import ValidationFailed
from medassist.practice.models import Location, Provider, VisitType
from medassist.practice.roles import require
from medassist.scheduling.models import Appointment, Status

MAX_RANGE_DAYS = 366
TIMES_OF_DAY: dict[str, tuple[time, time]] = {
    "morning": (time(0, 0), time(12, 0)),
    "afternoon": (time(12, 0), time(17, 0)),
    "evening": (time(17, 0), time.max),
}


# ---------------------------------------------------------------------------- parsing


def time_window(time_of_day) -> tuple[time, time] | None:
    """ "morning"/"afternoon"/"evening", a (start, end) pair of times, or None (all day)."""
    if time_of_day in (None, "", "any"):
        return None
    if isinstance(time_of_day, str):
        window = TIMES_OF_DAY.get(time_of_day.strip().lower())
        if window is None:
            raise ValidationFailed(
                "Time of day must be morning, afternoon or evening.", field="time_of_day"
            )
        return window
    try:
        start, end = time_of_day
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(
            "Time of day must be morning, afternoon, evening or a start and end time.",
            field="time_of_day",
        ) from exc
    if not isinstance(start, time) or not isinstance(end, time) or end <= start:
        raise ValidationFailed(
            "The time-of-day window must end after it starts.", field="time_of_day"
        )
    return start, end


def check_range(clinic, date_from: date, date_to: date) -> None:
    today = timezone.localdate(timezone=clinic.tz)
    if date_from is None or date_to is None:
        raise ValidationFailed("Choose the first and last date to search.", field="date_from")
    if date_to < date_from:
        raise ValidationFailed(
            "The last date is before the first date; swap them or choose again.", field="date_to"
        )
    if date_to < today:
        raise ValidationFailed(
            "Those dates are in the past; search from today on.", field="date_to"
        )
    if date_from < today:
        raise ValidationFailed(
            f"The first date is in the past; search from today ({today:%b %d}) on.",
            field="date_from",
        )
    if (date_to - date_from).days + 1 > MAX_RANGE_DAYS:
        raise ValidationFailed(f"Search at most {MAX_RANGE_DAYS} days at a time.", field="date_to")


# ---------------------------------------------------------------------------- patients


def patient_history(*, clinic, patient) -> tuple[bool, int | None]:
    """(established, usual provider id): established means at least one checked-out visit in
    this clinic; the usual provider is the one who saw the patient most often."""
    if patient is None:
        return False, None
    rows = list(
        Appointment.objects.filter(
            clinic_id=clinic.pk, patient_id=patient.pk, status=Status.CHECKED_OUT
        )
        .values("provider_id")
        .annotate(n=Count("id"))
        .order_by("-n", "provider_id")[:1]
    )
    if not rows:
        return False, None
    return True, rows[0]["provider_id"]


def rule_for(visit_type: VisitType) -> VisitTypeRule | None:
    return (
        VisitTypeRule.objects.filter(visit_type_id=visit_type.pk)
        .prefetch_related("providers", "required_kinds")
        .first()
    )


def check_patient_rule(rule: VisitTypeRule | None, visit_type, patient, established) -> None:
    if rule is None or patient is None:
        return
    if rule.patients == VisitTypeRule.Patients.NEW and established:
        raise ValidationFailed(
            f"{patient.display_name} is an established patient; {visit_type.name} visits "
            "are for new patients only. Choose another visit type.",
            field="visit_type",
        )
    if rule.patients == VisitTypeRule.Patients.ESTABLISHED and not established:
        raise ValidationFailed(
            f"{patient.display_name} has not been seen here yet; {visit_type.name} visits "
            "are for established patients only. Choose a new-patient visit type.",
            field="visit_type",
        )


def _outside(age: int, min_age: int | None, max_age: int | None) -> bool:
    return (min_age is not None and age < min_age) or (max_age is not None and age >= max_age)


def check_visit_type_age(rule: VisitTypeRule | None, visit_type, patient, day: date) -> None:
    """OutsideAge when the patient's age on `day` is outside the visit type's ages."""
    if rule is None or patient is None:
        return
    if _outside(patient.age_on(day), rule.min_age, rule.max_age):
        raise OutsideAge(
            f"{visit_type.name} visits are for patients "
            f"{ages_label(rule.min_age, rule.max_age)}; {patient.display_name} is "
            f"{patient.age_on(day)} on {day:%b %d}. Choose another visit type.",
            field="visit_type",
        )


def check_provider_age(provider: Provider, patient, day: date, age_rule=None) -> None:
    """OutsideAge when the provider does not see patients of the patient's age on `day`.
    `age_rule`: the provider's ProviderAgeRule when already read (else it is read here)."""
    if patient is None:
        return
    rule = age_rule or ProviderAgeRule.objects.filter(provider_id=provider.pk).first()
    if rule is not None and _outside(patient.age_on(day), rule.min_age, rule.max_age):
        raise OutsideAge(
            f"{provider.display_name} sees patients {ages_label(rule.min_age, rule.max_age)}. "
            "Choose another provider.",
            field="provider",
        )


def _providers_for_age(providers: list[Provider], patient, day: date, asked) -> list[Provider]:
    """The providers who see the patient's age on `day` (one query); the one asked for by
    name who does not: OutsideAge."""
    if patient is None or not providers:
        return providers
    rules = {
        r.provider_id: r
        for r in ProviderAgeRule.objects.filter(provider_id__in=[p.pk for p in providers])
    }
    age = patient.age_on(day)
    if asked is not None:
        check_provider_age(asked, patient, day, rules.get(asked.pk))
        return providers
    return [
        p
        for p in providers
        if p.pk not in rules or not _outside(age, rules[p.pk].min_age, rules[p.pk].max_age)
    ]


# ---------------------------------------------------------------------------- public reads


def _allowed_providers(*, clinic, rule, provider, visit_type) -> list[Provider]:
    allowed = {p.pk for p in rule.providers.all()} if rule is not None else set()
    if provider is not None:
        if provider.clinic_id != clinic.pk:
            raise ValidationFailed("Unknown provider.", field="provider")
        if not provider.active:
            raise ValidationFailed(
                f"{provider.display_name} is not taking appointments.", field="provider"
            )
        if allowed and provider.pk not in allowed:
            raise ValidationFailed(
                f"{provider.display_name} does not offer {visit_type.name} visits.",
                field="provider",
            )
        return [provider]
    qs = Provider.objects.filter(clinic_id=clinic.pk, active=True).only(*PROVIDER_FIELDS)
    if allowed:
        qs = qs.filter(pk__in=allowed)
    return list(qs)


def first_available(
    *,
    user,
    visit_type: VisitType,
    provider: Provider | None = None,
    location: Location | None = None,
    date_from: date,
    date_to: date,
    time_of_day=None,
    patient=None,
    limit: int | None = 10,
    now: datetime | None = None,
) -> list[Slot]:
    """The earliest open slots for a visit type, best first.

    Ranking: earliest start; at the same time the patient's usual provider first, then the
    provider with the fewest visits booked that day. Raises ValidationFailed for a bad range,
    an unknown or inactive choice, or a patient the visit type's rule does not allow. With a
    patient, only providers who see the patient's age (on `date_from`) are searched; the
    booking checks the age again on the visit's own day."""
    require(user, "schedule.view")
    clinic = user.clinic
    if visit_type.clinic_id != clinic.pk:
        raise ValidationFailed("Unknown visit type.", field="visit_type")
    if not visit_type.active:
        raise ValidationFailed(f"{visit_type.name} is no longer offered.", field="visit_type")
    if location is not None and location.clinic_id != clinic.pk:
        raise ValidationFailed("Unknown location.", field="location")
    if patient is not None and patient.clinic_id != clinic.pk:
        raise ValidationFailed("Unknown patient.", field="patient")
    if limit is not None and not (1 <= limit <= 100):
        raise ValidationFailed("Ask for between 1 and 100 slots.", field="limit")
    check_range(clinic, date_from, date_to)
    window = time_window(time_of_day)
    rule = rule_for(visit_type)
    established, usual = patient_history(clinic=clinic, patient=patient)
    check_patient_rule(rule, visit_type, patient, established)
    check_visit_type_age(rule, visit_type, patient, date_from)
    providers = _providers_for_age(
        _allowed_providers(clinic=clinic, rule=rule, provider=provider, visit_type=visit_type),
        patient,
        date_from,
        provider,
    )
    search = Search.load(
        clinic=clinic,
        duration_minutes=visit_type.duration_minutes,
        providers=providers,
        location=location,
        required_kinds=[k.pk for k in rule.required_kinds.all()] if rule else [],
        date_from=date_from,
        date_to=date_to,
    )
    return search_slots(
        search,
        date_from=date_from,
        date_to=date_to,
        window=window,
        usual_provider_id=usual,
        limit=limit,
        now=now,
    )


def provider_open_slots(
    *, user, provider: Provider, day: date, visit_type: VisitType, location=None
) -> list[Slot]:
    """Every open start of one provider on one clinic-local day (for a calendar)."""
    return first_available(
        user=user,
        visit_type=visit_type,
        provider=provider,
        location=location,
        date_from=day,
        date_to=day,
        limit=None,
    )


def open_hours(*, clinic, providers, days: list[date]) -> dict[tuple[int, date], list]:
    """{(provider id, day): [(start, end) epoch seconds]}: when each provider is open on each
    day (weekly template, extra sessions, minus time off and holidays), before visits."""
    if not providers or not days:
        return {}
    search = Search.load(
        clinic=clinic,
        duration_minutes=STEP_MINUTES,
        providers=list(providers),
        location=None,
        required_kinds=[],
        date_from=min(days),
        date_to=max(days),
    )
    return {
        (p.pk, day): [(a, b) for a, b, _, _ in search.open_intervals(p.pk, day)]
        for p in providers
        for day in days
    }
