"""Views that belong to no domain: home (routes each role to its screen), health."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from medassist.practice.roles import Role

HOME_BY_ROLE: dict[str, str] = {
    Role.FRONT_DESK: "scheduling:day",
    Role.MEDICAL_ASSISTANT: "frontdesk:board",
    Role.PHYSICIAN: "intake:worklist",
    Role.BILLER: "patients:search",
    Role.CLINIC_ADMIN: "scheduling:day",
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    target = HOME_BY_ROLE.get(getattr(request.user, "role", ""))
    if target is None:
        return render(request, "core/no_role.html", status=403)
    return redirect(target)


def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})
