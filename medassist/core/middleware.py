from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from medassist.core import context


def client_address(request: HttpRequest) -> str:
    # Only trust X-Forwarded-For when the operator says a proxy sets it.
    from django.conf import settings

    if getattr(settings, "MEDASSIST_TRUST_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "") or ""


CHANNELS = (("/api/", "api"), ("/fhir/", "fhir"))


class RequestContextMiddleware:
    """Makes the client address available to services for audit events."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        channel = next((c for p, c in CHANNELS if request.path.startswith(p)), "web")
        token = context.set_current(
            context.RequestFacts(client_address=client_address(request), channel=channel)
        )
        try:
            return self.get_response(request)
        finally:
            context.reset(token)


AUTO_REFRESH_HEADER = "X-Auto-Refresh"


class ActivityKeepsSessionMiddleware:
    """The session lives SESSION_COOKIE_AGE seconds after the user's last own action.

    A screen refreshing itself (the flow board, the worklist) sends the X-Auto-Refresh header
    and does not count as activity, so an unattended screen still logs off. Place after
    SessionMiddleware and AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if (
            session is not None
            and user is not None
            and user.is_authenticated
            and AUTO_REFRESH_HEADER not in request.headers
        ):
            session.modified = True  # saved again, so its expiry moves forward
        return response


class ClinicTimeZoneMiddleware:
    """Every time a person sees is in the clinic's zone: for a logged-in staff member, their
    clinic's, on every page, htmx fragment and Django admin screen. (Pages a patient opens
    from a link activate their clinic's zone themselves: `core.web.clinic_zone`.)
    Place after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        clinic = getattr(user, "clinic", None) if user and user.is_authenticated else None
        if clinic is not None:
            timezone.activate(clinic.tz)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class NoStoreMiddleware:
    """Pages, fragments, API and FHIR answers may hold patient data: no browser or proxy keeps
    a copy (Cache-Control: no-store). Static files keep their own caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/static/") and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store, private"
        return response


class HtmxMessagesMiddleware:
    """A message set while answering an htmx fragment belongs to that fragment (which shows its
    own result): it is used up there, so it does not leak onto the next full page. Redirects
    keep theirs for the page they lead to. Place after MessageMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        partial = getattr(request, "htmx", False) and not request.headers.get("HX-Boosted")
        leaving = 300 <= response.status_code < 400 or "HX-Redirect" in response
        if partial and not leaving:
            for _message in messages.get_messages(request):
                pass  # iterating marks them used
        return response
