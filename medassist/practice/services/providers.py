"""Providers: who sees patients, with a checked NPI, the locations they work at and, when they
log in, the staff account that is them."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from medassist.core.errors import NotFound, ValidationFailed
from medassist.practice.errors import AlreadyExists
from medassist.practice.models import Clinic, Location, Provider, User
from medassist.practice.services._common import (
    apply,
    audit,
    check_manage,
    cleaned,
    save,
    unchanged_if_refused,
    validated,
)


def _check_npi(clinic_id: int, npi: str, provider: Provider | None = None) -> None:
    others = Provider.objects.filter(clinic_id=clinic_id, npi=npi)
    if provider is not None:
        others = others.exclude(pk=provider.pk)
    other = others.first()
    if other is not None:
        raise AlreadyExists(f"{other.display_name} already has NPI {npi} here.", field="npi")


def _locations(clinic_id: int, locations: Iterable[Location], current: set[int]) -> list[Location]:
    """The clinic's locations; one of another clinic is not found, and a location out of use
    may be kept but not newly added."""
    chosen = list({loc.pk: loc for loc in locations}.values())
    for loc in chosen:
        if loc.clinic_id != clinic_id:
            raise NotFound("No such location.", field="locations")
        if not loc.active and loc.pk not in current:
            raise ValidationFailed(f"{loc.name} is out of use.", field="locations")
    return sorted(chosen, key=lambda loc: loc.name)


def _check_user(clinic_id: int, user: User, provider: Provider | None = None) -> None:
    if user.clinic_id != clinic_id:
        raise NotFound("No such staff member.", field="user")
    linked = Provider.objects.filter(user=user)
    if provider is not None:
        linked = linked.exclude(pk=provider.pk)
    other = linked.first()
    if other is not None:
        raise AlreadyExists(
            f"{user.display_name} is already the login of {other.display_name}.", field="user"
        )


@transaction.atomic
def provider_create(
    *,
    actor: User,
    clinic: Clinic,
    first_name: str,
    last_name: str,
    npi: str,
    credentials: str = "",
    specialty: str = "",
    user: User | None = None,
    locations: Iterable[Location] = (),
) -> Provider:
    check_manage(actor, clinic.pk, "clinic")
    values = {
        "first_name": first_name,
        "last_name": last_name,
        "npi": npi,
        "credentials": credentials,
        "specialty": specialty,
    }
    provider = Provider(clinic=clinic, **cleaned(values))
    validated(provider, exclude=("clinic", "user"))
    _check_npi(clinic.pk, provider.npi)
    if user is not None:
        _check_user(clinic.pk, user)
        provider.user = user
    chosen = _locations(clinic.pk, locations, current=set())
    save(provider, actor=actor, duplicate="Another provider has this NPI here.", field="npi")
    provider.locations.set(chosen)
    audit(
        actor,
        provider,
        clinic=clinic,
        created=True,
        npi=provider.npi,
        user=user.username if user else None,
        locations=[loc.name for loc in chosen],
    )
    return provider


@unchanged_if_refused("provider")
@transaction.atomic
def provider_update(
    *,
    actor: User,
    provider: Provider,
    first_name: str | None = None,
    last_name: str | None = None,
    credentials: str | None = None,
    npi: str | None = None,
    specialty: str | None = None,
    active: bool | None = None,
    locations: Iterable[Location] | None = None,
) -> Provider:
    """Change what is sent (None: leave it); `locations` replaces the whole list; `active=False`
    takes the provider off new bookings (their visits and history stay)."""
    check_manage(actor, provider.clinic_id, "provider")
    values = {
        "first_name": first_name,
        "last_name": last_name,
        "credentials": credentials,
        "npi": npi,
        "specialty": specialty,
        "active": active,
    }
    changed = apply(provider, cleaned(values))
    chosen: list[Location] | None = None
    if locations is not None:
        current = {loc.pk: loc.name for loc in provider.locations.all()}
        chosen = _locations(provider.clinic_id, locations, current=set(current))
        if {loc.pk for loc in chosen} != set(current):
            changed["locations"] = {
                "from": sorted(current.values()),
                "to": [loc.name for loc in chosen],
            }
    if not changed:
        return provider
    validated(provider, exclude=("clinic", "user"))
    if "npi" in changed:
        _check_npi(provider.clinic_id, provider.npi, provider)
    save(provider, actor=actor, duplicate="Another provider has this NPI here.", field="npi")
    if "locations" in changed and chosen is not None:
        provider.locations.set(chosen)
    audit(actor, provider, clinic=provider.clinic, changed=changed)
    return provider


@unchanged_if_refused("provider")
@transaction.atomic
def provider_link_user(*, actor: User, provider: Provider, user: User | None) -> Provider:
    """Make a staff account the provider's own login (their worklist, their signature), or
    with None unlink it. One account is at most one provider."""
    check_manage(actor, provider.clinic_id, "provider")
    if user is not None:
        _check_user(provider.clinic_id, user, provider)
    if provider.user_id == (user.pk if user else None):
        return provider
    before = provider.user.username if provider.user else None
    provider.user = user
    save(provider, actor=actor, duplicate="That account is already a provider's.", field="user")
    audit(
        actor,
        provider,
        clinic=provider.clinic,
        changed={"user": {"from": before, "to": user.username if user else None}},
    )
    return provider
