"""Availability for API clients: open slots, booking one, and the set-up of weekly templates,
exceptions, holidays, resources and visit-type rules (clinic admins)."""

from __future__ import annotations

import uuid
from datetime import time
from typing import Annotated

from ninja import Query, Router
from ninja.responses import codes_4xx
from pydantic import BeforeValidator

from medassist.availability.models import ResourceKind
from medassist.availability.schemas import (
    ExceptionIn,
    ExceptionOut,
    HolidayIn,
    HolidayLoadIn,
    HolidayOut,
    ResourceIn,
    ResourceKindIn,
    ResourceKindOut,
    ResourceOut,
    ResourcePatch,
    SessionIn,
    SessionOut,
    SlotOut,
    VisitTypeRuleIn,
    VisitTypeRuleOut,
)
from medassist.availability.selectors import (
    access_exception,
    access_holiday,
    access_resource,
    access_resource_kind,
    access_session,
    exception_list,
    first_available,
    holiday_list,
    kinds_required_by,
    resource_kind_list,
    session_list,
    visit_type_rule_rows,
)
from medassist.availability.services import (
    exception_add,
    exception_remove,
    holiday_add,
    holiday_remove,
    holidays_load,
    resource_create,
    resource_kind_create,
    resource_kind_remove,
    resource_kind_rename,
    resource_set_active,
    resource_update,
    session_add,
    session_remove,
    visit_type_rule_save,
)
from medassist.core.errors import NotFound, ValidationFailed
from medassist.patients.selectors import access_patient
from medassist.practice.roles import require
from medassist.practice.schemas import ErrorOut, IsoDate, as_local
from medassist.practice.selectors import (
    access_location,
    access_provider,
    access_room,
    access_visit_type,
    provider_list,
)

router = Router()

ERRORS = {codes_4xx: ErrorOut}


def _blank_is_none(value):
    return None if value == "" else value


OptionalId = Annotated[uuid.UUID | None, BeforeValidator(_blank_is_none)]


def parse_time_of_day(raw: str | None):
    """ "morning", "afternoon", "evening", or "HH:MM-HH:MM"."""
    if not raw:
        return None
    raw = raw.strip().lower()
    if "-" in raw:
        try:
            a, b = raw.split("-", 1)
            return time.fromisoformat(a.strip()), time.fromisoformat(b.strip())
        except ValueError as exc:
            raise ValidationFailed(
                "Write the window as HH:MM-HH:MM, e.g. 09:00-11:30.", field="time_of_day"
            ) from exc
    return raw


def ref_of(obj, name=None) -> dict:
    return {"id": obj.public_id, "name": name or getattr(obj, "display_name", None) or obj.name}


def slot_data(slot, tz) -> dict:
    return {
        "start": as_local(slot.start, tz),
        "end": as_local(slot.end, tz),
        "provider": ref_of(slot.provider),
        "location": ref_of(slot.location, slot.location.name),
        "resources": [ref_of(r, r.name) for r in slot.resources],
    }


def session_data(s) -> dict:
    return {
        "id": s.public_id,
        "provider": ref_of(s.provider),
        "location": ref_of(s.location, s.location.name),
        "weekday": s.weekday,
        "weekday_name": s.get_weekday_display(),
        "start_time": f"{s.start_time:%H:%M}",
        "end_time": f"{s.end_time:%H:%M}",
        "effective_from": s.effective_from,
        "effective_to": s.effective_to,
    }


def exception_data(x) -> dict:
    return {
        "id": x.public_id,
        "provider": ref_of(x.provider),
        "kind": x.kind,
        "start_date": x.start_date,
        "end_date": x.end_date,
        "start_time": f"{x.start_time:%H:%M}" if x.start_time else None,
        "end_time": f"{x.end_time:%H:%M}" if x.end_time else None,
        "all_day": x.all_day,
        "location": ref_of(x.location, x.location.name) if x.location else None,
        "reason": x.reason,
    }


def holiday_data(h) -> dict:
    return {
        "id": h.public_id,
        "date": h.date,
        "name": h.name,
        "source": h.source,
        "location": ref_of(h.location, h.location.name) if h.location else None,
    }


@router.get("/slots", response={200: list[SlotOut], **ERRORS})
def slots(
    request,
    visit_type: Annotated[uuid.UUID, Query(description="The visit type to book.")],
    date_from: Annotated[IsoDate, Query(description="First clinic-local date to search.")],
    date_to: Annotated[IsoDate, Query(description="Last clinic-local date to search.")],
    provider: Annotated[OptionalId, Query(None)] = None,
    location: Annotated[OptionalId, Query(None)] = None,
    patient: Annotated[OptionalId, Query(None, description="Applies rules and ranking.")] = None,
    time_of_day: Annotated[
        str | None,
        Query(None, max_length=20, description="morning, afternoon, evening or HH:MM-HH:MM"),
    ] = None,
    limit: Annotated[int, Query(10, ge=1, le=100)] = 10,
):
    """The first open slots, best first: earliest; at the same time the patient's usual
    provider, then the provider with the fewest visits that day."""
    user = request.auth
    require(user, "schedule.view")
    vt = access_visit_type(user=user, id=visit_type)
    found = first_available(
        user=user,
        visit_type=vt,
        provider=access_provider(user=user, id=provider) if provider else None,
        location=access_location(user=user, id=location) if location else None,
        patient=access_patient(user=user, id=patient, audit=False) if patient else None,
        date_from=date_from,
        date_to=date_to,
        time_of_day=parse_time_of_day(time_of_day),
        limit=limit,
    )
    return [slot_data(s, user.clinic.tz) for s in found]


# ---------------------------------------------------------------------------- set-up


@router.get("/providers/{provider_id}/sessions", response={200: list[SessionOut], **ERRORS})
def list_sessions(request, provider_id: uuid.UUID):
    """A provider's weekly template."""
    user = request.auth
    provider = access_provider(user=user, id=provider_id)
    return [session_data(s) for s in session_list(user=user, provider=provider)]


@router.post("/providers/{provider_id}/sessions", response={201: SessionOut, **ERRORS})
def add_session(request, provider_id: uuid.UUID, payload: SessionIn):
    user = request.auth
    require(user, "schedule.manage")
    session = session_add(
        actor=user,
        provider=access_provider(user=user, id=provider_id),
        location=access_location(user=user, id=payload.location),
        weekday=payload.weekday,
        start_time=payload.start_time,
        end_time=payload.end_time,
        effective_from=payload.effective_from,
        effective_to=payload.effective_to,
    )
    return 201, session_data(session)


@router.delete("/sessions/{session_id}", response={204: None, **ERRORS})
def remove_session(request, session_id: uuid.UUID):
    user = request.auth
    session_remove(actor=user, session=access_session(user=user, id=session_id))
    return 204, None


@router.get("/providers/{provider_id}/exceptions", response={200: list[ExceptionOut], **ERRORS})
def list_exceptions(request, provider_id: uuid.UUID):
    """A provider's time off and extra sessions that have not ended yet."""
    from medassist.scheduling.selectors import clinic_today

    user = request.auth
    provider = access_provider(user=user, id=provider_id)
    rows = exception_list(user=user, provider=provider, since=clinic_today(user.clinic))
    return [exception_data(x) for x in rows]


@router.post("/providers/{provider_id}/exceptions", response={201: ExceptionOut, **ERRORS})
def add_exception(request, provider_id: uuid.UUID, payload: ExceptionIn):
    user = request.auth
    require(user, "schedule.manage")
    x = exception_add(
        actor=user,
        provider=access_provider(user=user, id=provider_id),
        kind=payload.kind,
        start_date=payload.start_date,
        end_date=payload.end_date,
        start_time=payload.start_time,
        end_time=payload.end_time,
        location=access_location(user=user, id=payload.location) if payload.location else None,
        reason=payload.reason,
    )
    return 201, exception_data(x)


@router.delete("/exceptions/{exception_id}", response={204: None, **ERRORS})
def remove_exception(request, exception_id: uuid.UUID):
    user = request.auth
    exception_remove(actor=user, exception=access_exception(user=user, id=exception_id))
    return 204, None


@router.get("/holidays", response={200: list[HolidayOut], **ERRORS})
def list_holidays(request, year: Annotated[int | None, Query(None, ge=2000, le=2100)] = None):
    return [holiday_data(h) for h in holiday_list(user=request.auth, year=year)]


@router.post("/holidays/load", response={201: list[HolidayOut], **ERRORS})
def load_holidays(request, payload: HolidayLoadIn):
    """Add the US federal and state public holidays of a year (dates already there stay)."""
    rows = holidays_load(actor=request.auth, year=payload.year)
    return 201, [holiday_data(h) for h in rows]


@router.post("/holidays", response={201: HolidayOut, **ERRORS})
def add_holiday(request, payload: HolidayIn):
    """A manual closure of the clinic (or one location) on a date."""
    user = request.auth
    require(user, "schedule.manage")
    location = access_location(user=user, id=payload.location) if payload.location else None
    row = holiday_add(actor=user, day=payload.date, name=payload.name, location=location)
    return 201, holiday_data(row)


@router.delete("/holidays/{holiday_id}", response={204: None, **ERRORS})
def remove_holiday(request, holiday_id: uuid.UUID):
    user = request.auth
    holiday_remove(actor=user, holiday=access_holiday(user=user, id=holiday_id))
    return 204, None


# ---------------------------------------------------------------------------- resources, rules


def resource_data(r) -> dict:
    return {
        "id": r.public_id,
        "name": r.name,
        "kind": ref_of(r.kind, r.kind.name),
        "location": ref_of(r.location, r.location.name),
        "room": ref_of(r.room, r.room.name) if r.room else None,
        "active": r.active,
    }


def _scoped_many(queryset, ids, *, what: str, field: str) -> list:
    """The clinic's objects for a list of public ids; any unknown id refuses the whole list."""
    ids = list(dict.fromkeys(ids))
    found = list(queryset.filter(public_id__in=ids))
    if len(found) != len(ids):
        raise ValidationFailed(f"There is no such {what} in this clinic.", field=field)
    return found


@router.get("/resource-kinds", response={200: list[ResourceKindOut], **ERRORS})
def list_resource_kinds(request):
    """Kinds of rooms and equipment, each with its resources (in service or not)."""
    user = request.auth
    required = kinds_required_by(user=user)
    return [
        {
            "id": k.public_id,
            "name": k.name,
            "required_by": required.get(k.pk, []),
            "resources": [resource_data(r) for r in k.resources.all()],
        }
        for k in resource_kind_list(user=user)
    ]


@router.post("/resource-kinds", response={201: ResourceKindOut, **ERRORS})
def add_resource_kind(request, payload: ResourceKindIn):
    kind = resource_kind_create(actor=request.auth, name=payload.name)
    return 201, {"id": kind.public_id, "name": kind.name, "required_by": [], "resources": []}


@router.patch("/resource-kinds/{kind_id}", response={200: ResourceKindOut, **ERRORS})
def rename_resource_kind(request, kind_id: uuid.UUID, payload: ResourceKindIn):
    user = request.auth
    kind = resource_kind_rename(
        actor=user, kind=access_resource_kind(user=user, id=kind_id), name=payload.name
    )
    resources = kind.resources.select_related("kind", "location", "room").order_by("name")
    return {
        "id": kind.public_id,
        "name": kind.name,
        "required_by": kinds_required_by(user=user).get(kind.pk, []),
        "resources": [resource_data(r) for r in resources],
    }


@router.delete("/resource-kinds/{kind_id}", response={204: None, **ERRORS})
def remove_resource_kind(request, kind_id: uuid.UUID):
    """Refused (422, with the reason) while a visit-type rule requires it or it has resources."""
    user = request.auth
    resource_kind_remove(actor=user, kind=access_resource_kind(user=user, id=kind_id))
    return 204, None


@router.post("/resources", response={201: ResourceOut, **ERRORS})
def add_resource(request, payload: ResourceIn):
    user = request.auth
    require(user, "schedule.manage")
    resource = resource_create(
        actor=user,
        kind=access_resource_kind(user=user, id=payload.kind),
        location=access_location(user=user, id=payload.location),
        name=payload.name,
        room=access_room(user=user, id=payload.room) if payload.room else None,
    )
    return 201, resource_data(resource)


@router.patch("/resources/{resource_id}", response={200: ResourceOut, **ERRORS})
def change_resource(request, resource_id: uuid.UUID, payload: ResourcePatch):
    """Rename, set or clear (`"room": null`) its room, take it out of service or put it back."""
    user = request.auth
    resource = access_resource(user=user, id=resource_id)
    sent = payload.model_fields_set
    if "name" in sent or "room" in sent:
        room = resource.room
        if "room" in sent:
            room = access_room(user=user, id=payload.room) if payload.room else None
        resource = resource_update(
            actor=user, resource=resource, name=payload.name or resource.name, room=room
        )
    if payload.active is not None:
        resource = resource_set_active(actor=user, resource=resource, active=payload.active)
    return resource_data(resource)


def rule_data(row) -> dict:
    vt = row.visit_type
    return {
        "visit_type": ref_of(vt, vt.name),
        "duration_minutes": vt.duration_minutes,
        "providers": [ref_of(p) for p in row.providers],
        "patients": row.rule.patients if row.rule else "any",
        "min_age": row.rule.min_age if row.rule else None,
        "max_age": row.rule.max_age if row.rule else None,
        "required_kinds": [ref_of(k, k.name) for k in row.kinds],
        "warnings": row.warnings,
    }


@router.get("/visit-type-rules", response={200: list[VisitTypeRuleOut], **ERRORS})
def list_visit_type_rules(request):
    """Every active visit type with its rule (no providers listed: every provider offers it)
    and warnings for kinds it needs that some location has none of in service."""
    return [rule_data(row) for row in visit_type_rule_rows(user=request.auth)]


@router.put("/visit-types/{visit_type_id}/rule", response={200: VisitTypeRuleOut, **ERRORS})
def save_visit_type_rule(request, visit_type_id: uuid.UUID, payload: VisitTypeRuleIn):
    """Set a visit type's rule (created when missing); the whole rule is replaced."""
    user = request.auth
    require(user, "schedule.manage")
    vt = access_visit_type(user=user, id=visit_type_id)
    if not vt.active:
        raise NotFound("No such visit type.")
    visit_type_rule_save(
        actor=user,
        visit_type=vt,
        providers=_scoped_many(
            provider_list(user=user, active_only=False),
            payload.providers,
            what="provider",
            field="providers",
        ),
        patients=payload.patients,
        required_kinds=_scoped_many(
            ResourceKind.objects.filter(clinic_id=user.clinic_id),
            payload.required_kinds,
            what="resource kind",
            field="required_kinds",
        ),
        min_age=payload.min_age,
        max_age=payload.max_age,
    )
    row = next(r for r in visit_type_rule_rows(user=user) if r.visit_type.pk == vt.pk)
    return rule_data(row)
