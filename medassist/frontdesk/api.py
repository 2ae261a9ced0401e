"""Front desk for API clients: the patient-flow board, check-in and checkout."""

from __future__ import annotations

import uuid

from django.utils import timezone
from ninja import Router
from ninja.responses import codes_4xx

from medassist.booking.api import appointment_data
from medassist.frontdesk.models import CheckIn, Checkout
from medassist.frontdesk.schemas import BoardItemOut, CheckInIn, CheckInOut, CheckOutIn, CheckoutOut
from medassist.frontdesk.services import check_in, check_out
from medassist.patients.selectors import access_coverage
from medassist.practice.roles import require
from medassist.practice.schemas import ErrorOut, as_local, money
from medassist.scheduling.selectors import access_appointment, flow_board, minutes_in_status

router = Router()

ERRORS = {codes_4xx: ErrorOut}


def check_in_data(record: CheckIn, tz) -> dict:
    return {
        "id": record.public_id,
        "appointment": appointment_data(record.appointment, tz),
        "demographics_confirmed": record.demographics_confirmed,
        "insurance_confirmed": record.insurance_confirmed,
        "self_pay": record.self_pay,
        "coverage": record.coverage.public_id if record.coverage else None,
        "copay_due": money(record.copay_due),
        "copay_collected": money(record.copay_collected),
        "payment_method": record.payment_method,
        "checked_in_by": record.checked_in_by.display_name,
        "checked_in_at": as_local(record.checked_in_at, tz),
    }


def checkout_data(record: Checkout, tz) -> dict:
    return {
        "id": record.public_id,
        "appointment": appointment_data(record.appointment, tz),
        "follow_up": record.follow_up,
        "note": record.note,
        "amount_collected": money(record.amount_collected),
        "payment_method": record.payment_method,
        "checked_out_by": record.checked_out_by.display_name,
        "checked_out_at": as_local(record.checked_out_at, tz),
    }


@router.get("/board", response={200: list[BoardItemOut], **ERRORS})
def board(request):
    """Today's visits still ahead of or in the clinic, with minutes spent in their status."""
    user = request.auth
    appointments = flow_board(user=user)
    now = timezone.now()
    return [
        {**appointment_data(a, user.clinic.tz), "minutes_in_status": minutes_in_status(a, now)}
        for a in appointments
    ]


@router.post("/{appointment_id}/check-in", response={200: CheckInOut, **ERRORS})
def check_in_visit(request, appointment_id: uuid.UUID, payload: CheckInIn):
    """Mark the patient arrived: demographics confirmed, and insurance confirmed or self-pay."""
    user = request.auth
    appt = access_appointment(user=user, id=appointment_id, audit=False)
    coverage = access_coverage(user=user, id=payload.coverage) if payload.coverage else None
    require(user, "appointment.check_in")
    record = check_in(
        actor=user,
        appointment=appt,
        demographics_confirmed=payload.demographics_confirmed,
        coverage=coverage,
        self_pay=payload.self_pay,
        copay_collected=payload.copay_collected,
        payment_method=payload.payment_method,
    )
    return check_in_data(record, user.clinic.tz)


@router.post("/{appointment_id}/check-out", response={200: CheckoutOut, **ERRORS})
def check_out_visit(request, appointment_id: uuid.UUID, payload: CheckOutIn):
    """Close the visit: follow-up, note and any payment collected."""
    user = request.auth
    appt = access_appointment(user=user, id=appointment_id, audit=False)
    require(user, "appointment.check_out")
    record = check_out(
        actor=user,
        appointment=appt,
        follow_up=payload.follow_up,
        note=payload.note,
        amount_collected=payload.amount_collected,
        payment_method=payload.payment_method,
    )
    return checkout_data(record, user.clinic.tz)
