"""Sign-in security for API clients: a clinic admin issues a colleague's one-time password
reset link or resets their two-step sign-in; a script rotates the bearer token it calls with."""

from __future__ import annotations

import uuid

from django.conf import settings
from ninja import Router
from ninja.responses import codes_4xx

from medassist.core.errors import PermissionDenied
from medassist.practice import selectors, services
from medassist.practice.roles import require
from medassist.practice.schemas import ErrorOut, ResetLinkOut, TokenOut
from medassist.practice.tokens import token_for_key

router = Router()

ERRORS = {codes_4xx: ErrorOut}


@router.post("/setup/staff/{user_id}/reset-link", response={201: ResetLinkOut, **ERRORS})
def issue_reset_link(request, user_id: uuid.UUID):
    """A link with which the staff member sets a new password once, within
    MEDASSIST_RESET_LINK_HOURS (24 by default). Hand it over in person; it is not stored."""
    require(request.auth, "practice.manage")
    staff = selectors.access_staff_user(user=request.auth, id=user_id)
    path = services.password_reset_link_issue(actor=request.auth, user=staff)
    return 201, {"path": path, "valid_hours": settings.PASSWORD_RESET_TIMEOUT / 3600}


@router.post("/setup/staff/{user_id}/two-step/reset", response={204: None, **ERRORS})
def reset_two_step(request, user_id: uuid.UUID):
    """Remove the staff member's authenticator and recovery codes (a lost phone); where their
    role or the clinic requires two-step sign-in, they set it up again at their next sign-in."""
    require(request.auth, "practice.manage")
    staff = selectors.access_staff_user(user=request.auth, id=user_id)
    services.staff_user_reset_two_step(actor=request.auth, user=staff)
    return 204, None


@router.post("/tokens/rotate", response={201: TokenOut, **ERRORS})
def rotate_token(request):
    """Swap the bearer token of this request for a new key (a fresh expiry, the same name);
    the old key stops working at once. Call it with the token, before it expires."""
    header = request.headers.get("Authorization", "")
    token = token_for_key(header[7:].strip()) if header[:7].lower() == "bearer " else None
    if token is None:
        raise PermissionDenied("Rotate a token by calling with it (Authorization: Bearer …).")
    new, key = services.api_token_rotate(actor=request.auth, token=token)
    return 201, {"token": key, "prefix": new.prefix, "name": new.name, "expires_at": new.expires_at}
