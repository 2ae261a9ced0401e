"""Tablet-friendly rooming: the room board (every room free, occupied by whom and for how long,
or needing cleaning) and one visit's rooming screen: repeat blood pressure, the clinic's
checklist for the visit type, instruments due, and links to the chart's medication
reconciliation and allergy confirmation (records)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from medassist.core.errors import ApplicationError, ValidationFailed
from medassist.core.web import StaffRequest, clinic_zone, staff_view
from medassist.intake.selectors import checklist_for, due_questionnaires, room_board, visit_vitals
from medassist.intake.services import checklist_tick, room_clean, vitals_record
from medassist.practice.models import Location
from medassist.practice.roles import can
from medassist.practice.selectors import access_room
from medassist.scheduling.selectors import access_appointment


@staff_view("board.view")
def rooms(request: StaffRequest) -> HttpResponse:
    clinic_zone(request.user.clinic)
    locations = list(Location.objects.filter(clinic_id=request.user.clinic_id, active=True))
    chosen = next(
        (x for x in locations if str(x.public_id) == request.GET.get("location")),
        locations[0] if locations else None,
    )
    if request.method == "POST":
        try:
            room = access_room(user=request.user, id=request.POST.get("room", ""))
            room_clean(actor=request.user, room=room)
            messages.success(request, f"{room.name} is clean and free.")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        query = f"?location={chosen.public_id}" if chosen else ""
        return redirect(f"{request.path}{query}")
    board = room_board(user=request.user, location=chosen) if chosen else []
    context = {
        "locations": locations,
        "chosen": chosen,
        "board": board,
        "can_clean": can(request.user, "appointment.room"),
    }
    if request.htmx:
        return render(request, "intake/rooms.html#board", context)
    return render(request, "intake/rooms.html", context)


@staff_view("appointment.room")
def rooming(request: StaffRequest, id) -> HttpResponse:
    appt = access_appointment(user=request.user, id=id)
    clinic_zone(request.user.clinic)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "repeat_bp":
                if not request.POST.get("bp_systolic") or not request.POST.get("bp_diastolic"):
                    raise ValidationFailed("Enter both numbers of the repeat blood pressure.")
                vitals_record(
                    actor=request.user,
                    appointment=appt,
                    bp_systolic=request.POST.get("bp_systolic", ""),
                    bp_diastolic=request.POST.get("bp_diastolic", ""),
                )
                messages.success(request, "Repeat blood pressure recorded.")
            else:
                checklist_tick(
                    actor=request.user, appointment=appt, key=request.POST.get("key", "")
                )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("intake:rooming", id=appt.public_id)
    sets = visit_vitals(appointment=appt)
    bps = [v for v in sets if v.bp_systolic is not None and not v.entered_in_error]
    return render(
        request,
        "intake/rooming.html",
        {
            "appt": appt,
            "steps": checklist_for(appointment=appt),
            "due": due_questionnaires(patient=appt.patient, appointment=appt),
            "bps": bps,
            "pain": next((v.pain for v in sets if v.pain is not None), None),
        },
    )
