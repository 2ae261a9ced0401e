"""The reminders screen for the desk (reminder.view; its Retry and Done buttons need
reminder.manage), and the patient's signed reminder page (no login)."""

from __future__ import annotations

import functools

from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from medassist.core.errors import ApplicationError
from medassist.core.web import StaffRequest, clinic_zone, staff_view
from medassist.reminders import selectors, services
from medassist.reminders.messages import address_of
from medassist.reminders.models import PatientReply
from medassist.scheduling.models import Status

SIGNED_LINK = "signed-link"  # declared "permission" of the patient pages: the link is the key


def signed_link_view(view):
    """A page a patient opens from a message: no login; the signed token in the URL is the
    only key. Refused or expired links render a plain page without any detail."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except ApplicationError as exc:
            from django.db import transaction

            if transaction.get_connection().in_atomic_block:
                transaction.set_rollback(True)
            return render(
                request,
                "reminders/patient_link.html",
                {"refused": exc.message},
                status=exc.status,
            )

    wrapper.permission = SIGNED_LINK  # type: ignore[attr-defined]
    return wrapper


@staff_view("reminder.view")
def home(request: StaffRequest) -> HttpResponse:
    data = selectors.overview(user=request.user)
    return render(
        request,
        "reminders/home.html",
        {"o": data, "clinic_tz": request.user.clinic.tz},
    )


@require_POST
@staff_view("reminder.manage")
def retry(request: StaffRequest, id) -> HttpResponse:
    msg = selectors.access_message(user=request.user, id=id)
    services.message_retry(actor=request.user, message=msg)
    flash.success(request, f"The message to {msg.to} will be sent again on the next pass.")
    return redirect("reminders:home")


@require_POST
@staff_view("reminder.manage")
def reply_done(request: StaffRequest, id) -> HttpResponse:
    reply = selectors.access_reply(user=request.user, id=id)
    services.reply_mark_handled(actor=request.user, reply=reply)
    flash.success(request, "Marked as done.")
    return redirect("reminders:home")


def visit_facts(appt) -> dict:
    """Only what the patient page may show: time, place, the provider's first name."""
    local = timezone.localtime(appt.start, appt.clinic.tz)
    return {
        "when": local,
        "place": appt.location.name,
        "address": address_of(appt.location),
        "provider_first_name": appt.provider.first_name,
        "clinic": appt.clinic.name,
        "clinic_phone": appt.clinic.phone,
    }


@signed_link_view
def patient_link(request: HttpRequest, token: str) -> HttpResponse:
    appt = services.link_appointment(token=token)
    clinic_zone(appt.clinic)
    done = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        services.reminder_link_answer(token=token, action=action)
        appt.refresh_from_db(fields=["status"])
        done = "confirmed" if action == PatientReply.Action.CONFIRM else "cancelled"
    elif request.method != "GET":
        return HttpResponse(status=405)
    open_ = appt.status == Status.BOOKED and appt.start > timezone.now()
    return render(
        request,
        "reminders/patient_link.html",
        {
            "v": visit_facts(appt),
            "open": open_,
            "done": done,
            "cancelled": appt.status == Status.CANCELLED,
            "token": token,
        },
    )
