"""Two-step sign-in for the demo's logins: the roles that must use it (clinic admin, biller)
are enrolled when the demo loads, so the tour works without a phone; `medassist demo --code
USERNAME` prints the current 6-digit code of a demo login (of the demo clinic only)."""

from __future__ import annotations

import pyotp

from medassist.core.errors import NotFound
from medassist.practice.models import Clinic, TotpDevice, User
from medassist.practice.roles import two_step_required
from medassist.practice.services.two_step import totp_enrolment_begin, totp_enrolment_confirm


def enrol_demo_logins(clinic: Clinic) -> list[str]:
    """Enrol every demo login whose role requires the second step; their usernames."""
    enrolled = []
    for user in User.objects.filter(clinic=clinic, is_active=True).order_by("username"):
        if not two_step_required(user):
            continue
        device = totp_enrolment_begin(actor=user)
        totp_enrolment_confirm(actor=user, code=pyotp.TOTP(device.secret).now())
        enrolled.append(user.username)
    return enrolled


def current_code(clinic: Clinic, username: str) -> str:
    """The code a demo login's authenticator shows now (NotFound outside the demo clinic)."""
    device = TotpDevice.objects.filter(
        user__clinic=clinic, user__username=username, confirmed_at__isnull=False
    ).first()
    if device is None:
        raise NotFound(f"{username!r} is not a demo login with two-step sign-in.")
    return pyotp.TOTP(device.secret).now()
