"""Refused access is audited: every 401, 403 and 404 a page, the API or the FHIR server
answers (staff views, the API's exception handlers, FHIR's OperationOutcomes, Django's error
pages) is one `refused` event, written here, after the refused request's own transaction
was rolled back, so that the record of the refusal is not rolled back with it.

A 404 is recorded when the address named a page or endpoint (a record that is not there or
not the user's clinic's), not for an address that names nothing (favicon.ico, scanners)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from medassist.audit.services import audit_refused, hold_refusals, keep_held_refusals

REFUSED = {401, 403, 404}


class RefusedAccessMiddleware:
    """Place after AuthenticationMiddleware and RequestContextMiddleware (it needs the user
    and the request's facts)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        held = hold_refusals()  # a rule's refusal (scope of practice) outlives the rollback too
        try:
            response = self.get_response(request)
        finally:
            keep_held_refusals(held)
        if response.status_code in REFUSED and self._recorded(request, response):
            audit_refused(
                user=getattr(request, "user", None),
                method=request.method or "",
                path=request.path,
                status=response.status_code,
            )
        return response

    @staticmethod
    def _recorded(request: HttpRequest, response: HttpResponse) -> bool:
        if request.path.startswith(settings.STATIC_URL or "/static/"):
            return False
        return response.status_code != 404 or request.resolver_match is not None
