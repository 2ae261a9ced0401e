"""The clinic admin's set-up: one page listing every set-up screen, and the staff screens
(accounts, roles, home locations, active, reset links) on the practice services. The Django
admin stays for operators; nothing here shows a password hash or "staff status"."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from medassist.core.errors import ApplicationError, NotFound
from medassist.core.web import StaffRequest, form_errors, staff_view
from medassist.practice.forms import StaffForm
from medassist.practice.models import Location, User
from medassist.practice.roles import can, staff_clinic
from medassist.practice.services import (
    password_reset_link_issue,
    staff_user_change_role,
    staff_user_create,
    staff_user_set_active,
    staff_user_set_location,
    staff_user_update,
)

# (title, url name, what it sets up, permission): screens other apps own are listed when the
# URL exists and the user may use it.
SCREENS = [
    ("Staff", "practice:staff", "Accounts, roles, home locations, sign-in.", "practice.manage"),
    ("Hours", "availability:setup", "Providers' weekly hours and days off.", "schedule.manage"),
    ("Holidays", "availability:holidays", "Days the clinic is closed.", "schedule.manage"),
    ("Visit types", "availability:visit_types", "Who may book what, ages.", "schedule.manage"),
    ("Rooms and equipment", "availability:resources", "What visits need.", "schedule.manage"),
    ("Online booking", "portal:settings", "What patients may book themselves.", "practice.manage"),
    ("Scope of practice", "practice:scope", "Credentials, training, state rules.",
     "practice.manage"),
    ("Billing set-up", "billing:setup", "Payers, fee schedule, billing provider, places of "
     "service.", "billing.setup"),
    ("Audit report", "audit:report", "Who saw or changed what.", "audit.view"),
]  # fmt: skip


def _screens(user: User) -> list[dict]:
    from django.urls import NoReverseMatch

    found = []
    for title, name, what, permission in SCREENS:
        if not can(user, permission):
            continue
        try:
            found.append({"title": title, "href": reverse(name), "what": what})
        except NoReverseMatch:
            continue
    return found


@staff_view("practice.manage")
def setup_home(request: StaffRequest) -> HttpResponse:
    return render(request, "practice/setup.html", {"screens": _screens(request.user)})


def _locations(clinic) -> list[Location]:
    return list(Location.objects.filter(clinic=clinic).order_by("name"))


@staff_view("practice.manage")
@require_http_methods(["GET", "POST"])
def staff_list(request: StaffRequest) -> HttpResponse:
    clinic = staff_clinic(request.user)
    locations = _locations(clinic)
    form = StaffForm(request.POST or None, locations=locations)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            values = form.cleaned_data
            try:
                user = staff_user_create(
                    actor=request.user,
                    clinic=clinic,
                    username=values["username"],
                    role=values["role"],
                    first_name=values["first_name"],
                    last_name=values["last_name"],
                    email=values["email"],
                    location=values["location"],
                )
                link = password_reset_link_issue(actor=request.user, user=user)
            except ApplicationError as exc:
                form_errors(form, exc)
            else:
                request.session["staff_link"] = {"user": str(user.public_id), "path": link}
                messages.success(request, f"{user.display_name} can now be given a sign-in link.")
                return redirect("practice:staff_edit", id=user.public_id)
        status = 422
    staff = (
        User.objects.filter(clinic=clinic)
        .select_related("location")
        .order_by("-is_active", "last_name", "first_name", "username")
    )
    return render(request, "practice/staff.html", {"staff": staff, "form": form}, status=status)


def _member(request: StaffRequest, id) -> User:
    user = User.objects.select_related("location").filter(public_id=id).first()
    if user is None or user.clinic_id != staff_clinic(request.user).pk:
        raise NotFound("No such staff member.")
    return user


@staff_view("practice.manage")
@require_http_methods(["GET", "POST"])
def staff_edit(request: StaffRequest, id) -> HttpResponse:
    member = _member(request, id)
    clinic = staff_clinic(request.user)
    initial = {
        "username": member.username,
        "first_name": member.first_name,
        "last_name": member.last_name,
        "email": member.email,
        "role": member.role,
        "location": str(member.location.public_id) if member.location else "",
        "active": member.is_active,
    }
    form = StaffForm(request.POST or None, initial=initial, locations=_locations(clinic))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            values = form.cleaned_data
            actor = request.user
            try:
                with transaction.atomic():  # all of the change, or none of it
                    staff_user_update(
                        actor=actor,
                        user=member,
                        username=values["username"],
                        first_name=values["first_name"],
                        last_name=values["last_name"],
                        email=values["email"],
                    )
                    staff_user_change_role(actor=actor, user=member, role=values["role"])
                    staff_user_set_location(actor=actor, user=member, location=values["location"])
                    staff_user_set_active(actor=actor, user=member, active=values["active"])
            except ApplicationError as exc:
                member.refresh_from_db()
                form_errors(form, exc)
            else:
                messages.success(request, f"Saved {member.display_name}.")
                return redirect("practice:staff")
        status = 422
    link = request.session.pop("staff_link", None)
    if link and link.get("user") != str(member.public_id):
        link = None
    return render(
        request,
        "practice/staff_edit.html",
        {
            "member": member,
            "form": form,
            "reset_link": request.build_absolute_uri(link["path"]) if link else "",
        },
        status=status,
    )


@staff_view("practice.manage")
@require_POST
def staff_reset_link(request: StaffRequest, id) -> HttpResponse:
    member = _member(request, id)
    path = password_reset_link_issue(actor=request.user, user=member)
    request.session["staff_link"] = {"user": str(member.public_id), "path": path}
    return redirect("practice:staff_edit", id=member.public_id)
