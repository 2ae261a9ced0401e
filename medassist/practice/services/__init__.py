"""Every write of practice set-up: the clinic, locations, rooms, staff users, providers, visit
types and payers. Each service checks `practice.manage` (clinic admins, their own clinic; an
operator, any clinic), validates, saves and writes its audit event in one transaction.

The API, the Django admin and any future set-up screen call these; none saves rows itself."""

from medassist.practice.services.catalog import (
    payer_create,
    payer_update,
    visit_type_create,
    visit_type_update,
)
from medassist.practice.services.clinic import (
    clinic_create,
    clinic_update,
    location_create,
    location_update,
    room_create,
    room_update,
)
from medassist.practice.services.providers import (
    provider_create,
    provider_link_user,
    provider_update,
)
from medassist.practice.services.staff import (
    staff_user_change_role,
    staff_user_create,
    staff_user_set_active,
    staff_user_set_admin_access,
    staff_user_set_password,
    staff_user_update,
)

__all__ = [
    "clinic_create",
    "clinic_update",
    "location_create",
    "location_update",
    "payer_create",
    "payer_update",
    "provider_create",
    "provider_link_user",
    "provider_update",
    "room_create",
    "room_update",
    "staff_user_change_role",
    "staff_user_create",
    "staff_user_set_active",
    "staff_user_set_admin_access",
    "staff_user_set_password",
    "staff_user_update",
    "visit_type_create",
    "visit_type_update",
]
