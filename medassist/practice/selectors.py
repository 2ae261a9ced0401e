"""Reads of practice set-up data, always scoped to the user's clinic."""

from __future__ import annotations

from django.db.models import QuerySet

from medassist.core.access import get_scoped
from medassist.practice.models import Location, Payer, Provider, Room, User, VisitType
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


def access_payer(*, user, id) -> Payer:
    require(user, "practice.manage")
    return get_scoped(Payer.objects.all(), public_id=id, what="payer", clinic_id=user.clinic_id)


def access_staff_user(*, user, id) -> User:
    require(user, "practice.manage")
    return get_scoped(
        User.objects.all(), public_id=id, what="staff member", clinic_id=user.clinic_id
    )


def visit_type_list(*, user, active_only: bool = True) -> QuerySet[VisitType]:
    qs = VisitType.objects.filter(clinic_id=user.clinic_id)
    return qs.filter(active=True) if active_only else qs


def location_list(*, user, active_only: bool = True) -> QuerySet[Location]:
    qs = Location.objects.filter(clinic_id=user.clinic_id).order_by("name")
    return qs.filter(active=True) if active_only else qs


def room_list(
    *, user, location: Location | None = None, active_only: bool = True
) -> QuerySet[Room]:
    qs = Room.objects.filter(location__clinic_id=user.clinic_id).select_related("location")
    if active_only:
        qs = qs.filter(active=True)
    return qs.filter(location=location) if location else qs


def payer_list(*, user, active_only: bool = True) -> QuerySet[Payer]:
    qs = Payer.objects.filter(clinic_id=user.clinic_id)
    return qs.filter(active=True) if active_only else qs


def staff_list(*, user) -> QuerySet[User]:
    """Every account of the user's clinic, active or not, with its provider when it is one."""
    require(user, "practice.manage")
    return (
        User.objects.filter(clinic_id=user.clinic_id)
        .select_related("provider")
        .order_by("last_name", "first_name", "username")
    )
