"""Practice set-up for API clients: your own clinic's providers, visit types, places, payers."""

from __future__ import annotations

from ninja import Router
from ninja.responses import codes_4xx

from medassist.practice import selectors
from medassist.practice.roles import require
from medassist.practice.schemas import (
    ErrorOut,
    LocationOut,
    PayerOut,
    ProviderOut,
    RoomOut,
    VisitTypeOut,
)

router = Router()

ERRORS = {codes_4xx: ErrorOut}


@router.get("/providers", response={200: list[ProviderOut], **ERRORS})
def list_providers(request):
    """Active providers of your clinic, with the ids of the locations they work at."""
    require(request.auth, "schedule.view")
    providers = selectors.provider_list(user=request.auth).prefetch_related("locations")
    return [
        {
            "id": p.public_id,
            "first_name": p.first_name,
            "last_name": p.last_name,
            "display_name": p.display_name,
            "credentials": p.credentials,
            "npi": p.npi,
            "specialty": p.specialty,
            "location_ids": [loc.public_id for loc in p.locations.all()],
        }
        for p in providers
    ]


@router.get("/visit-types", response={200: list[VisitTypeOut], **ERRORS})
def list_visit_types(request):
    require(request.auth, "schedule.view")
    return [
        {"id": v.public_id, "name": v.name, "code": v.code, "duration_minutes": v.duration_minutes}
        for v in selectors.visit_type_list(user=request.auth)
    ]


@router.get("/locations", response={200: list[LocationOut], **ERRORS})
def list_locations(request):
    require(request.auth, "schedule.view")
    return [
        {
            "id": loc.public_id,
            "name": loc.name,
            "address_line1": loc.address_line1,
            "city": loc.city,
            "state": loc.state,
            "postal_code": loc.postal_code,
            "phone": loc.phone,
        }
        for loc in selectors.location_list(user=request.auth)
    ]


@router.get("/rooms", response={200: list[RoomOut], **ERRORS})
def list_rooms(request):
    require(request.auth, "schedule.view")
    return [
        {
            "id": r.public_id,
            "name": r.name,
            "kind": r.kind,
            "location": {"id": r.location.public_id, "name": r.location.name},
        }
        for r in selectors.room_list(user=request.auth)
    ]


@router.get("/payers", response={200: list[PayerOut], **ERRORS})
def list_payers(request):
    require(request.auth, "patient.view")
    return [
        {"id": p.public_id, "name": p.name, "payer_id": p.payer_id}
        for p in selectors.payer_list(user=request.auth)
    ]
