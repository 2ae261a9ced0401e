"""The acting staff member of a service: a `User` of one clinic.

Services take `actor: User`; `clinic_of(actor)` gives the clinic they act in (a login without a
clinic can do nothing: views and the API refuse it before any service is called)."""

from __future__ import annotations

from medassist.core.errors import PermissionDenied
from medassist.practice.models import Clinic, User


def clinic_of(user: User) -> Clinic:
    """The clinic a staff member acts in; PermissionDenied for a login of no clinic."""
    clinic = user.clinic
    if clinic is None:
        raise PermissionDenied("Your login is not part of a clinic.")
    return clinic
