"""Booking a visit, one visit's page, cancel, no-show and moving it."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from medassist.availability.errors import Code as AvailabilityCode
from medassist.availability.selectors import resource_bookings_for
from medassist.booking.errors import Code as BookingCode
from medassist.booking.forms import (
    BookForm,
    CancelForm,
    MoveForm,
    local_time_exists,
    parse_start_param,
)
from medassist.booking.services import (
    appointment_book,
    appointment_cancel,
    appointment_no_show,
    appointment_reschedule,
    series_book,
    series_reschedule,
)
from medassist.booking.views.links import appointment_day_url, calendar_url, day_url, on_date
from medassist.core.errors import ApplicationError
from medassist.core.web import StaffRequest, first_error, form_errors, safe_next, staff_view
from medassist.patients.selectors import patient_search, picked_patient
from medassist.practice.roles import can
from medassist.scheduling.errors import Code as SchedulingCode
from medassist.scheduling.models import Appointment, Status
from medassist.scheduling.selectors import (
    access_appointment,
    clinic_today,
)
from medassist.scheduling.services import visit_day_has_come

SEARCH_LIMIT = 10


# ---------------------------------------------------------------------------- booking


def _book_error_field(exc: ApplicationError) -> str | None:
    """Where a booking refusal is shown: an overlap or closed hours next to the time, a past
    date by the date, a missing override reason by the reason."""
    if exc.field == "start":
        return (
            "time" if exc.code in (SchedulingCode.SLOT_TAKEN, AvailabilityCode.NOT_OPEN) else "date"
        )
    if exc.field == "reason":
        return "override_reason"
    return None


def _attach_booking_error(form: BookForm, exc: ApplicationError) -> None:
    target = _book_error_field(exc)
    if target is not None:
        form.add_error(target, exc.message)
    else:
        form_errors(form, exc)


@staff_view("appointment.book")
@require_POST
def book_patients(request: StaffRequest) -> HttpResponse:
    """The Book form's patient search as you type. POSTed: a name or date of birth in a URL
    would stay in proxy and access logs."""
    query = request.POST.get("q", "")[:100]
    results = patient_search(user=request.user, query=query, limit=SEARCH_LIMIT)
    return render(
        request,
        "scheduling/book.html#patient_results",
        {"results": results, "query": query, "limit": SEARCH_LIMIT},
    )


def _book_pick(request: StaffRequest) -> HttpResponse | None:
    """The htmx pick of a search result by its public id (None: not such a request)."""
    if "pick" not in request.GET:
        return None
    picked = picked_patient(user=request.user, id=request.GET.get("pick"))
    return render(request, "scheduling/book.html#picker", {"picked": picked})


def _book_initial(request: StaffRequest) -> tuple[BookForm, object]:
    """An empty Book form, filled from the link (provider, location, start, patient)."""
    user = request.user
    initial: dict = {
        name: request.GET[name] for name in ("provider", "location") if request.GET.get(name)
    }
    when = parse_start_param(request.GET.get("start", ""), user.clinic.tz)
    if when is not None:
        initial["date"], initial["time"] = when
    else:
        initial["date"] = clinic_today(user.clinic)
    picked = picked_patient(user=user, id=request.GET.get("patient"))
    if picked is not None:
        initial["patient"] = picked.public_id
    return BookForm(initial=initial, user=user), picked


def _booked(request: StaffRequest, message: str, day, provider) -> HttpResponse:
    """After booking: back to the calendar it came from, else the provider's day."""
    messages.success(request, message)
    back_to = safe_next(request)
    if back_to.startswith(reverse("scheduling:calendar")):
        return redirect(back_to)  # the calendar stays on its date and provider
    return redirect(day_url(day, provider=provider))


def _book_series(request: StaffRequest, form: BookForm, picked, start) -> HttpResponse:
    data = form.cleaned_data
    series = series_book(
        actor=request.user,
        patient=picked,
        provider=data["provider"],
        visit_type=data["visit_type"],
        location=data["location"],
        first_date=data["date"],
        local_time=data["time"],
        interval_weeks=data["repeat_weeks"],
        count=data["repeat_count"],
        note=data["note"],
    )
    return _booked(
        request,
        f"Booked {series.appointments.count()} visits for {picked.display_name} "
        f"with {data['provider'].display_name}, from {start:%a %b %d} at "
        f"{start:%H:%M}, every {data['repeat_weeks']} week(s).",
        data["date"],
        data["provider"],
    )


def _book_one(request: StaffRequest, form: BookForm, picked, start) -> HttpResponse:
    data = form.cleaned_data
    appt = appointment_book(
        actor=request.user,
        patient=picked,
        provider=data["provider"],
        visit_type=data["visit_type"],
        location=data["location"],
        start=start,
        note=data["note"],
        outside_hours=data.get("outside_hours", False),
        override_reason=data.get("override_reason", ""),
    )
    return _booked(
        request,
        f"Booked {picked.display_name} with {appt.provider.display_name} "
        f"on {start:%a %b %d} at {start:%H:%M}.",
        data["date"],
        appt.provider,
    )


def _book_submit(request: StaffRequest, form: BookForm) -> tuple[HttpResponse | None, object, int]:
    """Book from a posted form: (the redirect, or None with errors on the form; the picked
    patient; the status to render the form with)."""
    user = request.user
    if not form.is_valid():
        return None, picked_patient(user=user, id=form.data.get("patient")), 422
    data = form.cleaned_data
    picked = picked_patient(user=user, id=data["patient"])
    start = form.start_in(user.clinic.tz)
    if picked is None:
        form.add_error("patient", "There is no such patient in this clinic.")
        return None, picked, 422
    if not local_time_exists(start):
        form.add_error(
            "time",
            f"{data['time']:%H:%M} does not exist on {data['date']:%b %d} "
            "(the clocks move forward); choose another time.",
        )
        return None, picked, 422
    series = bool(data.get("repeat_weeks"))
    try:
        return (_book_series if series else _book_one)(request, form, picked, start), picked, 200
    except ApplicationError as exc:
        if series and (exc.code == BookingCode.SERIES_CONFLICT or exc.field is None):
            form.add_error(None, exc.message)
        else:
            _attach_booking_error(form, exc)
        return None, picked, exc.status


@staff_view("appointment.book")
def book(request: StaffRequest) -> HttpResponse:
    """The Book form: a patient, provider, visit type, place and time (or a weekly series)."""
    if request.htmx and request.method == "GET" and (partial := _book_pick(request)):
        return partial
    status = 200
    if request.method == "POST":
        form = BookForm(request.POST, user=request.user)
        done, picked, status = _book_submit(request, form)
        if done is not None:
            return done
    else:
        form, picked = _book_initial(request)
    context = {
        "form": form,
        "picked": picked,
        "back": safe_next(request) or reverse("scheduling:day"),
        "clinic_tz": request.user.clinic.tz,
        "can_outside_hours": can(request.user, "appointment.outside_hours"),
    }
    return render(request, "scheduling/book.html", context, status=status)


# ---------------------------------------------------------------------------- one appointment


def _render_appointment(
    request: StaffRequest,
    appt: Appointment,
    *,
    cancel_form: CancelForm | None = None,
    move_form: MoveForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    user = request.user
    now = timezone.now()
    allowed = appt.allowed_next()
    history = list(appt.changes.select_related("by").order_by("at", "id"))
    back = safe_next(request) or appointment_day_url(appt, request.user.clinic.tz)
    actions = {
        "cancel": can(user, "appointment.cancel") and Status.CANCELLED in allowed,
        "no_show": can(user, "appointment.no_show")
        and Status.NO_SHOW in allowed
        and appt.start <= now,
        "no_show_later": can(user, "appointment.no_show")
        and Status.NO_SHOW in allowed
        and appt.start > now,
        "check_in": can(user, "appointment.check_in")
        and Status.ARRIVED in allowed
        and visit_day_has_come(appt, user.clinic.tz),
        "room": can(user, "appointment.room") and Status.ROOMED in allowed,
        "vitals": can(user, "vitals.view")
        and appt.status
        in (Status.ARRIVED, Status.ROOMED, Status.WITH_PROVIDER, Status.CHECKED_OUT),
        "start_visit": can(user, "appointment.start_visit") and Status.WITH_PROVIDER in allowed,
        "check_out": can(user, "appointment.check_out") and Status.CHECKED_OUT in allowed,
        "move": can(user, "appointment.reschedule") and appt.status == Status.BOOKED,
    }
    if move_form is None:
        local = appt.start.astimezone(user.clinic.tz)
        move_form = MoveForm(
            initial={"date": local.date(), "time": local.time(), "scope": "this"}, user=user
        )
    moves = list(appt.moves.select_related("by", "from_provider", "to_provider"))
    # the rooms and equipment held with it
    holds = resource_bookings_for(appointment=appt) if appt.status != Status.CANCELLED else []
    return render(
        request,
        "scheduling/appointment.html",
        {
            "appt": appt,
            "clinic_tz": user.clinic.tz,
            "history": history,
            "actions": actions,
            "cancel_form": cancel_form or CancelForm(),
            "move_form": move_form,
            "moves": moves,
            "holds": holds,
            "can_double_book": can(user, "appointment.double_book"),
            "can_outside_hours": can(user, "appointment.outside_hours"),
            "calendar_url": calendar_url(
                "day", appt.start.astimezone(user.clinic.tz).date(), provider=appt.provider
            ),
            "error": error,
            "back": back,
            "here": request.path + ("?" + urlencode({"next": back})),
        },
        status=status,
    )


@staff_view("schedule.view")
def appointment(request: StaffRequest, id) -> HttpResponse:
    appt = access_appointment(user=request.user, id=id)
    return _render_appointment(request, appt)


@staff_view("appointment.cancel")
@require_POST
def cancel(request: StaffRequest, id) -> HttpResponse:
    appt = access_appointment(user=request.user, id=id)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _render_appointment(request, appt, cancel_form=form, status=422)
    try:
        appointment_cancel(actor=request.user, appointment=appt, reason=form.cleaned_data["reason"])
    except ApplicationError as exc:
        appt.refresh_from_db()
        if exc.field == "reason":
            form_errors(form, exc)
            return _render_appointment(request, appt, cancel_form=form, status=exc.status)
        return _render_appointment(
            request, appt, cancel_form=form, error=exc.message, status=exc.status
        )
    local = appt.start.astimezone(request.user.clinic.tz)
    messages.success(
        request, f"Cancelled {appt.patient.display_name}'s visit at {local:%H:%M} on {local:%b %d}."
    )
    if appt.start > timezone.now():
        # the next page offers the freed time to the waitlist at once (waitlist.views)
        when = f"{local:%a %b %d} at {local:%H:%M}"
        request.session["freed_visit"] = {"id": str(appt.public_id), "when": when}
    return redirect(safe_next(request) or appointment_day_url(appt, request.user.clinic.tz))


@staff_view("appointment.no_show")
@require_POST
def no_show(request: StaffRequest, id) -> HttpResponse:
    appt = access_appointment(user=request.user, id=id)
    try:
        appointment_no_show(actor=request.user, appointment=appt)
    except ApplicationError as exc:
        appt.refresh_from_db()
        return _render_appointment(request, appt, error=exc.message, status=exc.status)
    messages.success(request, f"Marked {appt.patient.display_name} as a no-show.")
    return redirect(safe_next(request) or appointment_day_url(appt, request.user.clinic.tz))


# ---------------------------------------------------------------------------- moving a visit


def _reschedule(user, appt: Appointment, form: MoveForm, start) -> None:
    """Move the visit, or this and the following (or all) visits of its series."""
    data = form.cleaned_data
    if data.get("scope") in ("following", "all") and appt.series_id is not None:
        series_reschedule(
            actor=user, appointment=appt, start=start, scope=data["scope"], reason=data["reason"]
        )
        return
    appointment_reschedule(
        actor=user,
        appointment=appt,
        start=start,
        provider=data.get("provider"),
        reason=data["reason"],
        double_book=data.get("double_book", False),
        outside_hours=data.get("outside_hours", False),
    )


def _undo_of(user, appt: Appointment) -> dict:
    """What the calendar's "Undo the move" posts to put the visit back where it is now."""
    local = appt.start.astimezone(user.clinic.tz)
    return {
        "id": str(appt.public_id),
        "date": local.date().isoformat(),
        "time": f"{local:%H:%M}",
        "provider": str(appt.provider.public_id),
        "patient": appt.patient.display_name,
        "outside_hours": can(user, "appointment.outside_hours"),
    }


def _move_error(form: MoveForm, tz) -> str:
    """The form's first problem, checking the time exists that day (DST) ("" if none)."""
    if not form.is_valid():
        return first_error(form)
    data = form.cleaned_data
    if not local_time_exists(form.start_in(tz)):
        form.add_error(
            "time",
            f"{data['time']:%H:%M} does not exist on {data['date']:%b %d} "
            "(the clocks move forward); choose another time.",
        )
        return str(form.errors["time"][0])
    return ""


@staff_view("appointment.reschedule")
@require_POST
def move(request: StaffRequest, id) -> HttpResponse:
    """Move a booked visit (from its page's Move form, or a "Move here" click on the calendar).
    Afterwards the screen it came from is shown again, on the same date and provider; a
    refusal from the calendar is said there, one from the visit's page next to the field."""
    appt = access_appointment(user=request.user, id=id)
    form = MoveForm(request.POST, user=request.user)
    from_calendar, back = request.POST.get("from") == "calendar", safe_next(request)
    error, status = _move_error(form, request.user.clinic.tz), 422
    undo = _undo_of(request.user, appt)
    if not error:
        try:
            _reschedule(request.user, appt, form, form.start_in(request.user.clinic.tz))
        except ApplicationError as exc:
            error, status = exc.message, exc.status
            if not from_calendar:
                field = {"start": "time", "provider": "provider", "reason": "reason"}
                form.add_error(field.get(exc.field or ""), exc.message)
    if error and from_calendar and back:
        messages.error(request, error)
        return redirect(back)
    appt.refresh_from_db()
    if error:
        return _render_appointment(request, appt, move_form=form, status=status)
    local = appt.start.astimezone(request.user.clinic.tz)
    messages.success(
        request,
        f"Moved {appt.patient.display_name} to {local:%a %b %d} at {local:%H:%M} "
        f"with {appt.provider.display_name}.",
    )
    if from_calendar:
        request.session["undo_move"] = undo
    if back.startswith(reverse("scheduling:calendar")):
        return redirect(on_date(back, local.date()))  # the calendar shows where it went
    return redirect(back or calendar_url("day", local.date(), provider=appt.provider))
