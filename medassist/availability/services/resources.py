"""Set-up writes (clinic admins): resource kinds, resources (rooms, equipment) and the
visit-type rules that say who offers a visit type and what it needs."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from medassist.audit.models import AuditEvent
from medassist.availability.models import (
    ProviderAgeRule,
    Resource,
    ResourceKind,
    VisitTypeRule,
)
from medassist.availability.services.booking import Reassigned, resource_visits_reassign
from medassist.availability.services.setup import _deactivate, _setup_audit
from medassist.core.errors import Conflict, ValidationFailed
from medassist.practice.models import Location, Provider, Room, User, VisitType
from medassist.practice.roles import require

# ---------------------------------------------------------------------------- resources


def _clean_name(name, *, what: str, field: str = "name") -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationFailed(f"Name the {what}.", field=field)
    if len(name) > 100:
        raise ValidationFailed(f"The {what}'s name is limited to 100 characters.", field=field)
    return name


def _check_kind_name(actor, name: str, *, exclude=None) -> None:
    same = ResourceKind.objects.filter(clinic_id=actor.clinic_id, name__iexact=name)
    if exclude is not None:
        same = same.exclude(pk=exclude.pk)
    if same.exists():
        raise ValidationFailed(f"There is already a kind called “{name}”.", field="name")


def _check_resource_name(name: str, location: Location, *, exclude=None) -> None:
    same = Resource.objects.filter(location=location, name__iexact=name)
    if exclude is not None:
        same = same.exclude(pk=exclude.pk)
    other = same.first()
    if other is not None:
        note = "" if other.active else " (out of service: put it back instead)"
        raise ValidationFailed(
            f"There is already a resource called “{other.name}” at {location.name}{note}.",
            field="name",
        )


def _check_room(actor, room: Room | None, location: Location) -> None:
    if room is None:
        return
    if room.location.clinic_id != actor.clinic_id:
        raise ValidationFailed("Unknown room.", field="room")
    if room.location_id != location.pk:
        raise ValidationFailed(
            f"{room.name} is at {room.location.name}, not at {location.name}. "
            "Choose a room at the resource's location, or none.",
            field="room",
        )


def _save_unique(obj, message: str) -> None:
    """Save; a duplicate name that raced past the check gets the same clear message."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise ValidationFailed(message, field="name") from exc


@transaction.atomic
def resource_kind_create(*, actor, name: str) -> ResourceKind:
    """A kind of room or equipment a visit may need ("procedure room", "ECG cart"); names
    are unique in the clinic (ignoring case)."""
    require(actor, "schedule.manage")
    name = _clean_name(name, what="kind")
    _check_kind_name(actor, name)
    kind = ResourceKind(clinic_id=actor.clinic_id, name=name)
    kind.stamp(actor)
    _save_unique(kind, f"There is already a kind called “{name}”.")
    _setup_audit(actor, kind, name=name)
    return kind


@transaction.atomic
def resource_kind_rename(*, actor, kind: ResourceKind, name: str) -> ResourceKind:
    require(actor, "schedule.manage")
    if kind.clinic_id != actor.clinic_id:
        raise ValidationFailed("Unknown resource kind.", field="kind")
    name = _clean_name(name, what="kind")
    if name == kind.name:
        return kind
    _check_kind_name(actor, name, exclude=kind)
    old = kind.name
    kind.name = name
    kind.stamp(actor)
    _save_unique(kind, f"There is already a kind called “{name}”.")
    _setup_audit(actor, kind, AuditEvent.Action.UPDATE, name=name, previous_name=old)
    return kind


@transaction.atomic
def resource_kind_remove(*, actor, kind: ResourceKind) -> None:
    """Remove a kind set up by mistake. Refused while a visit-type rule requires it or it
    has resources (in service, or out of service: those keep their booking history)."""
    require(actor, "schedule.manage")
    if kind.clinic_id != actor.clinic_id:
        raise ValidationFailed("Unknown resource kind.", field="kind")
    needed_by = sorted(
        VisitTypeRule.objects.filter(required_kinds=kind).values_list("visit_type__name", flat=True)
    )
    if needed_by:
        raise ValidationFailed(
            f"“{kind.name}” can't be removed: {', '.join(needed_by)} visits require it. "
            "Change those visit types' rules first.",
            field="kind",
        )
    active = kind.resources.filter(active=True).count()
    if active:
        raise ValidationFailed(
            f"“{kind.name}” can't be removed: {active} resource(s) of this kind are in "
            "service. Take them out of service first.",
            field="kind",
        )
    if kind.resources.exists():
        raise ValidationFailed(
            f"“{kind.name}” can't be removed: its out-of-service resources keep their booking "
            "history under it. No visit type requires it, so keeping it does no harm.",
            field="kind",
        )
    _setup_audit(actor, kind, AuditEvent.Action.UPDATE, removed=True, name=kind.name)
    kind.delete()


@transaction.atomic
def resource_create(
    *,
    actor,
    kind: ResourceKind,
    location: Location,
    name: str,
    room: Room | None = None,
) -> Resource:
    """One bookable room or piece of equipment at a location; a room resource names the
    practice room it is (at the same location). Names are unique per location."""
    require(actor, "schedule.manage")
    if kind is None or kind.clinic_id != actor.clinic_id:
        raise ValidationFailed("Choose a kind.", field="kind")
    if location is None or location.clinic_id != actor.clinic_id:
        raise ValidationFailed("Choose a location.", field="location")
    name = _clean_name(name, what="resource")
    _check_room(actor, room, location)
    _check_resource_name(name, location)
    resource = Resource(
        clinic_id=actor.clinic_id, kind=kind, location=location, room=room, name=name
    )
    resource.stamp(actor)
    _save_unique(resource, f"There is already a resource called “{name}” at {location.name}.")
    _setup_audit(
        actor,
        resource,
        name=name,
        kind=str(kind.public_id),
        location=str(location.public_id),
        room=str(room.public_id) if room else None,
    )
    return resource


@transaction.atomic
def resource_update(*, actor, resource: Resource, name: str, room: Room | None) -> Resource:
    """Rename a resource and set (or clear) the room it is; it stays at its location."""
    require(actor, "schedule.manage")
    if resource.clinic_id != actor.clinic_id:
        raise ValidationFailed("Unknown resource.", field="resource")
    name = _clean_name(name, what="resource")
    _check_room(actor, room, resource.location)
    _check_resource_name(name, resource.location, exclude=resource)
    changes: dict[str, object] = {}
    if name != resource.name:
        changes.update(name=name, previous_name=resource.name)
    if (room.pk if room else None) != resource.room_id:
        changes["room"] = str(room.public_id) if room else None
    if not changes:
        return resource
    resource.name = name
    resource.room = room
    resource.stamp(actor)
    _save_unique(
        resource, f"There is already a resource called “{name}” at {resource.location.name}."
    )
    _setup_audit(actor, resource, AuditEvent.Action.UPDATE, **changes)
    return resource


@transaction.atomic
def resource_take_out_of_service(*, actor, resource: Resource) -> Reassigned:
    """Take a resource out of service (kept, inactive: no new visit gets it). The upcoming
    visits that hold it get another free one of its kind at their location; those for which
    none is free keep it and are returned, for the desk to move."""
    require(actor, "schedule.manage")
    if resource.clinic_id != actor.clinic_id:
        raise ValidationFailed("Unknown resource.", field="resource")
    if not resource.active:
        return Reassigned(moved=0, stuck=[])
    _deactivate(actor, resource, "resource")
    return resource_visits_reassign(actor=actor, resource=resource)


@transaction.atomic
def resource_set_active(*, actor, resource: Resource, active: bool) -> Resource:
    """Put a resource back in service, or take it out (`resource_take_out_of_service`)."""
    if not active:
        resource_take_out_of_service(actor=actor, resource=resource)
        return resource
    require(actor, "schedule.manage")
    if resource.clinic_id != actor.clinic_id:
        raise ValidationFailed("Unknown resource.", field="resource")
    if resource.active:
        return resource
    resource.active = True
    resource.stamp(actor)
    resource.save(update_fields=["active", "updated_at", "updated_by"])
    _setup_audit(actor, resource, AuditEvent.Action.UPDATE, active=True)
    return resource


# ---------------------------------------------------------------------------- visit-type rules


def _check_ages(min_age: int | None, max_age: int | None) -> None:
    for value, field in ((min_age, "min_age"), (max_age, "max_age")):
        if value is not None and not 0 <= value <= 130:
            raise ValidationFailed("Give an age from 0 to 130 years.", field=field)
    if min_age is not None and max_age is not None and max_age <= min_age:
        raise ValidationFailed(
            f"“Under” must be more than “from” ({min_age}); e.g. from 0, under 18.",
            field="max_age",
        )


@transaction.atomic
def visit_type_rule_save(
    *,
    actor: User,
    visit_type: VisitType,
    providers=(),
    patients: str = VisitTypeRule.Patients.ANY,
    required_kinds=(),
    min_age: int | None = None,
    max_age: int | None = None,
) -> VisitTypeRule:
    """Set who offers a visit type (none: every provider), for which patients and ages, and
    the resource kinds it needs; creates the rule when the visit type has none yet."""
    require(actor, "schedule.manage")
    _check_ages(min_age, max_age)
    if visit_type is None or visit_type.clinic_id != actor.clinic_id:
        raise ValidationFailed("Unknown visit type.", field="visit_type")
    providers, required_kinds = list(providers or ()), list(required_kinds or ())
    if any(p.clinic_id != actor.clinic_id for p in providers):
        raise ValidationFailed("There is no such provider in this clinic.", field="providers")
    if any(k.clinic_id != actor.clinic_id for k in required_kinds):
        raise ValidationFailed(
            "There is no such resource kind in this clinic.", field="required_kinds"
        )
    if patients not in VisitTypeRule.Patients.values:
        raise ValidationFailed(
            "Choose new patients, established patients, or both.", field="patients"
        )
    found = VisitTypeRule.objects.select_for_update().filter(visit_type=visit_type).first()
    created = found is None
    rule = found or VisitTypeRule(clinic_id=actor.clinic_id, visit_type=visit_type)
    if created:
        before = None
    else:
        before = {
            "providers": sorted(str(p) for p in rule.providers.values_list("public_id", flat=True)),
            "patients": rule.patients,
            "required_kinds": sorted(
                str(k) for k in rule.required_kinds.values_list("public_id", flat=True)
            ),
            "min_age": rule.min_age,
            "max_age": rule.max_age,
        }
    rule.patients = patients
    rule.min_age, rule.max_age = min_age, max_age
    rule.stamp(actor)
    try:
        with transaction.atomic():
            rule.save()
    except IntegrityError as exc:  # another admin created it a moment ago
        raise Conflict(
            f"Someone else just saved the rule for {visit_type.name}. Reload and try again.",
            field="visit_type",
        ) from exc
    rule.providers.set(providers)
    rule.required_kinds.set(required_kinds)
    after = {
        "providers": sorted(str(p.public_id) for p in providers),
        "patients": patients,
        "required_kinds": sorted(str(k.public_id) for k in required_kinds),
        "min_age": min_age,
        "max_age": max_age,
    }
    if after != before:
        action = AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE
        _setup_audit(
            actor, rule, action, visit_type=str(visit_type.public_id), before=before, **after
        )
    return rule


@transaction.atomic
def provider_age_rule_save(
    *, actor: User, provider: Provider, min_age: int | None = None, max_age: int | None = None
) -> ProviderAgeRule:
    """Set the ages a provider sees (both empty: every age), e.g. a pediatrician under 18."""
    require(actor, "schedule.manage")
    if provider is None or provider.clinic_id != actor.clinic_id:
        raise ValidationFailed("There is no such provider in this clinic.", field="provider")
    _check_ages(min_age, max_age)
    found = ProviderAgeRule.objects.select_for_update().filter(provider=provider).first()
    rule = found or ProviderAgeRule(clinic_id=actor.clinic_id, provider=provider)
    before = None if found is None else {"min_age": found.min_age, "max_age": found.max_age}
    after = {"min_age": min_age, "max_age": max_age}
    if before == after:
        return rule
    rule.min_age, rule.max_age = min_age, max_age
    rule.stamp(actor)
    try:
        with transaction.atomic():
            rule.save()
    except IntegrityError as exc:  # another admin created it a moment ago
        raise Conflict(
            f"Someone else just saved the ages for {provider.display_name}. Reload and try again.",
            field="provider",
        ) from exc
    action = AuditEvent.Action.CREATE if found is None else AuditEvent.Action.UPDATE
    _setup_audit(actor, rule, action, provider=str(provider.public_id), before=before, **after)
    return rule
