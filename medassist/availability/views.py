"""Availability screens: the front desk's "Find a slot", and the clinic admin's set-up of
weekly templates, exceptions, holidays, resources and visit-type rules."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from medassist.availability.forms import (
    ExceptionForm,
    FindForm,
    HolidayForm,
    ResourceEditForm,
    ResourceForm,
    ResourceKindForm,
    SessionForm,
    SlotBookForm,
    VisitTypeRuleForm,
)
from medassist.availability.models import Weekday
from medassist.availability.selectors import (
    access_exception,
    access_holiday,
    access_resource,
    access_resource_kind,
    access_session,
    exception_list,
    first_available,
    holiday_list,
    kinds_required_by,
    resource_bookings_for,
    resource_kind_list,
    resource_upcoming_count,
    session_list,
    visit_type_rule_rows,
)
from medassist.availability.services import (
    exception_add,
    exception_remove,
    holiday_add,
    holiday_remove,
    holidays_load,
    resource_create,
    resource_kind_create,
    resource_kind_remove,
    resource_kind_rename,
    resource_set_active,
    resource_update,
    session_add,
    session_remove,
    slot_book,
    visit_type_rule_save,
)
from medassist.core.errors import ApplicationError, NotFound
from medassist.core.web import form_errors, staff_view
from medassist.patients.selectors import access_patient, patient_search
from medassist.practice.roles import can
from medassist.practice.selectors import (
    access_provider,
    access_visit_type,
    provider_list,
    room_list,
)
from medassist.scheduling.selectors import clinic_today

PATIENT_LIMIT = 10
SEARCH_FIELDS = ("visit_type", "provider", "location", "date_from", "date_to", "time_of_day")


# ---------------------------------------------------------------------------- find a slot


def _picked_patient(user, raw):
    if not raw:
        return None
    try:
        return access_patient(user=user, id=raw, audit=False)
    except NotFound:
        return None


def _run_search(user, form: FindForm) -> tuple[list, str, int]:
    """(slots, error message, status) for a bound search form."""
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        return [], first, 422
    data = form.cleaned_data
    try:
        slots = first_available(
            user=user,
            visit_type=data["visit_type"],
            provider=data["provider"],
            location=data["location"],
            date_from=data["date_from"],
            date_to=data["date_to"],
            time_of_day=data["time_of_day"] or None,
            patient=_picked_patient(user, data["patient"]),
        )
    except ApplicationError as exc:
        form_errors(form, exc)
        return [], exc.message, exc.status
    return slots, "", 200


def _results_context(request, form: FindForm, slots, error: str) -> dict:
    user = request.user
    data = form.cleaned_data if form.is_bound and hasattr(form, "cleaned_data") else {}
    patient = _picked_patient(user, data.get("patient")) if data else None
    search = urlencode({k: form.data.get(k, "") for k in (*SEARCH_FIELDS, "patient")})
    return {
        "slots": slots,
        "error": error,
        "searched": form.is_bound,
        "search": search,
        "patient": patient,
        "visit_type": data.get("visit_type"),
        "can_book": can(user, "appointment.book"),
        "clinic_tz": user.clinic.tz,
    }


@staff_view("schedule.view")
def find(request: HttpRequest) -> HttpResponse:
    """The search form; with ?visit_type=... it also lists the slots (works without htmx)."""
    user = request.user
    if request.htmx and "q" in request.GET:
        query = request.GET.get("q", "")[:100]
        results = patient_search(user=user, query=query, limit=PATIENT_LIMIT)
        return render(
            request,
            "availability/find.html#patient_results",
            {"results": results, "query": query, "limit": PATIENT_LIMIT},
        )
    if request.htmx and "pick" in request.GET:
        picked = _picked_patient(user, request.GET.get("pick"))
        return render(request, "availability/find.html#picker", {"picked": picked})
    status = 200
    if "visit_type" in request.GET:  # a search was submitted (maybe without a visit type)
        data = request.GET.copy()
        for key, value in FindForm.defaults(user.clinic).items():
            if not data.get(key):
                data[key] = value.isoformat()
        form = FindForm(data, user=user)
        slots, error, status = _run_search(user, form)
        context = _results_context(request, form, slots, error)
        if request.htmx:
            return render(request, "availability/find.html#results", context, status=status)
    else:
        initial = FindForm.defaults(user.clinic)
        for name in ("provider", "location", "patient"):
            if request.GET.get(name):
                initial[name] = request.GET[name]
        form = FindForm(initial=initial, user=user)
        context = _results_context(request, form, [], "")
    context.update(
        {
            "form": form,
            "picked": _picked_patient(user, form["patient"].value()),
            "today": clinic_today(user.clinic),
        }
    )
    return render(request, "availability/find.html", context, status=status)


@staff_view("appointment.book")
@require_POST
def find_book(request: HttpRequest) -> HttpResponse:
    """Book the slot a row of the results offers; a slot just taken shows the fresh list."""
    user = request.user
    form = SlotBookForm(request.POST, user=user)
    search_form = FindForm(QueryDict(request.POST.get("search", "")), user=user)
    error, status = "", 422
    if form.is_valid():
        data = form.cleaned_data
        patient = _picked_patient(user, data["patient"])
        if patient is None:
            error = "There is no such patient in this clinic; choose one from the search."
        else:
            try:
                appt = slot_book(
                    actor=user,
                    patient=patient,
                    visit_type=data["visit_type"],
                    provider=data["provider"],
                    start=data["start"],
                    location=data["location"],
                    note=data["note"],
                )
            except ApplicationError as exc:
                error, status = exc.message, exc.status
                if exc.code in ("slot_taken", "resource_taken"):
                    error = f"Sorry, that slot was just taken. {exc.message} The list is fresh."
            else:
                context = {
                    "appt": appt,
                    "resources": resource_bookings_for(appointment=appt),
                    "clinic_tz": user.clinic.tz,
                    "again": f"{reverse('availability:find')}?{request.POST.get('search', '')}",
                }
                local = appt.start.astimezone(user.clinic.tz)
                messages.success(
                    request,
                    f"Booked {patient.display_name} with {appt.provider.display_name} "
                    f"on {local:%a %b %d} at {local:%H:%M}.",
                )
                if request.htmx:
                    return render(request, "availability/find.html#booked", context)
                return render(request, "availability/booked.html", context)
    else:
        error = next(iter(form.errors.values()))[0]
    # Show the error above a fresh list of slots for the same search.
    slots, search_error, _ = _run_search(user, search_form) if search_form.data else ([], "", 0)
    context = _results_context(request, search_form, slots, error or search_error)
    if request.htmx:
        return render(request, "availability/find.html#results", context, status=status)
    context.update({"form": search_form, "picked": context["patient"]})
    return render(request, "availability/find.html", context, status=status)


# ---------------------------------------------------------------------------- set-up


@staff_view("schedule.manage")
def setup(request: HttpRequest) -> HttpResponse:
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
def template(request: HttpRequest, id) -> HttpResponse:
    provider = access_provider(user=request.user, id=id)
    return _template_page(request, provider)


@staff_view("schedule.manage")
@require_POST
def session_create(request: HttpRequest, id) -> HttpResponse:
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
@require_POST
def session_delete(request: HttpRequest, id) -> HttpResponse:
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
def exception_create(request: HttpRequest, id) -> HttpResponse:
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
def exception_delete(request: HttpRequest, id) -> HttpResponse:
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
def holidays(request: HttpRequest) -> HttpResponse:
    default = clinic_today(request.user.clinic).year + 1
    return _holidays_page(request, year=_year(request.GET.get("year"), default))


@staff_view("schedule.manage")
@require_POST
def holidays_load_view(request: HttpRequest) -> HttpResponse:
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
def holiday_create(request: HttpRequest) -> HttpResponse:
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
def holiday_delete(request: HttpRequest, id) -> HttpResponse:
    user = request.user
    row = access_holiday(user=user, id=id)
    holiday_remove(actor=user, holiday=row)
    messages.success(request, f"The clinic is open on {row.date:%a %b %d, %Y} after all.")
    return redirect(f"{reverse('availability:holidays')}?year={row.date.year}")


# ---------------------------------------------------------------------------- resources


def _resources_page(
    request, *, kind_form=None, resource_form=None, error: str = "", status: int = 200
):
    user = request.user
    kinds = list(resource_kind_list(user=user))
    required = kinds_required_by(user=user)
    rooms: dict[int, list] = {}
    for room in room_list(user=user).order_by("name"):
        rooms.setdefault(room.location_id, []).append(room)
    rows = []
    for kind in kinds:
        resources = list(kind.resources.all())
        blockers = []
        if required.get(kind.pk):
            blockers.append(f"required by {', '.join(required[kind.pk])}")
        if any(r.active for r in resources):
            blockers.append("has resources in service")
        elif resources:
            blockers.append("its out-of-service resources keep their history")
        rows.append(
            {
                "kind": kind,
                "resources": [(r, rooms.get(r.location_id, [])) for r in resources],
                "required_by": required.get(kind.pk, []),
                "blockers": blockers,
            }
        )
    return render(
        request,
        "availability/resources.html",
        {
            "rows": rows,
            "kind_form": kind_form or ResourceKindForm(),
            "resource_form": resource_form or ResourceForm(user=user),
            "error": error,
        },
        status=status,
    )


@staff_view("schedule.manage")
def resources(request: HttpRequest) -> HttpResponse:
    """Kinds of rooms and equipment, and the resources of each kind at each location."""
    return _resources_page(request)


@staff_view("schedule.manage")
@require_POST
def kind_add(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ResourceKindForm(request.POST)
    if form.is_valid():
        try:
            kind = resource_kind_create(actor=user, name=form.cleaned_data["name"])
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"Added the kind “{kind.name}”.")
            return redirect("availability:resources")
    return _resources_page(request, kind_form=form, status=422)


@staff_view("schedule.manage")
@require_POST
def kind_rename(request: HttpRequest, id) -> HttpResponse:
    user = request.user
    kind = access_resource_kind(user=user, id=id)
    old = kind.name
    form = ResourceKindForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            resource_kind_rename(actor=user, kind=kind, name=form.cleaned_data["name"])
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, f"Renamed “{old}” to “{kind.name}”.")
            return redirect("availability:resources")
    else:
        error = next(iter(form.errors.values()))[0]
    return _resources_page(request, error=f"Could not rename “{old}”: {error}", status=422)


@staff_view("schedule.manage")
@require_POST
def kind_remove(request: HttpRequest, id) -> HttpResponse:
    user = request.user
    kind = access_resource_kind(user=user, id=id)
    try:
        resource_kind_remove(actor=user, kind=kind)
    except ApplicationError as exc:
        return _resources_page(request, error=exc.message, status=exc.status)
    messages.success(request, f"Removed the kind “{kind.name}”.")
    return redirect("availability:resources")


@staff_view("schedule.manage")
@require_POST
def resource_add(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ResourceForm(request.POST, user=user)
    if form.is_valid():
        try:
            r = resource_create(actor=user, **form.cleaned_data)
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"Added {r.name} ({r.kind.name}) at {r.location.name}.")
            return redirect("availability:resources")
    return _resources_page(request, resource_form=form, status=422)


@staff_view("schedule.manage")
@require_POST
def resource_edit(request: HttpRequest, id) -> HttpResponse:
    user = request.user
    resource = access_resource(user=user, id=id)
    old = resource.name
    form = ResourceEditForm(request.POST, user=user)
    if form.is_valid():
        try:
            resource_update(actor=user, resource=resource, **form.cleaned_data)
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, f"Saved {resource.name}.")
            return redirect("availability:resources")
    else:
        error = next(iter(form.errors.values()))[0]
    return _resources_page(request, error=f"Could not save {old}: {error}", status=422)


@staff_view("schedule.manage")
@require_POST
def resource_out_of_service(request: HttpRequest, id) -> HttpResponse:
    user = request.user
    resource = resource_set_active(
        actor=user, resource=access_resource(user=user, id=id), active=False
    )
    upcoming = resource_upcoming_count(resource=resource)
    note = (
        f" {upcoming} upcoming visit(s) still hold it: move them to another one if needed."
        if upcoming
        else ""
    )
    messages.success(request, f"{resource.name} is out of service.{note}")
    return redirect("availability:resources")


@staff_view("schedule.manage")
@require_POST
def resource_back_in_service(request: HttpRequest, id) -> HttpResponse:
    user = request.user
    resource = resource_set_active(
        actor=user, resource=access_resource(user=user, id=id), active=True
    )
    messages.success(request, f"{resource.name} is back in service.")
    return redirect("availability:resources")


# ---------------------------------------------------------------------------- visit-type rules


def _visit_types_page(request, *, bound=None, status: int = 200) -> HttpResponse:
    """`bound`: (visit type id, the posted form with its errors) to show in place."""
    user = request.user
    choices = VisitTypeRuleForm.choices(user)
    rows = []
    for row in visit_type_rule_rows(user=user):
        if bound and bound[0] == row.visit_type.pk:
            form = bound[1]
            for name, options in choices.items():
                form.fields[name].choices = options
        else:
            form = VisitTypeRuleForm.for_row(row, user=user, choices=choices)
        rows.append((row, form))
    return render(
        request,
        "availability/visit_types.html",
        {"rows": rows, "has_kinds": bool(choices["required_kinds"])},
        status=status,
    )


@staff_view("schedule.manage")
def visit_types(request: HttpRequest) -> HttpResponse:
    """Every active visit type with who offers it, for whom, and what it needs."""
    return _visit_types_page(request)


@staff_view("schedule.manage")
@require_POST
def visit_type_rule_edit(request: HttpRequest, id) -> HttpResponse:
    user = request.user
    vt = access_visit_type(user=user, id=id)
    if not vt.active:
        raise NotFound("No such visit type.")
    form = VisitTypeRuleForm(request.POST, user=user, prefix=vt.code)
    if form.is_valid():
        try:
            visit_type_rule_save(actor=user, visit_type=vt, **form.cleaned_data)
        except ApplicationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"Saved the rule for {vt.name} visits.")
            return redirect(f"{reverse('availability:visit_types')}#vt-{vt.code}")
    return _visit_types_page(request, bound=(vt.pk, form), status=422)
