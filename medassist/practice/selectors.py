"""Reads of practice set-up data, always scoped to the user's clinic."""

from __future__ import annotations

from django.db.models import QuerySet

from medassist.core.access import get_scoped
from medassist.practice.models import Location, Payer, Provider, Room, VisitType
from medassist.practice.roles import require


def access_provider(*, user, id) -> Provider:
    require(user, "schedule.view")
    return get_scoped(
        Provider.objects.all(), public_id=id, what="provider", clinic_id=user.clinic_id
    )


def access_visit_type(*, user, id) -> VisitType:
    require(user, "schedule.view")
    return get_scoped(
        VisitType.objects.all(), public_id=id, what="visit type", clinic_id=user.clinic_id
    )


def access_location(*, user, id) -> Location:
    require(user, "schedule.view")
    return get_scoped(
        Location.objects.all(), public_id=id, what="location", clinic_id=user.clinic_id
    )


def access_room(*, user, id) -> Room:
    require(user, "schedule.view")
    return get_scoped(
        Room.objects.select_related("location"),
        public_id=id,
        what="room",
        location__clinic_id=user.clinic_id,
    )


def provider_list(*, user, active_only: bool = True) -> QuerySet[Provider]:
    qs = Provider.objects.filter(clinic_id=user.clinic_id)
    return qs.filter(active=True) if active_only else qs


def visit_type_list(*, user) -> QuerySet[VisitType]:
    return VisitType.objects.filter(clinic_id=user.clinic_id, active=True)


def location_list(*, user) -> QuerySet[Location]:
    return Location.objects.filter(clinic_id=user.clinic_id, active=True).order_by("name")


def room_list(*, user, location: Location | None = None) -> QuerySet[Room]:
    qs = Room.objects.filter(location__clinic_id=user.clinic_id, active=True).select_related(
        "location"
    )
    return qs.filter(location=location) if location else qs


def payer_list(*, user) -> QuerySet[Payer]:
    return Payer.objects.filter(clinic_id=user.clinic_id, active=True)
