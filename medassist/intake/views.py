"""Intake screens: the MA's rooming with vitals, another set of vitals, the physician's worklist.
Starting the visit opens the chart's encounter, so it lives in records (records/views/visits.py)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from medassist.core.errors import ApplicationError, NotFound, PermissionDenied
from medassist.core.web import StaffRequest, error_page, staff_view
from medassist.intake.forms import RoomingForm, VitalsForm
from medassist.intake.growth.report import Growth, growth_for
from medassist.intake.models import Vitals
from medassist.intake.selectors import (
    free_rooms,
    growth_vitals,
    latest_vitals_by_appointment,
    rooming_for,
    roomings_by_appointment,
    visit_vitals,
)
from medassist.intake.services import rooming_complete, vitals_record
from medassist.practice.roles import can
from medassist.practice.selectors import access_room
from medassist.scheduling.models import IN_CLINIC_STATUSES, Status
from medassist.scheduling.selectors import (
    access_appointment,
    clinic_today,
    minutes_in_status,
    physician_worklist,
)

# Roomed visits are ready for the physician: they come first, then the rest of the day.
WORKLIST_ORDER = {
    Status.ROOMED: 0,
    Status.WITH_PROVIDER: 1,
    Status.ARRIVED: 2,
    Status.BOOKED: 3,
    Status.CHECKED_OUT: 4,
    Status.NO_SHOW: 5,
    Status.CANCELLED: 5,
}
WAIT_LONG_MINUTES = 20


# ---------------------------------------------------------------------------- display helpers


def _fmt(value, places: int = 1) -> str:
    if value is None:
        return ""
    number = float(value)
    text = f"{number:.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def vitals_cells(v: Vitals) -> list[dict]:
    """One cell per reading, with the flag class (.flag / .flag.critical) and its message."""
    by_field = {f.get("field"): f for f in (v.flags or [])}

    def cell(key: str, label: str, text: str, *fields: str) -> dict:
        found = [by_field[f] for f in fields if f in by_field]
        cls = ""
        if found:
            cls = "flag critical" if any(f.get("critical") for f in found) else "flag"
        return {
            "key": key,
            "label": label,
            "text": text or "—",
            "cls": cls,
            "message": "; ".join(f.get("message", "") for f in found),
        }

    bp = f"{v.bp_systolic}/{v.bp_diastolic}" if v.bp_systolic is not None else ""
    # The units the clinic types (the form's: °F, in, lb) first; metric beside them.
    temp = f"{_fmt(v.temperature_f)} °F ({_fmt(v.temperature_c)} °C)" if v.temperature_c else ""
    height = f"{_fmt(float(v.height_cm) / 2.54)} in ({_fmt(v.height_cm)} cm)" if v.height_cm else ""
    weight = (
        f"{_fmt(float(v.weight_kg) / 0.45359237)} lb ({_fmt(v.weight_kg, 2)} kg)"
        if v.weight_kg
        else ""
    )

    def plain(value, unit: str) -> str:
        return f"{value}{unit}" if value is not None else ""

    return [
        cell("bp", "BP (mmHg)", bp, "bp_systolic", "bp_diastolic"),
        cell("pulse", "Pulse", plain(v.pulse, "/min"), "pulse"),
        cell("respiratory_rate", "Resp.", plain(v.respiratory_rate, "/min"), "respiratory_rate"),
        cell("temperature", "Temp.", temp, "temperature_c"),
        cell("spo2", "SpO2", plain(v.spo2, "%"), "spo2"),
        cell("height", "Height", height, "height_cm"),
        cell("weight", "Weight", weight, "weight_kg"),
        cell("bmi", "BMI", _fmt(v.bmi) if v.bmi is not None else "", "bmi"),
        cell("pain", "Pain", plain(v.pain, "/10"), "pain"),
    ]


def _with_cells(sets: list[Vitals]) -> list[Vitals]:
    for v in sets:
        v.cells = vitals_cells(v)  # type: ignore[attr-defined]  # for the template only
    return sets


# ---------------------------------------------------------------------------- rooming


def _room_choice(user, form: RoomingForm, appt):
    """The chosen room, fetched within the clinic and checked to be at the visit's location."""
    try:
        room = access_room(user=user, id=form.cleaned_data["room"])
    except NotFound:
        form.add_error("room", "There is no such room in this clinic.")
        return None
    if room.location_id != appt.location_id or not room.active:
        form.add_error("room", f"{room.name} is not a room of {appt.location.name}.")
        return None
    return room


@staff_view("appointment.room")
def room(request: StaffRequest, id) -> HttpResponse:
    user = request.user
    appt = access_appointment(user=user, id=id)
    status = 200
    form = None
    error = ""
    if request.method == "POST":
        form = RoomingForm(request.POST, rooms=free_rooms(user=user, location=appt.location))
        if form.is_valid():
            chosen = _room_choice(user, form, appt)
            if chosen is not None:
                try:
                    rooming_complete(
                        actor=user,
                        appointment=appt,
                        room=chosen,
                        reason_for_visit=form.cleaned_data["reason_for_visit"],
                        vitals=form.vitals(),
                    )
                except ApplicationError as exc:
                    # The service may have moved this in-memory copy before it refused.
                    appt.refresh_from_db()
                    form.attach(exc)
                    error = exc.message
                    status = exc.status
                else:
                    messages.success(request, f"{appt.patient.display_name} is in {chosen.name}.")
                    return redirect("intake:room", id=appt.public_id)
        if status == 200:
            status = 422
        # Offer the rooms that are free now (the chosen one may have been taken meanwhile).
        form.fields["room"].widget.choices = [("", "Choose a free room")] + [
            (str(r.public_id), r.name) for r in free_rooms(user=user, location=appt.location)
        ]
    elif appt.status == Status.ARRIVED:
        form = RoomingForm(rooms=free_rooms(user=user, location=appt.location))
    rooming = rooming_for(appointment=appt) if appt.status != Status.ARRIVED else None
    vitals_sets = _with_cells(visit_vitals(appointment=appt)) if rooming else []
    return render(
        request,
        "intake/room.html",
        {
            "appt": appt,
            "clinic_tz": user.clinic.tz,
            "form": form if appt.status == Status.ARRIVED else None,
            "error": error,
            "rooming": rooming,
            "vitals_sets": vitals_sets,
            "can_record_vitals": can(user, "vitals.record") and appt.status in IN_CLINIC_STATUSES,
        },
        status=status,
    )


# ---------------------------------------------------------------------------- vitals


def _growth(appt) -> Growth | None:
    """Growth percentiles and chart for a patient under 20 (staff screens only)."""
    tz = appt.clinic.tz
    patient = appt.patient
    if patient.age_on(timezone.localdate(timezone=tz)) >= 20:
        return None
    return growth_for(patient, growth_vitals(patient=patient), tz=tz)


@staff_view("vitals.view")
def vitals(request: StaffRequest, id) -> HttpResponse:
    user = request.user
    if request.method == "POST" and not can(user, "vitals.record"):
        return error_page(request, PermissionDenied("Your role does not allow recording vitals."))
    appt = access_appointment(user=user, id=id)
    in_clinic = appt.status in IN_CLINIC_STATUSES
    may_record = can(user, "vitals.record") and in_clinic
    status = 200
    form = VitalsForm() if may_record else None
    if request.method == "POST":
        form = VitalsForm(request.POST)
        if form.is_valid():
            try:
                vitals_record(actor=user, appointment=appt, **form.vitals())
            except ApplicationError as exc:
                form.attach(exc)
                status = exc.status
            else:
                messages.success(request, f"Vitals recorded for {appt.patient.display_name}.")
                return redirect("intake:vitals", id=appt.public_id)
        if status == 200:
            status = 422
    return render(
        request,
        "intake/vitals.html",
        {
            "appt": appt,
            "clinic_tz": user.clinic.tz,
            "form": form,
            "in_clinic": in_clinic,
            "may_record": may_record,
            "vitals_sets": _with_cells(visit_vitals(appointment=appt)),
            "growth": _growth(appt),
        },
        status=status,
    )


# ---------------------------------------------------------------------------- worklist


def worklist_rows(user, appointments: list) -> list[dict]:
    ids = [a.pk for a in appointments]
    roomings = roomings_by_appointment(appointment_ids=ids)
    latest = latest_vitals_by_appointment(appointment_ids=ids)
    today = clinic_today(user.clinic)
    now = timezone.now()
    rows = []
    for appt in sorted(appointments, key=lambda a: (WORKLIST_ORDER.get(a.status, 9), a.start)):
        waiting = None
        if appt.status in (Status.ARRIVED, Status.ROOMED):
            waiting = minutes_in_status(appt, now)
        latest_vitals = latest.get(appt.pk)
        rows.append(
            {
                "appt": appt,
                "age": appt.patient.age_on(today),
                "age_text": appt.patient.age_text_on(today),
                "rooming": roomings.get(appt.pk),
                "waiting": waiting,
                "wait_long": waiting is not None and waiting >= WAIT_LONG_MINUTES,
                "vitals": latest_vitals,
                "cells": vitals_cells(latest_vitals) if latest_vitals else [],
            }
        )
    return rows


@staff_view("worklist.view")
def worklist(request: StaffRequest) -> HttpResponse:
    user = request.user
    appointments = physician_worklist(user=user)
    context = {
        "rows": worklist_rows(user, appointments),
        "clinic_tz": user.clinic.tz,
        "has_provider": getattr(user, "provider", None) is not None,
        "today": clinic_today(user.clinic),
        "refreshed_at": timezone.now(),
        "here": reverse("intake:worklist"),
    }
    if request.htmx:
        return render(request, "intake/worklist.html#list", context)
    return render(request, "intake/worklist.html", context)
