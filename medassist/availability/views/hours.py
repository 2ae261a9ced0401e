"""Clinic admins' set-up of weekly templates, exceptions and holidays."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from medassist.availability.forms import (
    ExceptionForm,
    HolidayForm,
    SessionForm,
)
from medassist.availability.models import Weekday
from medassist.availability.selectors import (
    access_exception,
    access_holiday,
    access_session,
    exception_list,
    holiday_list,
    session_list,
)
from medassist.availability.services import (
    exception_add,
    exception_remove,
    holiday_add,
    holiday_remove,
    holidays_load,
    session_add,
    session_change,
    session_remove,
)
from medassist.core.errors import ApplicationError
from medassist.core.web import StaffRequest, form_errors, staff_view
from medassist.practice.selectors import (
    access_provider,
    provider_list,
)
from medassist.scheduling.selectors import clinic_today

# ---------------------------------------------------------------------------- set-up


@staff_view("schedule.manage")
def setup(request: StaffRequest) -> HttpResponse:
    """Providers with links to their weekly templates; holidays; resources; visit-type rules."""
    user = request.user
    providers = list(provider_list(user=user, active_only=True).order_by("last_name", "first_name"))
    return render(
        request,
        "availability/setup.html",
        {"providers": providers, "year": clinic_today(user.clinic).year},
    )


def _template_page(
    request,
    provider,
    *,
    session_form=None,
    exception_form=None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    sessions = list(session_list(user=user, provider=provider))
    days = []
    for value, label in Weekday.choices:
        days.append((label, [s for s in sessions if s.weekday == value]))
    today = clinic_today(user.clinic)
    return render(
        request,
        "availability/template.html",
        {
            "provider": provider,
            "days": days,
            "exceptions": list(exception_list(user=user, provider=provider, since=today)),
            "session_form": session_form or SessionForm(user=user),
            "exception_form": exception_form
            or ExceptionForm(user=user, initial={"start_date": today}),
        },
        status=status,
    )


@staff_view("schedule.manage")
def template(request: StaffRequest, id) -> HttpResponse:
    provider = access_provider(user=request.user, id=id)
    return _template_page(request, provider)


@staff_view("schedule.manage")
@require_POST
def session_create(request: StaffRequest, id) -> HttpResponse:
    user = request.user
    provider = access_provider(user=user, id=id)
    form = SessionForm(request.POST, user=user)
    if form.is_valid():
        try:
            s = session_add(actor=user, provider=provider, **form.cleaned_data)
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request,
                f"Added {s.get_weekday_display()} {s.start_time:%H:%M}–{s.end_time:%H:%M}.",
            )
            return redirect("availability:template", id=provider.public_id)
    return _template_page(request, provider, session_form=form, status=422)


@staff_view("schedule.manage")
@require_http_methods(["GET", "POST"])
def session_edit(request: StaffRequest, id) -> HttpResponse:
    """Change one session of the weekly template in place (its history is kept)."""
    user = request.user
    session = access_session(user=user, id=id)
    initial = {
        "location": session.location,
        "weekday": session.weekday,
        "start_time": session.start_time,
        "end_time": session.end_time,
        "effective_from": session.effective_from,
        "effective_to": session.effective_to,
    }
    form = SessionForm(request.POST or None, user=user, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                s = session_change(actor=user, session=session, **form.cleaned_data)
            except ApplicationError as exc:
                form_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"Changed to {s.get_weekday_display()} "
                    f"{s.start_time:%H:%M}–{s.end_time:%H:%M}.",
                )
                return redirect("availability:template", id=session.provider.public_id)
        status = 422
    return render(
        request,
        "availability/session_edit.html",
        {"session": session, "provider": session.provider, "form": form},
        status=status,
    )


@staff_view("schedule.manage")
@require_POST
def session_delete(request: StaffRequest, id) -> HttpResponse:
    user = request.user
    session = access_session(user=user, id=id)
    session_remove(actor=user, session=session)
    messages.success(
        request,
        f"Removed {session.get_weekday_display()} "
        f"{session.start_time:%H:%M}–{session.end_time:%H:%M}.",
    )
    return redirect("availability:template", id=session.provider.public_id)


@staff_view("schedule.manage")
@require_POST
def exception_create(request: StaffRequest, id) -> HttpResponse:
    user = request.user
    provider = access_provider(user=user, id=id)
    form = ExceptionForm(request.POST, user=user)
    if form.is_valid():
        try:
            x = exception_add(actor=user, provider=provider, **form.cleaned_data)
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"Added {x.get_kind_display().lower()} from {x.start_date}.")
            return redirect("availability:template", id=provider.public_id)
    return _template_page(request, provider, exception_form=form, status=422)


@staff_view("schedule.manage")
@require_POST
def exception_delete(request: StaffRequest, id) -> HttpResponse:
    user = request.user
    x = access_exception(user=user, id=id)
    exception_remove(actor=user, exception=x)
    messages.success(request, f"Removed the {x.get_kind_display().lower()} from {x.start_date}.")
    return redirect("availability:template", id=x.provider.public_id)


def _holidays_page(request, *, year: int, form=None, error: str = "", status: int = 200):
    user = request.user
    return render(
        request,
        "availability/holidays.html",
        {
            "year": year,
            "holidays": list(holiday_list(user=user, year=year)),
            "form": form or HolidayForm(user=user),
            "error": error,
            "prev_year": year - 1,
            "next_year": year + 1,
        },
        status=status,
    )


def _year(raw, default: int) -> int:
    try:
        year = int(raw)
    except (TypeError, ValueError):
        return default
    return year if 2000 <= year <= 2100 else default


@staff_view("schedule.manage")
def holidays(request: StaffRequest) -> HttpResponse:
    default = clinic_today(request.user.clinic).year + 1
    return _holidays_page(request, year=_year(request.GET.get("year"), default))


@staff_view("schedule.manage")
@require_POST
def holidays_load_view(request: StaffRequest) -> HttpResponse:
    user = request.user
    raw = request.POST.get("year")
    year = _year(raw, 0)
    if not year:
        return _holidays_page(
            request,
            year=clinic_today(user.clinic).year + 1,
            error="Choose a year between 2000 and 2100.",
            status=422,
        )
    rows = holidays_load(actor=user, year=year)
    if rows:
        messages.success(request, f"Loaded {len(rows)} US holidays for {year}.")
    else:
        messages.success(request, f"The US holidays for {year} were already loaded.")
    return redirect(f"{reverse('availability:holidays')}?year={year}")


@staff_view("schedule.manage")
@require_POST
def holiday_create(request: StaffRequest) -> HttpResponse:
    user = request.user
    form = HolidayForm(request.POST, user=user)
    default = clinic_today(user.clinic).year + 1
    if form.is_valid():
        data = form.cleaned_data
        try:
            row = holiday_add(
                actor=user, day=data["date"], name=data["name"], location=data["location"]
            )
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"Closed on {row.date:%a %b %d, %Y}: {row.name}.")
            return redirect(f"{reverse('availability:holidays')}?year={row.date.year}")
    return _holidays_page(
        request, year=_year(request.POST.get("year"), default), form=form, status=422
    )


@staff_view("schedule.manage")
@require_POST
def holiday_delete(request: StaffRequest, id) -> HttpResponse:
    user = request.user
    row = access_holiday(user=user, id=id)
    holiday_remove(actor=user, holiday=row)
    messages.success(request, f"The clinic is open on {row.date:%a %b %d, %Y} after all.")
    return redirect(f"{reverse('availability:holidays')}?year={row.date.year}")
