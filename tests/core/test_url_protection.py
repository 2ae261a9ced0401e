"""Every screen and every endpoint is behind a role check: none can be added without one."""

from django.urls import URLPattern, URLResolver, get_resolver
from ninja.constants import NOT_SET

from medassist.api import api

# Views that are open by design: logging in/out (the admin's login is the same page; the second
# step and two-step enrolment come before the session is logged in; a password reset link is
# for someone who cannot sign in), the health probe, and the role router.
OPEN = {
    "login",
    "logout",
    "health",
    "home",
    "admin-login",
    "sign-in-code",
    "sign-in-enrol",
    "sign-in-qr",
    "reset",
}


def _patterns(resolver, prefix=""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def test_every_medassist_html_view_declares_the_permission_it_needs():
    unprotected = []
    for route, pattern in _patterns(get_resolver()):
        callback = pattern.callback
        module = getattr(callback, "__module__", "")
        if not module.startswith("medassist.") or pattern.name in OPEN:
            continue
        if module.startswith("ninja") or route.startswith("api/"):
            continue
        if not hasattr(callback, "permission"):
            unprotected.append(route)
    assert unprotected == []


def _effective_auth(operation, router):
    for auth in (operation.auth_param, router.auth, api.auth):
        if auth is not NOT_SET:
            return auth
    return None


def test_every_api_operation_requires_authentication():
    open_operations, seen = [], 0
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                seen += 1
                if not _effective_auth(operation, router):
                    open_operations.append(f"{operation.methods} {prefix}{path}")
    assert seen > 0
    assert open_operations == []


def test_health_is_open_and_says_which_database(client, db):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
