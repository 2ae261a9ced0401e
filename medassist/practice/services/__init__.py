"""Every write of practice set-up: the clinic, locations, rooms, staff users, providers, visit
types and payers; and of sign-in security: two-step sign-in, passwords, API tokens. Each
set-up service checks `practice.manage` (clinic admins, their own clinic; an operator, any
clinic), validates, saves and writes its audit event in one transaction.

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
from medassist.practice.services.credentials import (
    staff_credential_add,
    staff_credential_withdraw,
    training_record_add,
    training_record_withdraw,
)
from medassist.practice.services.passwords import (
    password_change,
    password_reset_complete,
    password_reset_link_issue,
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
    staff_user_set_location,
    staff_user_set_password,
    staff_user_update,
)
from medassist.practice.services.tokens import api_token_issue, api_token_rotate
from medassist.practice.services.two_step import (
    clinic_set_two_step_for_all,
    recovery_codes_renew,
    staff_user_reset_two_step,
    totp_enrolment_begin,
    totp_enrolment_confirm,
    two_step_turn_off,
)

__all__ = [
    "api_token_issue",
    "api_token_rotate",
    "clinic_create",
    "clinic_set_two_step_for_all",
    "clinic_update",
    "location_create",
    "location_update",
    "password_change",
    "password_reset_complete",
    "password_reset_link_issue",
    "payer_create",
    "payer_update",
    "provider_create",
    "provider_link_user",
    "provider_update",
    "recovery_codes_renew",
    "room_create",
    "room_update",
    "staff_credential_add",
    "staff_credential_withdraw",
    "staff_user_change_role",
    "staff_user_create",
    "staff_user_reset_two_step",
    "staff_user_set_active",
    "staff_user_set_admin_access",
    "staff_user_set_location",
    "staff_user_set_password",
    "staff_user_update",
    "totp_enrolment_begin",
    "totp_enrolment_confirm",
    "training_record_add",
    "training_record_withdraw",
    "two_step_turn_off",
    "visit_type_create",
    "visit_type_update",
]
