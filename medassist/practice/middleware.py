"""The absolute session limit: a sign-in lasts MEDASSIST_SESSION_MAX_HOURS (12 by default)
however active its user is; then they sign in again (with their second step). The idle limit
is core's `ActivityKeepsSessionMiddleware`. Place after AuthenticationMiddleware."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from medassist.core.middleware import AUTO_REFRESH_HEADER

SIGNED_IN_AT = "medassist_signed_in_at"


def stamp_sign_in(request: HttpRequest) -> None:
    """Note when this session signed in (after `login`, which starts a new session)."""
    request.session[SIGNED_IN_AT] = time.time()


class SessionAgeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.MEDASSIST_SESSION_MAX_HOURS * 3600
        user = getattr(request, "user", None)
        if limit > 0 and user is not None and user.is_authenticated:
            signed_in_at = request.session.get(SIGNED_IN_AT)
            if signed_in_at is None:
                # A session from before this limit, or one started outside the login page:
                # counted from now, at the user's own request (a screen refreshing itself
                # does not save the session, core.middleware).
                if AUTO_REFRESH_HEADER not in request.headers:
                    stamp_sign_in(request)
            elif time.time() - float(signed_in_at) > limit:
                return self._ended(request)
        return self.get_response(request)

    def _ended(self, request: HttpRequest) -> HttpResponse:
        logout(request)
        hours = settings.MEDASSIST_SESSION_MAX_HOURS
        text = f"You were signed in for {hours:g} hours, the most one sign-in lasts; sign in again."
        if request.path.startswith(("/api/", "/fhir/")):
            # Not authenticated from here on: the endpoint answers 401 in its own format.
            return self.get_response(request)
        if request.headers.get("HX-Request"):
            response = HttpResponse(text, status=401)
            response["HX-Redirect"] = f"/login/?next={request.path}"
            return response
        messages.warning(request, text)
        return redirect(f"/login/?next={request.path}")
