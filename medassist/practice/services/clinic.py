"""The clinic itself, its locations and their rooms."""

from __future__ import annotations

import re

from django.db import transaction

from medassist.core.errors import NotFound, PermissionDenied, ValidationFailed
from medassist.practice.errors import AlreadyExists
from medassist.practice.models import Clinic, Location, Room, User
from medassist.practice.services._common import (
    Cleaner,
    apply,
    audit,
    check_manage,
    clean_phone,
    clean_postal_code,
    clean_state,
    cleaned,
    is_operator,
    save,
    unchanged_if_refused,
    validated,
)

_MRN_PREFIX = re.compile(r"^[A-Z0-9]{1,6}$")


def _mrn_prefix(value: str, *, field: str) -> str:
    value = value.upper()
    if not _MRN_PREFIX.match(value):
        raise ValidationFailed("The MRN prefix is 1 to 6 letters or digits, e.g. MF.", field=field)
    return value


def _required_state(value: str, *, field: str) -> str:
    if not value:
        raise ValidationFailed("The clinic's state is required (for state rules).", field=field)
    return clean_state(value, field=field)


CLINIC: dict[str, Cleaner] = {
    "state": _required_state,
    "phone": clean_phone,
    "mrn_prefix": _mrn_prefix,
}
LOCATION: dict[str, Cleaner] = {
    "state": clean_state,
    "postal_code": clean_postal_code,
    "phone": clean_phone,
}


@transaction.atomic
def clinic_create(
    *,
    actor: User,
    name: str,
    timezone: str,
    state: str,
    phone: str = "",
    mrn_prefix: str = "MA",
) -> Clinic:
    """A new clinic: only an operator (superuser) opens one; its admins then set it up."""
    if not is_operator(actor):
        raise PermissionDenied("Only an operator of this installation may open a clinic.")
    values = {
        "name": name,
        "timezone": timezone,
        "state": state,
        "phone": phone,
        "mrn_prefix": mrn_prefix,
    }
    clinic = Clinic(**cleaned(values, CLINIC))
    validated(clinic)
    save(clinic, actor=actor)
    audit(actor, clinic, clinic=clinic, created=True, name=clinic.name)
    return clinic


@unchanged_if_refused("clinic")
@transaction.atomic
def clinic_update(
    *,
    actor: User,
    clinic: Clinic,
    name: str | None = None,
    timezone: str | None = None,
    state: str | None = None,
    phone: str | None = None,
    mrn_prefix: str | None = None,
) -> Clinic:
    """Change the clinic's details. A new MRN prefix applies to patients registered from now
    on; MRNs already given stay as they are."""
    check_manage(actor, clinic.pk, "clinic")
    values = {
        "name": name,
        "timezone": timezone,
        "state": state,
        "phone": phone,
        "mrn_prefix": mrn_prefix,
    }
    changed = apply(clinic, cleaned(values, CLINIC))
    if not changed:
        return clinic
    validated(clinic)
    save(clinic, actor=actor)
    audit(actor, clinic, clinic=clinic, changed=changed)
    return clinic


# ---------------------------------------------------------------------------- locations


def _check_location_name(clinic_id: int, name: str, location: Location | None = None) -> None:
    others = Location.objects.filter(clinic_id=clinic_id, name__iexact=name)
    if location is not None:
        others = others.exclude(pk=location.pk)
    if others.exists():
        raise AlreadyExists(f"This clinic already has a location named {name!r}.", field="name")


@transaction.atomic
def location_create(
    *,
    actor: User,
    clinic: Clinic,
    name: str,
    address_line1: str = "",
    city: str = "",
    state: str = "",
    postal_code: str = "",
    phone: str = "",
) -> Location:
    check_manage(actor, clinic.pk, "clinic")
    values = {
        "name": name,
        "address_line1": address_line1,
        "city": city,
        "state": state,
        "postal_code": postal_code,
        "phone": phone,
    }
    location = Location(clinic=clinic, **cleaned(values, LOCATION))
    validated(location, exclude=("clinic",))
    _check_location_name(clinic.pk, location.name)
    save(location, actor=actor, duplicate="This location already exists.", field="name")
    audit(actor, location, clinic=clinic, created=True, name=location.name)
    return location


@unchanged_if_refused("location")
@transaction.atomic
def location_update(
    *,
    actor: User,
    location: Location,
    name: str | None = None,
    address_line1: str | None = None,
    city: str | None = None,
    state: str | None = None,
    postal_code: str | None = None,
    phone: str | None = None,
    active: bool | None = None,
) -> Location:
    """Change a location; `active=False` takes it out of use (it is never deleted, visits
    point at it), once none of its rooms is still in use."""
    check_manage(actor, location.clinic_id, "location")
    values = {
        "name": name,
        "address_line1": address_line1,
        "city": city,
        "state": state,
        "postal_code": postal_code,
        "phone": phone,
        "active": active,
    }
    changed = apply(location, cleaned(values, LOCATION))
    if not changed:
        return location
    validated(location, exclude=("clinic",))
    if "name" in changed:
        _check_location_name(location.clinic_id, location.name, location)
    if changed.get("active", {}).get("to") is False:
        rooms = list(location.rooms.filter(active=True).values_list("name", flat=True))
        if rooms:
            raise ValidationFailed(
                f"Take its rooms out of use first: {', '.join(rooms)}.", field="active"
            )
    save(location, actor=actor, duplicate="This location already exists.", field="name")
    audit(actor, location, clinic=location.clinic, changed=changed)
    return location


# ---------------------------------------------------------------------------- rooms


def _room_location(room_clinic_id: int, location: Location) -> Location:
    if location.clinic_id != room_clinic_id:
        raise NotFound("No such location.", field="location")
    if not location.active:
        raise ValidationFailed(
            f"{location.name} is out of use; put it back in use first.", field="location"
        )
    return location


def _check_room_name(location: Location, name: str, room: Room | None = None) -> None:
    others = Room.objects.filter(location=location, name__iexact=name)
    if room is not None:
        others = others.exclude(pk=room.pk)
    if others.exists():
        raise AlreadyExists(f"{location.name} already has a room named {name!r}.", field="name")


@transaction.atomic
def room_create(*, actor: User, location: Location, name: str, kind: str = Room.Kind.EXAM) -> Room:
    check_manage(actor, location.clinic_id, "location")
    _room_location(location.clinic_id, location)
    room = Room(location=location, **cleaned({"name": name, "kind": kind}))
    validated(room, exclude=("location",))
    _check_room_name(location, room.name)
    save(room, actor=actor, duplicate="This room already exists.", field="name")
    audit(actor, room, clinic=location.clinic, created=True, name=room.name)
    return room


@unchanged_if_refused("room")
@transaction.atomic
def room_update(
    *,
    actor: User,
    room: Room,
    location: Location | None = None,
    name: str | None = None,
    kind: str | None = None,
    active: bool | None = None,
) -> Room:
    """Rename, re-kind or move a room within the clinic; `active=False` takes it out of use."""
    clinic = room.location.clinic
    check_manage(actor, clinic.pk, "room")
    if location is not None and location.pk != room.location_id:
        _room_location(clinic.pk, location)
    changed = apply(
        room, cleaned({"location": location, "name": name, "kind": kind, "active": active})
    )
    if not changed:
        return room
    if changed.get("active", {}).get("to") is True and not room.location.active:
        raise ValidationFailed(
            f"{room.location.name} is out of use; put it back in use first.", field="active"
        )
    validated(room, exclude=("location",))
    if "name" in changed or "location" in changed:
        _check_room_name(room.location, room.name, room)
    save(room, actor=actor, duplicate="This room already exists.", field="name")
    audit(actor, room, clinic=clinic, changed=changed)
    return room
