"""Signed links a patient opens to fill in their visit's questionnaires (no login): the link
names the visit, is valid for LINK_DAYS, and opens only that visit's forms."""

from __future__ import annotations

from django.core import signing

from medassist.core.errors import NotFound
from medassist.scheduling.models import Appointment, Status

SALT = "medassist.intake.fill"
LINK_DAYS = 14
OPEN_STATUSES = (Status.BOOKED, Status.ARRIVED, Status.ROOMED)


def fill_token(appointment: Appointment) -> str:
    return signing.dumps(appointment.public_id.hex, salt=SALT, compress=False)


def appointment_from_token(token: str) -> Appointment:
    """The visit of a fill link still open for answers; NotFound with a plain reason otherwise."""
    try:
        value = signing.loads(token, salt=SALT, max_age=LINK_DAYS * 86400)
    except signing.SignatureExpired:
        raise NotFound("This link has expired. Ask the clinic for a new one.") from None
    except signing.BadSignature:
        raise NotFound("This link is not valid. Ask the clinic for a new one.") from None
    appt = (
        Appointment.objects.select_related("patient__clinic", "clinic")
        .filter(public_id=value)
        .first()
    )
    if appt is None or appt.status not in OPEN_STATUSES:
        raise NotFound("This visit's forms are closed. Ask the clinic if you need help.")
    return appt
