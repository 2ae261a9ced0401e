"""Practice set-up for API clients: your own clinic's providers, visit types, places and
payers for everyone on staff; under /setup/, their set-up (and the staff) for clinic admins."""

from __future__ import annotations

import uuid

from ninja import Router
from ninja.responses import codes_4xx

from medassist.practice import selectors, services
from medassist.practice.roles import require, staff_clinic
from medassist.practice.schemas import (
    ClinicOut,
    ClinicPatch,
    ErrorOut,
    LocationIn,
    LocationOut,
    LocationPatch,
    PasswordIn,
    PayerIn,
    PayerOut,
    PayerPatch,
    ProviderIn,
    ProviderOut,
    ProviderPatch,
    RoomOut,
    RoomPatch,
    SetupLocationOut,
    SetupPayerOut,
    SetupProviderOut,
    SetupRoomIn,
    SetupRoomOut,
    SetupVisitTypeOut,
    StaffIn,
    StaffOut,
    StaffPatch,
    VisitTypeIn,
    VisitTypeOut,
    VisitTypePatch,
    as_local,
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


# ---------------------------------------------------------------------------- clinic set-up
# Clinic admins only (`practice.manage`), their own clinic. Lists show rows in and out of use;
# a PATCH changes only the fields it sends. Another clinic's ids are "not found" (404).


def _clinic_data(clinic) -> dict:
    return {
        "id": clinic.public_id,
        "name": clinic.name,
        "timezone": clinic.timezone,
        "state": clinic.state,
        "phone": clinic.phone,
        "mrn_prefix": clinic.mrn_prefix,
        "two_step_for_all": clinic.mfa_for_all_staff,
    }


def _location_data(loc) -> dict:
    return {
        "id": loc.public_id,
        "name": loc.name,
        "address_line1": loc.address_line1,
        "city": loc.city,
        "state": loc.state,
        "postal_code": loc.postal_code,
        "phone": loc.phone,
        "active": loc.active,
    }


def _room_data(room) -> dict:
    return {
        "id": room.public_id,
        "name": room.name,
        "kind": room.kind,
        "location": {"id": room.location.public_id, "name": room.location.name},
        "active": room.active,
    }


def _provider_data(p) -> dict:
    return {
        "id": p.public_id,
        "first_name": p.first_name,
        "last_name": p.last_name,
        "display_name": p.display_name,
        "credentials": p.credentials,
        "npi": p.npi,
        "specialty": p.specialty,
        "location_ids": [loc.public_id for loc in p.locations.all()],
        "active": p.active,
        "user": {"id": p.user.public_id, "username": p.user.username} if p.user else None,
    }


def _visit_type_data(v) -> dict:
    return {
        "id": v.public_id,
        "name": v.name,
        "code": v.code,
        "duration_minutes": v.duration_minutes,
        "active": v.active,
    }


def _payer_data(p) -> dict:
    return {"id": p.public_id, "name": p.name, "payer_id": p.payer_id, "active": p.active}


def _staff_data(u, tz) -> dict:
    provider = getattr(u, "provider", None)
    return {
        "id": u.public_id,
        "username": u.username,
        "first_name": u.first_name,
        "last_name": u.last_name,
        "email": u.email,
        "role": u.role,
        "active": u.is_active,
        "admin_site": u.is_staff,
        "password_login": u.has_usable_password(),
        "last_login": as_local(u.last_login, tz),
        "provider_id": provider.public_id if provider else None,
    }


def _manager(request):
    """The clinic admin making the request and their clinic."""
    require(request.auth, "practice.manage")
    return request.auth, staff_clinic(request.auth)


@router.get("/setup/clinic", response={200: ClinicOut, **ERRORS})
def get_clinic(request):
    _, clinic = _manager(request)
    return _clinic_data(clinic)


@router.patch("/setup/clinic", response={200: ClinicOut, **ERRORS})
def update_clinic(request, payload: ClinicPatch):
    """Name, time zone (e.g. America/New_York), state, phone, MRN prefix (for new patients)."""
    user, clinic = _manager(request)
    values = payload.model_dump()
    two_step_for_all = values.pop("two_step_for_all")
    clinic = services.clinic_update(actor=user, clinic=clinic, **values)
    if two_step_for_all is not None:
        clinic = services.clinic_set_two_step_for_all(
            actor=user, clinic=clinic, required=two_step_for_all
        )
    return _clinic_data(clinic)


@router.get("/setup/locations", response={200: list[SetupLocationOut], **ERRORS})
def setup_locations(request):
    user, _ = _manager(request)
    return [_location_data(loc) for loc in selectors.location_list(user=user, active_only=False)]


@router.post("/setup/locations", response={201: SetupLocationOut, **ERRORS})
def create_location(request, payload: LocationIn):
    user, clinic = _manager(request)
    location = services.location_create(actor=user, clinic=clinic, **payload.model_dump())
    return 201, _location_data(location)


@router.patch("/setup/locations/{location_id}", response={200: SetupLocationOut, **ERRORS})
def update_location(request, location_id: uuid.UUID, payload: LocationPatch):
    """`"active": false` takes the location out of use once its rooms are."""
    user, _ = _manager(request)
    location = selectors.access_location(user=user, id=location_id)
    location = services.location_update(actor=user, location=location, **payload.model_dump())
    return _location_data(location)


@router.get("/setup/rooms", response={200: list[SetupRoomOut], **ERRORS})
def setup_rooms(request):
    user, _ = _manager(request)
    return [_room_data(r) for r in selectors.room_list(user=user, active_only=False)]


@router.post("/setup/rooms", response={201: SetupRoomOut, **ERRORS})
def create_room(request, payload: SetupRoomIn):
    user, _ = _manager(request)
    location = selectors.access_location(user=user, id=payload.location)
    room = services.room_create(actor=user, location=location, name=payload.name, kind=payload.kind)
    return 201, _room_data(room)


@router.patch("/setup/rooms/{room_id}", response={200: SetupRoomOut, **ERRORS})
def update_room(request, room_id: uuid.UUID, payload: RoomPatch):
    """Rename, re-kind, move to another location of the clinic, or take out of use."""
    user, _ = _manager(request)
    room = selectors.access_room(user=user, id=room_id)
    values = payload.model_dump()
    location_id = values.pop("location")
    location = selectors.access_location(user=user, id=location_id) if location_id else None
    room = services.room_update(actor=user, room=room, location=location, **values)
    return _room_data(room)


def _locations(user, ids) -> list:
    return [selectors.access_location(user=user, id=i) for i in dict.fromkeys(ids)]


@router.get("/setup/providers", response={200: list[SetupProviderOut], **ERRORS})
def setup_providers(request):
    user, _ = _manager(request)
    providers = selectors.provider_list(user=user, active_only=False)
    return [
        _provider_data(p) for p in providers.select_related("user").prefetch_related("locations")
    ]


@router.post("/setup/providers", response={201: SetupProviderOut, **ERRORS})
def create_provider(request, payload: ProviderIn):
    """The NPI is checked (10 digits, its check digit) and unique in the clinic."""
    user, clinic = _manager(request)
    values = payload.model_dump()
    location_ids, login = values.pop("location_ids"), values.pop("user")
    provider = services.provider_create(
        actor=user,
        clinic=clinic,
        locations=_locations(user, location_ids),
        user=selectors.access_staff_user(user=user, id=login) if login else None,
        **values,
    )
    return 201, _provider_data(provider)


@router.patch("/setup/providers/{provider_id}", response={200: SetupProviderOut, **ERRORS})
def update_provider(request, provider_id: uuid.UUID, payload: ProviderPatch):
    user, _ = _manager(request)
    provider = selectors.access_provider(user=user, id=provider_id)
    values = payload.model_dump()
    location_ids, login = values.pop("location_ids"), values.pop("user")
    if "user" in payload.model_fields_set:
        provider = services.provider_link_user(
            actor=user,
            provider=provider,
            user=selectors.access_staff_user(user=user, id=login) if login else None,
        )
    provider = services.provider_update(
        actor=user,
        provider=provider,
        locations=None if location_ids is None else _locations(user, location_ids),
        **values,
    )
    return _provider_data(provider)


@router.get("/setup/visit-types", response={200: list[SetupVisitTypeOut], **ERRORS})
def setup_visit_types(request):
    user, _ = _manager(request)
    return [_visit_type_data(v) for v in selectors.visit_type_list(user=user, active_only=False)]


@router.post("/setup/visit-types", response={201: SetupVisitTypeOut, **ERRORS})
def create_visit_type(request, payload: VisitTypeIn):
    """`code` is a lower-case slug unique in the clinic; 5 to 480 minutes."""
    user, clinic = _manager(request)
    visit_type = services.visit_type_create(actor=user, clinic=clinic, **payload.model_dump())
    return 201, _visit_type_data(visit_type)


@router.patch("/setup/visit-types/{visit_type_id}", response={200: SetupVisitTypeOut, **ERRORS})
def update_visit_type(request, visit_type_id: uuid.UUID, payload: VisitTypePatch):
    user, _ = _manager(request)
    visit_type = selectors.access_visit_type(user=user, id=visit_type_id)
    visit_type = services.visit_type_update(
        actor=user, visit_type=visit_type, **payload.model_dump()
    )
    return _visit_type_data(visit_type)


@router.get("/setup/payers", response={200: list[SetupPayerOut], **ERRORS})
def setup_payers(request):
    user, _ = _manager(request)
    return [_payer_data(p) for p in selectors.payer_list(user=user, active_only=False)]


@router.post("/setup/payers", response={201: SetupPayerOut, **ERRORS})
def create_payer(request, payload: PayerIn):
    """Names (case aside) and electronic payer ids are unique in the clinic."""
    user, clinic = _manager(request)
    payer = services.payer_create(actor=user, clinic=clinic, **payload.model_dump())
    return 201, _payer_data(payer)


@router.patch("/setup/payers/{payer_id}", response={200: SetupPayerOut, **ERRORS})
def update_payer(request, payer_id: uuid.UUID, payload: PayerPatch):
    user, _ = _manager(request)
    payer = selectors.access_payer(user=user, id=payer_id)
    payer = services.payer_update(actor=user, payer=payer, **payload.model_dump())
    return _payer_data(payer)


@router.get("/setup/staff", response={200: list[StaffOut], **ERRORS})
def setup_staff(request):
    user, clinic = _manager(request)
    return [_staff_data(u, clinic.tz) for u in selectors.staff_list(user=user)]


@router.post("/setup/staff", response={201: StaffOut, **ERRORS})
def create_staff_user(request, payload: StaffIn):
    """A staff account with one role; without a password nobody can log in as it yet."""
    user, clinic = _manager(request)
    staff = services.staff_user_create(actor=user, clinic=clinic, **payload.model_dump())
    return 201, _staff_data(staff, clinic.tz)


@router.patch("/setup/staff/{user_id}", response={200: StaffOut, **ERRORS})
def update_staff_user(request, user_id: uuid.UUID, payload: StaffPatch):
    """Each privilege change is its own audited act. The clinic's last active clinic admin
    can be neither demoted nor deactivated (422 `last_admin`)."""
    user, clinic = _manager(request)
    staff = selectors.access_staff_user(user=user, id=user_id)
    values = payload.model_dump()
    role, active, admin_site = values.pop("role"), values.pop("active"), values.pop("admin_site")
    staff = services.staff_user_update(actor=user, user=staff, **values)
    if role is not None:
        staff = services.staff_user_change_role(actor=user, user=staff, role=role)
    if active is not None:
        staff = services.staff_user_set_active(actor=user, user=staff, active=active)
    if admin_site is not None:
        staff = services.staff_user_set_admin_access(actor=user, user=staff, allowed=admin_site)
    return _staff_data(staff, clinic.tz)


@router.post("/setup/staff/{user_id}/password", response={204: None, **ERRORS})
def set_staff_password(request, user_id: uuid.UUID, payload: PasswordIn):
    """Set the account's password (the clinic's password rules apply), or with null turn
    password login off. The password is never stored or logged as sent."""
    user, _ = _manager(request)
    staff = selectors.access_staff_user(user=user, id=user_id)
    services.staff_user_set_password(actor=user, user=staff, password=payload.password)
    return 204, None
