"""Signing in and out (every attempt is audited; failures are throttled per account and per
address, `practice.throttle`), the staff member's own account, and the home page, which sends
each role to its first screen."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.practice.roles import Role
from medassist.practice.views.signin import AdminLoginView, LoginView

__all__ = ["AdminLoginView", "LoginView", "LogoutView", "home"]

HOME_BY_ROLE: dict[str, str] = {
    Role.FRONT_DESK: "scheduling:day",
    Role.MEDICAL_ASSISTANT: "frontdesk:board",
    Role.PHYSICIAN: "intake:worklist",
    Role.BILLER: "patients:search",
    Role.CLINIC_ADMIN: "scheduling:day",
}


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            audit_record(
                actor=request.user,
                action=AuditEvent.Action.LOGOUT,
                object_type="practice.User",
                object_id=request.user.username,
            )
        return super().post(request, *args, **kwargs)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    target = HOME_BY_ROLE.get(getattr(request.user, "role", ""))
    if target is None:
        return render(request, "practice/no_role.html", status=403)
    return redirect(target)
