"""Message bodies from the reviewed templates in templates/reminders/messages/, and the
calendar (.ics) attachment. Only time, place, provider and the clinic's name ever go in: no
visit type, no reason for the visit, nothing clinical."""

from __future__ import annotations

from datetime import UTC, datetime

from django.template.loader import render_to_string
from icalendar import Calendar, Event

from medassist.core.normalize import phone_display

SUBJECTS = {
    "reminder": "Your visit at {clinic}",
    "offer": "An earlier visit at {clinic}",
    "offer_gone": "The visit time we offered was taken",
    "booked": "Your visit at {clinic} is booked",
    "reply": "Your reply to {clinic}",
    "sign_in_code": "Your sign-in code for {clinic}",
    "refill": "Your refill request to {clinic}",
}


def local_when(start: datetime, tz) -> str:
    local = start.astimezone(tz)
    return f"{local:%a %b} {local.day} at {local:%I:%M %p}".replace(" 0", " ")


def greeting(patient) -> str:
    return f"Hi {patient.preferred_name or patient.first_name}"


def address_of(location) -> str:
    return ", ".join(p for p in (location.address_line1, location.city) if p)


def render(kind: str, *, sms: bool, clinic, **context) -> tuple[str, str]:
    """(subject, body) of a message of this kind."""
    ctx = {
        "sms": sms,
        "clinic": clinic.name,
        "phone": phone_display(clinic.phone) if clinic.phone else "",
        **context,
    }
    body = render_to_string(f"reminders/messages/{kind}.txt", ctx).strip()
    subject = SUBJECTS[kind].format(clinic=clinic.name)
    return subject, body


def visit_context(*, patient, provider, location, start, clinic) -> dict:
    return {
        "greeting": greeting(patient),
        "when": local_when(start, clinic.tz),
        "provider": provider.display_name,
        "place": location.name,
        "address": address_of(location),
    }


def ics_for(*, uid: str, start: datetime, end: datetime, clinic, location, provider) -> bytes:
    """A one-event calendar file for the visit (times in UTC; calendars show local time)."""
    cal = Calendar()
    cal.add("prodid", "-//medassist//reminders//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", start.astimezone(UTC))
    event.add("dtend", end.astimezone(UTC))
    event.add("summary", f"Visit at {clinic.name}")
    event.add("location", ", ".join(p for p in (location.name, address_of(location)) if p))
    event.add("description", f"With {provider.display_name}.")
    cal.add_component(event)
    return cal.to_ical()
