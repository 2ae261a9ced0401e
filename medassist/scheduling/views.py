"""Schedule screens: the front desk's day, booking, and one appointment with its actions."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from medassist.core.errors import ApplicationError, NotFound
from medassist.core.web import form_errors, staff_view
from medassist.patients.selectors import access_patient, patient_search
from medassist.practice.roles import can
from medassist.practice.selectors import provider_list
from medassist.scheduling import calendar as cal
from medassist.scheduling.forms import (
    BookForm,
    CalendarForm,
    CancelForm,
    DayForm,
    MoveForm,
    local_time_exists,
    parse_start_param,
)
from medassist.scheduling.models import ACTIVE_STATUSES, Appointment, Status
from medassist.scheduling.selectors import (
    access_appointment,
    calendar_appointments,
    clinic_day_bounds,
    clinic_today,
    day_schedule,
)
from medassist.scheduling.services import (
    appointment_book,
    appointment_cancel,
    appointment_no_show,
    appointment_reschedule,
    series_book,
    series_reschedule,
)

SEARCH_LIMIT = 10
_PLACEHOLDER = "00000000-0000-0000-0000-000000000000"  # stands for a visit's id in reversed URLs


# ---------------------------------------------------------------------------- helpers


def safe_next(request: HttpRequest) -> str:
    """The `next` parameter when it is a local URL of this site, else ''."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def day_url(day: date, *, provider=None, location=None) -> str:
    params = {"date": day.isoformat()}
    if provider is not None:
        params["provider"] = str(provider.public_id)
    if location is not None:
        params["location"] = str(location.public_id)
    return f"{reverse('scheduling:day')}?{urlencode(params)}"


def appointment_day_url(appt: Appointment, tz) -> str:
    local_day = appt.start.astimezone(tz).date()
    return day_url(local_day, provider=appt.provider)


# ---------------------------------------------------------------------------- day view


def _columns(user, provider, location, appointments) -> list:
    if provider is not None:
        return [provider]
    providers = provider_list(user=user)
    if location is not None:
        providers = providers.filter(locations=location).distinct()
    columns = list(providers)
    shown = {p.pk for p in columns}
    for appt in appointments:  # e.g. a provider who has since left, or works elsewhere
        if appt.provider_id not in shown:
            shown.add(appt.provider_id)
            columns.append(appt.provider)
    columns.sort(key=lambda p: (p.last_name, p.first_name))
    return columns


def link_cells(
    rows: list[cal.Row], *, here: str, can_book: bool, can_move: bool, book_extra: str = ""
) -> None:
    """Give free future cells their "Book" link and each visit its page and move links.
    Each URL pattern is reversed once: a clinic's day has ~1,000 visits and ~2,500 cells."""
    book = reverse("scheduling:book")
    back = urlencode({"next": here})
    page = reverse("scheduling:appointment", args=[_PLACEHOLDER])
    move_to = reverse("scheduling:move", args=[_PLACEHOLDER])
    moving_here = f"{here}&move="
    for row in rows:
        for cell in row.cells:
            cell.book_url = ""
            if can_book and not cell.blocks and not cell.busy and not cell.past:
                key = cell.column.provider_key
                if key:
                    when = urlencode({"start": f"{cell.column.day_iso}T{cell.label}"})
                    cell.book_url = f"{book}?provider={key}&{when}{book_extra}&{back}"
            for block in cell.blocks:
                a = block["appt"]
                public_id = str(a.public_id)
                block["url"] = f"{page.replace(_PLACEHOLDER, public_id)}?{back}"
                movable = can_move and a.status == Status.BOOKED
                block["move_url"] = f"{moving_here}{public_id}" if movable else ""
                block["move_action"] = move_to.replace(_PLACEHOLDER, public_id) if movable else ""


def provider_columns(providers, day: date) -> list[cal.Column]:
    return [
        cal.Column(key=p.pk, label=p.display_name, day=day, provider=p, public_id=str(p.public_id))
        for p in providers
    ]


@staff_view("schedule.view")
def day(request: HttpRequest) -> HttpResponse:
    user = request.user
    clinic = user.clinic
    tz = clinic.tz
    today = clinic_today(clinic)
    data = request.GET.copy()
    if not data.get("date"):
        data["date"] = today.isoformat()
    form = DayForm(data, user=user)
    shown_day = form.value("date") or today
    provider = form.value("provider")
    location = form.value("location")

    appointments = day_schedule(user=user, day=shown_day, provider=provider, location=location)
    columns = _columns(user, provider, location, appointments)
    here = day_url(shown_day, provider=provider, location=location)
    can_book = can(user, "appointment.book") and shown_day >= today
    rows = cal.build(
        columns=provider_columns(columns, shown_day),
        appointments=appointments,
        key_of=lambda a: a.provider_id,
        tz=tz,
        now=timezone.now(),
    )
    link_cells(
        rows,
        here=here,
        can_book=can_book,
        can_move=False,  # moving is the calendar's; this page links each visit's page
        book_extra=f"&{urlencode({'location': str(location.public_id)})}" if location else "",
    )
    counts: dict[str, int] = {}
    for appt in appointments:
        counts[appt.status] = counts.get(appt.status, 0) + 1
    context = {
        "form": form,
        "clinic_tz": tz,
        "day": shown_day,
        "today": today,
        "is_today": shown_day == today,
        "prev_url": day_url(shown_day - timedelta(days=1), provider=provider, location=location),
        "next_url": day_url(shown_day + timedelta(days=1), provider=provider, location=location),
        "today_url": day_url(today, provider=provider, location=location),
        "here": here,
        "provider": provider,
        "location": location,
        "columns": columns,
        "rows": rows,
        "appointments": appointments,
        "active_count": sum(1 for a in appointments if a.status in ACTIVE_STATUSES),
        "cancelled_count": counts.get(Status.CANCELLED, 0) + counts.get(Status.NO_SHOW, 0),
        "can_book": can_book,
    }
    return render(request, "scheduling/day.html", context)


# ---------------------------------------------------------------------------- booking


def _book_error_field(exc: ApplicationError) -> str | None:
    """Where a booking refusal is shown: an overlap next to the time, a past date by the date."""
    if exc.field == "start":
        return "time" if exc.code == "slot_taken" else "date"
    return None


def _attach_booking_error(form: BookForm, exc: ApplicationError) -> None:
    target = _book_error_field(exc)
    if target is not None:
        form.add_error(target, exc.message)
    else:
        form_errors(form, exc)


def _picked_patient(user, raw):
    if not raw:
        return None
    try:
        return access_patient(user=user, id=raw)
    except NotFound:
        return None


@staff_view("appointment.book")
def book(request: HttpRequest) -> HttpResponse:
    user = request.user
    tz = user.clinic.tz
    if request.htmx and request.method == "GET":
        if "q" in request.GET:
            query = request.GET.get("q", "")[:100]
            results = patient_search(user=user, query=query, limit=SEARCH_LIMIT)
            return render(
                request,
                "scheduling/book.html#patient_results",
                {"results": results, "query": query, "limit": SEARCH_LIMIT},
            )
        if "pick" in request.GET:
            picked = _picked_patient(user, request.GET.get("pick"))
            return render(request, "scheduling/book.html#picker", {"picked": picked})

    status = 200
    picked = None
    if request.method == "POST":
        form = BookForm(request.POST, user=user)
        if form.is_valid():
            data = form.cleaned_data
            picked = _picked_patient(user, data["patient"])
            start = form.start_in(tz)
            if picked is None:
                form.add_error("patient", "There is no such patient in this clinic.")
            elif not local_time_exists(start):
                form.add_error(
                    "time",
                    f"{data['time']:%H:%M} does not exist on {data['date']:%b %d} "
                    "(the clocks move forward); choose another time.",
                )
            elif data.get("repeat_weeks"):
                try:
                    series = series_book(
                        actor=user,
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
                except ApplicationError as exc:
                    if exc.code == "series_conflict" or exc.field is None:
                        form.add_error(None, exc.message)
                    else:
                        _attach_booking_error(form, exc)
                    status = exc.status
                else:
                    messages.success(
                        request,
                        f"Booked {series.appointments.count()} visits for {picked.display_name} "
                        f"with {data['provider'].display_name}, from {start:%a %b %d} at "
                        f"{start:%H:%M}, every {data['repeat_weeks']} week(s).",
                    )
                    back_to = safe_next(request)
                    if back_to.startswith(reverse("scheduling:calendar")):
                        return redirect(back_to)
                    return redirect(day_url(data["date"], provider=data["provider"]))
            else:
                try:
                    appt = appointment_book(
                        actor=user,
                        patient=picked,
                        provider=data["provider"],
                        visit_type=data["visit_type"],
                        location=data["location"],
                        start=start,
                        note=data["note"],
                    )
                except ApplicationError as exc:
                    _attach_booking_error(form, exc)
                    status = exc.status
                else:
                    messages.success(
                        request,
                        f"Booked {picked.display_name} with {appt.provider.display_name} "
                        f"on {start:%a %b %d} at {start:%H:%M}.",
                    )
                    back_to = safe_next(request)
                    if back_to.startswith(reverse("scheduling:calendar")):
                        return redirect(back_to)  # the calendar stays on its date and provider
                    return redirect(day_url(data["date"], provider=appt.provider))
        else:
            picked = _picked_patient(user, form.data.get("patient"))
        if status == 200:
            status = 422
    else:
        initial: dict = {}
        for name in ("provider", "location"):
            if request.GET.get(name):
                initial[name] = request.GET[name]
        start = parse_start_param(request.GET.get("start", ""), tz)
        if start is not None:
            initial["date"], initial["time"] = start
        else:
            initial["date"] = clinic_today(user.clinic)
        picked = _picked_patient(user, request.GET.get("patient"))
        if picked is not None:
            initial["patient"] = picked.public_id
        form = BookForm(initial=initial, user=user)
    back = safe_next(request) or reverse("scheduling:day")
    return render(
        request,
        "scheduling/book.html",
        {"form": form, "picked": picked, "back": back, "clinic_tz": tz},
        status=status,
    )


# ---------------------------------------------------------------------------- one appointment


def _render_appointment(
    request: HttpRequest,
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
        "check_in": can(user, "appointment.check_in") and Status.ARRIVED in allowed,
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
            "can_double_book": can(user, "appointment.double_book"),
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
def appointment(request: HttpRequest, id) -> HttpResponse:
    appt = access_appointment(user=request.user, id=id)
    return _render_appointment(request, appt)


@staff_view("appointment.cancel")
@require_POST
def cancel(request: HttpRequest, id) -> HttpResponse:
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
    return redirect(safe_next(request) or appointment_day_url(appt, request.user.clinic.tz))


@staff_view("appointment.no_show")
@require_POST
def no_show(request: HttpRequest, id) -> HttpResponse:
    appt = access_appointment(user=request.user, id=id)
    try:
        appointment_no_show(actor=request.user, appointment=appt)
    except ApplicationError as exc:
        appt.refresh_from_db()
        return _render_appointment(request, appt, error=exc.message, status=exc.status)
    messages.success(request, f"Marked {appt.patient.display_name} as a no-show.")
    return redirect(safe_next(request) or appointment_day_url(appt, request.user.clinic.tz))


# ---------------------------------------------------------------------------- moving a visit


@staff_view("appointment.reschedule")
@require_POST
def move(request: HttpRequest, id) -> HttpResponse:
    """Move a booked visit (from its page's Move form, or a "Move here" click on the calendar).
    Afterwards the screen it came from is shown again, on the same date and provider."""
    user = request.user
    tz = user.clinic.tz
    appt = access_appointment(user=user, id=id)
    form = MoveForm(request.POST, user=user)
    from_calendar = request.POST.get("from") == "calendar"
    back = safe_next(request)

    def refused(message: str, status: int) -> HttpResponse:
        if from_calendar and back:
            messages.error(request, message)
            return redirect(back)
        appt.refresh_from_db()
        return _render_appointment(request, appt, move_form=form, status=status)

    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        return refused(first, 422)
    start = form.start_in(tz)
    data = form.cleaned_data
    if not local_time_exists(start):
        form.add_error(
            "time",
            f"{data['time']:%H:%M} does not exist on {data['date']:%b %d} "
            "(the clocks move forward); choose another time.",
        )
        return refused(form.errors["time"][0], 422)
    try:
        if data.get("scope") in ("following", "all") and appt.series_id is not None:
            series_reschedule(
                actor=user,
                appointment=appt,
                start=start,
                scope=data["scope"],
                reason=data["reason"],
            )
        else:
            appointment_reschedule(
                actor=user,
                appointment=appt,
                start=start,
                provider=data.get("provider"),
                reason=data["reason"],
                double_book=data.get("double_book", False),
            )
    except ApplicationError as exc:
        if exc.field in ("start", "provider", "reason") and not from_calendar:
            form.add_error("time" if exc.field == "start" else exc.field, exc.message)
        elif not from_calendar:
            form.add_error(None, exc.message)
        return refused(exc.message, exc.status)
    appt.refresh_from_db()
    local = appt.start.astimezone(tz)
    messages.success(
        request,
        f"Moved {appt.patient.display_name} to {local:%a %b %d} at {local:%H:%M} "
        f"with {appt.provider.display_name}.",
    )
    return redirect(back or calendar_url("day", local.date(), provider=appt.provider))


# ---------------------------------------------------------------------------- calendar


def calendar_url(view: str, day: date, *, provider=None, room=None, by: str = "", move=None) -> str:
    params = {"view": view, "date": day.isoformat()}
    if by:
        params["by"] = by
    if provider is not None:
        params["provider"] = str(provider.public_id)
    if room is not None:
        params["room"] = str(room.public_id)
    if move is not None:
        params["move"] = str(move.public_id)
    return f"{reverse('scheduling:calendar')}?{urlencode(params)}"


def _moving(user, raw: str):
    """The booked visit being moved (?move=), when the user may move it."""
    if not raw or not can(user, "appointment.reschedule"):
        return None
    try:
        appt = access_appointment(user=user, id=raw, audit=False)
    except (NotFound, ValueError, ValidationError):
        return None
    return appt if appt.status == Status.BOOKED else None


@staff_view("schedule.view")
def calendar(request: HttpRequest) -> HttpResponse:
    """Day (columns: providers or rooms) and week (columns: days of one provider or room)
    calendars. One query for the visits shown, whatever their number."""
    user = request.user
    clinic = user.clinic
    tz = clinic.tz
    today = clinic_today(clinic)
    form = CalendarForm(request.GET, user=user)
    view = form.value("view") or "day"
    by = "room" if request.GET.get("by") == "room" or form.value("room") else "provider"
    shown = form.value("date") or today
    provider = form.value("provider") if by == "provider" else None
    room = form.value("room") if by == "room" else None
    moving = _moving(user, request.GET.get("move", ""))
    note = ""

    if view == "week":
        if provider is None and room is None:
            if by == "room":
                from medassist.practice.selectors import room_list

                room = room_list(user=user).first()
            else:
                provider = provider_list(user=user).order_by("last_name", "first_name").first()
            note = "The week view shows one provider or one room; change it above."
        monday, days = cal.week_of(shown)
        start, _ = clinic_day_bounds(clinic, days[0])
        _, end = clinic_day_bounds(clinic, days[-1])
        appointments = calendar_appointments(
            user=user, start=start, end=end, provider=provider, room=room
        )
        columns = [
            cal.Column(key=d, label=f"{d:%a %b} {d.day}", day=d, provider=provider, room=room)
            for d in days
        ]

        def key_of(a):
            return a.start.astimezone(tz).date()

        step = timedelta(days=7)
        title = f"Week of {monday:%B} {monday.day}, {monday.year}"
    else:
        start, end = clinic_day_bounds(clinic, shown)
        appointments = calendar_appointments(
            user=user, start=start, end=end, provider=provider, room=room
        )
        if by == "room":
            from medassist.practice.selectors import room_list

            rooms = [room] if room is not None else list(room_list(user=user))
            columns = [
                cal.Column(key=r.pk, label=r.name, day=shown, room=r, public_id=str(r.public_id))
                for r in rooms
            ]

            def key_of(a):
                return a.room_id

        else:
            providers = (
                [provider] if provider is not None else _columns(user, None, None, appointments)
            )
            columns = provider_columns(providers, shown)

            def key_of(a):
                return a.provider_id

        step = timedelta(days=1)
        title = f"{shown:%A, %B} {shown.day}, {shown.year}"

    rows = cal.build(
        columns=columns, appointments=appointments, key_of=key_of, tz=tz, now=timezone.now()
    )

    def url(day, **extra):
        return calendar_url(
            extra.get("view", view), day, provider=provider, room=room,
            by=by if by == "room" else "", move=extra.get("move", moving),
        )  # fmt: skip

    here = url(shown, move=None)
    link_cells(
        rows,
        here=here,
        can_book=can(user, "appointment.book") and moving is None,
        can_move=can(user, "appointment.reschedule"),
    )
    return render(
        request,
        "scheduling/calendar.html",
        {
            "form": form,
            "view": view,
            "by": by,
            "title": title,
            "day": shown,
            "is_today": shown == today,
            "clinic_tz": tz,
            "provider": provider,
            "room": room,
            "columns": columns,
            "rows": rows,
            "appointments": appointments,
            "moving": moving,
            "note": note,
            "here": here,
            "prev_url": url(shown - step),
            "next_url": url(shown + step),
            "today_url": url(today),
            "day_view_url": url(shown, view="day"),
            "week_view_url": url(shown, view="week"),
            "cancel_move_url": here,
            "active_count": sum(1 for a in appointments if a.status in ACTIVE_STATUSES),
        },
    )
