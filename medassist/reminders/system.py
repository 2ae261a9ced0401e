"""The clinic's automation user: who a patient's own action (a text reply, a link) is done as.

Scheduling services need an actor with a clinic and a role. A patient who cancels by replying
X, or accepts a waitlist offer from a link, acts through one user per clinic:

- username `system-<first 12 hex digits of the clinic's public id>`,
- name "Automated messages", role front desk (the least role that may book and cancel),
- an unusable password: nobody can log in as it.

Every status change, booking and audit event it makes therefore reads "Automated messages",
with a reason that says the patient did it ("Cancelled by the patient by text reply")."""

from __future__ import annotations

from medassist.practice.models import Clinic, User
from medassist.practice.roles import Role

SYSTEM_FIRST_NAME = "Automated"
SYSTEM_LAST_NAME = "messages"


def system_username(clinic: Clinic) -> str:
    return f"system-{clinic.public_id.hex[:12]}"


def system_user(clinic: Clinic) -> User:
    user = User.objects.filter(username=system_username(clinic)).first()
    if user is None:
        user = User(
            username=system_username(clinic),
            clinic=clinic,
            role=Role.FRONT_DESK,
            first_name=SYSTEM_FIRST_NAME,
            last_name=SYSTEM_LAST_NAME,
            is_active=True,
        )
        user.set_unusable_password()
        user.save()
    user.clinic = clinic  # saves a query for actor.clinic
    return user


def is_system_user(user) -> bool:
    return getattr(user, "username", "").startswith("system-") and not user.has_usable_password()
