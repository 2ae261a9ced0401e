"""The chart's own view decorator: like core.web.staff_view, but it also knows the chart
permissions in records/permissions.py (until they are merged into practice/roles.py)."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from medassist.core.errors import ApplicationError, PermissionDenied
from medassist.core.web import error_page
from medassist.records.permissions import can_chart


def chart_view(permission: str) -> Callable:
    can_chart(None, permission)  # unknown permission names fail at import time

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                if getattr(request, "htmx", False):
                    response = HttpResponse(status=401)
                    response["HX-Redirect"] = f"/login/?next={request.path}"
                    return response
                return redirect_to_login(request.get_full_path())
            if not can_chart(request.user, permission):
                return error_page(request, PermissionDenied("Your role does not allow this."))
            try:
                return view(request, *args, **kwargs)
            except ApplicationError as exc:
                return error_page(request, exc)

        wrapper.permission = permission  # type: ignore[attr-defined]
        return wrapper

    return decorator
