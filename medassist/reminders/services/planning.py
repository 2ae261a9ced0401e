"""Which reminders a visit gets (the clinic's rules) and putting them in the queue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import F, Max, Q
from django.urls import reverse

from medassist.core.extensions import reminder_extras
from medassist.practice.models import Clinic
from medassist.reminders import conf, links, messages
from medassist.reminders.models import Channel, Message, ReminderRule
from medassist.reminders.quiet import after_quiet_hours
from medassist.scheduling.models import Appointment, Status

DEFAULT_RULES = (
    ("Email 3 days before", 72, Channel.EMAIL),
    ("Text 1 day before", 24, Channel.SMS),
)
# ---------------------------------------------------------------------------- rules


def ensure_default_rules(clinic: Clinic) -> list[ReminderRule]:
    """A clinic without any rule gets the defaults (72 h email, 24 h text) on first use. A
    clinic that wants no reminders deactivates its rules rather than deleting them."""
    rules = list(ReminderRule.objects.filter(clinic=clinic).prefetch_related("visit_types"))
    if rules:
        return [r for r in rules if r.active]
    created = [
        ReminderRule.objects.create(clinic=clinic, name=name, offset_hours=hours, channel=channel)
        for name, hours, channel in DEFAULT_RULES
    ]
    return created


def reminder_time(start: datetime, offset_hours: int, tz) -> datetime:
    """When to send a reminder `offset_hours` before `start`. Whole days step back on the
    clinic's wall clock (so 24 h before a 09:00 visit is 09:00 the day before, across DST);
    the remaining hours are exact."""
    days, hours = divmod(offset_hours, 24)
    wall = start.astimezone(tz).replace(tzinfo=None) - timedelta(days=days)
    return wall.replace(tzinfo=tz).astimezone(UTC) - timedelta(hours=hours)


# ---------------------------------------------------------------------------- queueing


def _address(patient, channel: str) -> str:
    return patient.email if channel == Channel.EMAIL else patient.phone_mobile


def message_queue(
    *,
    clinic: Clinic,
    patient,
    channel: str,
    kind: str,
    context: dict,
    scheduled_for: datetime,
    appointment: Appointment | None = None,
    rule: ReminderRule | None = None,
    asked_now: bool = False,
) -> Message:
    """Queue one message rendered from its reviewed template, never inside the clinic's quiet
    hours (it waits for their end). A patient without an address for
    the channel gets a cancelled row saying so, or a failed one (for the desk) when there is no
    way at all to reach them."""
    sms = channel == Channel.SMS
    if not asked_now:  # a message the patient just asked for (a sign-in code) goes at once
        scheduled_for = after_quiet_hours(scheduled_for, clinic.tz)
    subject, body = messages.render(kind, sms=sms, clinic=clinic, **context)
    to = _address(patient, channel)
    msg = Message(
        clinic=clinic,
        patient=patient,
        appointment=appointment,
        rule=rule,
        kind=kind,
        channel=channel,
        to=to,
        subject=subject,
        body=body,
        scheduled_for=scheduled_for,
        appointment_start=appointment.start if appointment is not None else None,
        max_attempts=conf.get_int("MEDASSIST_SEND_MAX_ATTEMPTS"),
    )
    if not to:
        other = Channel.SMS if channel == Channel.EMAIL else Channel.EMAIL
        missing = "No email address on file" if sms is False else "No mobile number on file"
        msg.max_attempts = 0
        if _address(patient, other):
            # Reachable the other way (the clinic's other rule): not a failure for the desk.
            msg.status = Message.Status.CANCELLED
            msg.last_error = f"{missing}; not sent by {msg.get_channel_display().lower()}."
        else:
            msg.status = Message.Status.FAILED
            msg.last_error = f"{missing}, and no other way to reach the patient."
    msg.save()
    return msg


def preferred_channel(patient) -> str:
    return Channel.SMS if patient.phone_mobile else Channel.EMAIL


def reminder_context(appt: Appointment) -> dict:
    ctx = messages.visit_context(
        patient=appt.patient,
        provider=appt.provider,
        location=appt.location,
        start=appt.start,
        clinic=appt.clinic,
    )
    path = reverse("reminders:patient_link", args=[links.reminder_token(appt)])
    ctx["link"] = links.absolute(path)
    ctx["prep"] = reminder_extras(appt)  # e.g. intake's preparation instructions
    return ctx


def reminders_plan(*, now: datetime, clinic: Clinic | None = None) -> int:
    """Plan the reminders of every booked visit ahead that lacks them. A reminder whose time
    came before the visit was booked is skipped; one missed while the worker was down is sent
    at once. One transaction per clinic. Returns how many were planned."""
    clinics = [clinic] if clinic is not None else list(Clinic.objects.all())
    return sum(_plan_clinic(c, now) for c in clinics)


@transaction.atomic
def _plan_clinic(clinic: Clinic, now: datetime) -> int:
    planned = 0
    rules = ensure_default_rules(clinic)
    if not rules:
        return 0
    horizon = now + timedelta(hours=max(r.offset_hours for r in rules) + 48)
    visits_qs = Appointment.objects.filter(
        clinic=clinic, status=Status.BOOKED, start__gt=now, start__lte=horizon
    ).select_related("patient", "provider", "location", "clinic")
    if hasattr(Appointment, "moves"):  # reschedule history, where scheduling keeps it
        visits_qs = visits_qs.annotate(last_moved_at=Max("moves__at"))
    visits = list(visits_qs)
    if not visits:
        return 0
    have = set(
        Message.objects.filter(
            appointment__in=visits, kind=Message.Kind.REMINDER, rule__isnull=False
        ).values_list("appointment_id", "rule_id", "appointment_start")
    )
    for appt in visits:
        for rule in rules:
            types = {vt.pk for vt in rule.visit_types.all()}
            if types and appt.visit_type_id not in types:
                continue
            if (appt.pk, rule.pk, appt.start) in have:
                continue
            when = reminder_time(appt.start, rule.offset_hours, clinic.tz)
            booked_at = getattr(appt, "last_moved_at", None) or appt.created_at
            if when < booked_at - timedelta(minutes=1) or when >= appt.start:
                continue  # its time came before the visit was booked (or moved)
            message_queue(
                clinic=clinic,
                patient=appt.patient,
                channel=rule.channel,
                kind=Message.Kind.REMINDER,
                context=reminder_context(appt),
                scheduled_for=when,
                appointment=appt,
                rule=rule,
            )
            planned += 1
    return planned


def _stale_reason(msg: Message) -> str:
    appt = msg.appointment
    if appt is None:
        return ""
    if appt.status != Status.BOOKED:
        return f"Visit {appt.get_status_display().lower()}."
    if msg.appointment_start is not None and appt.start != msg.appointment_start:
        return "Visit moved; new reminders are planned for the new time."
    return ""


@transaction.atomic
def reminders_cancel_stale(*, now: datetime) -> int:
    """Cancel unsent reminders of visits that were cancelled, no-showed or moved."""
    pending = Message.objects.filter(
        kind=Message.Kind.REMINDER,
        appointment__isnull=False,
        status__in=[Message.Status.QUEUED, Message.Status.FAILED],
    ).filter(~Q(appointment__status=Status.BOOKED) | ~Q(appointment__start=F("appointment_start")))
    cancelled = 0
    for msg in pending.select_related("appointment"):
        reason = _stale_reason(msg)
        if reason:
            Message.objects.filter(pk=msg.pk, status=msg.status).update(
                status=Message.Status.CANCELLED, last_error=reason, updated_at=now
            )
            cancelled += 1
    return cancelled
