"""Logging in and out (every attempt is audited; repeated failures lock the username a
while) and the home page, which sends each role to its first screen."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.practice.models import User
from medassist.practice.roles import Role

HOME_BY_ROLE: dict[str, str] = {
    Role.FRONT_DESK: "scheduling:day",
    Role.MEDICAL_ASSISTANT: "frontdesk:board",
    Role.PHYSICIAN: "intake:worklist",
    Role.BILLER: "patients:search",
    Role.CLINIC_ADMIN: "scheduling:day",
}

LOCKOUT_FAILURES = 5
LOCKOUT_WINDOW = timedelta(minutes=15)


def recent_failures(username: str) -> int:
    since = timezone.now() - LOCKOUT_WINDOW
    last_success = (
        AuditEvent.objects.filter(
            action=AuditEvent.Action.LOGIN, actor_username=username, at__gte=since
        )
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    qs = AuditEvent.objects.filter(
        action=AuditEvent.Action.LOGIN_FAILED,
        object_id=username[:64],
        at__gte=last_success or since,
    )
    return qs.count()


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        username = (request.POST.get("username") or "").strip()[:150]
        if username and recent_failures(username) >= LOCKOUT_FAILURES:
            form = self.get_form()
            form.is_valid()  # populate cleaned data without logging in
            form.errors.clear()
            form.add_error(
                None,
                "Too many failed attempts. This account is locked for 15 minutes; "
                "ask your clinic administrator if you need help now.",
            )
            self._audit_failure(username, locked=True)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        audit_record(
            actor=user,
            action=AuditEvent.Action.LOGIN,
            object_type="practice.User",
            object_id=user.username,
        )
        return response

    def form_invalid(self, form):
        username = (self.request.POST.get("username") or "").strip()[:150]
        if username:
            self._audit_failure(username, locked=False)
        return super().form_invalid(form)

    def _audit_failure(self, username: str, *, locked: bool) -> None:
        user = User.objects.filter(username=username).only("clinic_id").first()
        audit_record(
            actor=None,
            action=AuditEvent.Action.LOGIN_FAILED,
            object_type="practice.User",
            object_id=username[:64],  # lockout counts failures by attempted username
            clinic=user.clinic if user else None,
            detail={"locked": locked},
        )


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
