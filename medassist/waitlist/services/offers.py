"""Freed slots: offering them to matching waitlist entries; the first to accept gets it,
the others are told it's gone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.availability.errors import NotOpen
from medassist.booking.services import appointment_book
from medassist.core.errors import Conflict
from medassist.reminders import conf, links, messages
from medassist.reminders.models import Message
from medassist.reminders.quiet import after_quiet_hours
from medassist.reminders.services import message_queue, preferred_channel
from medassist.reminders.system import system_user
from medassist.scheduling.errors import SlotTaken
from medassist.scheduling.models import ACTIVE_STATUSES, Appointment, Status
from medassist.waitlist.errors import Code
from medassist.waitlist.models import (
    OpenSlot,
    SlotOffer,
    WaitlistEntry,
)

OFFER_BATCH = 3  # entries offered one freed slot at a time


# ---------------------------------------------------------------------------- freed slots


def _matches(entry: WaitlistEntry, slot: OpenSlot, tz) -> bool:
    local = slot.start.astimezone(tz)
    if not entry.earliest_date <= local.date() <= entry.latest_date:
        return False
    if entry.provider_id and entry.provider_id != slot.provider_id:
        return False
    if entry.location_id and entry.location_id != slot.location_id:
        return False
    if entry.time_of_day == WaitlistEntry.TimeOfDay.MORNING and local.hour >= 12:
        return False
    if entry.time_of_day == WaitlistEntry.TimeOfDay.AFTERNOON and local.hour < 12:
        return False
    minutes = (slot.end - slot.start).total_seconds() / 60
    return entry.visit_type.duration_minutes <= minutes


def _offer_round(slot: OpenSlot, now: datetime) -> int:
    """Offer the slot to the next few matching waiting entries; expire it when nobody is left."""
    clinic = slot.clinic
    already = set(SlotOffer.objects.filter(slot=slot).values_list("entry_id", flat=True))
    candidates = (
        WaitlistEntry.objects.filter(
            clinic=clinic, status=WaitlistEntry.Status.WAITING, visit_type__active=True
        )
        .exclude(pk__in=already)
        .exclude(patient_id=slot.source_appointment.patient_id)
        .select_related("patient", "visit_type")
        .order_by("priority", "created_at", "id")
    )
    chosen = [e for e in candidates if _matches(e, slot, clinic.tz)][:OFFER_BATCH]
    if not chosen:
        if not SlotOffer.objects.filter(slot=slot, status=SlotOffer.Status.OFFERED).exists():
            slot.status = OpenSlot.Status.EXPIRED
            slot.save(update_fields=["status", "updated_at"])
        return 0
    # The offer is open for its hours from when it can be read (not in the night), and never
    # past the visit's start.
    readable = after_quiet_hours(now, clinic.tz)
    expires = min(readable + timedelta(hours=conf.get_int("MEDASSIST_OFFER_HOURS")), slot.start)
    if expires <= readable:
        return 0  # the visit comes before anyone could read the offer
    for entry in chosen:
        offer = SlotOffer.objects.create(slot=slot, entry=entry, expires_at=expires)
        entry.status = WaitlistEntry.Status.OFFERED
        entry.save(update_fields=["status", "updated_at"])
        ctx = messages.visit_context(
            patient=entry.patient,
            provider=slot.provider,
            location=slot.location,
            start=slot.start,
            clinic=clinic,
        )
        ctx["expires"] = messages.local_when(expires, clinic.tz)
        ctx["link"] = links.absolute(reverse("waitlist:offer", args=[links.offer_token(offer)]))
        message_queue(
            clinic=clinic,
            patient=entry.patient,
            channel=preferred_channel(entry.patient),
            kind=Message.Kind.OFFER,
            context=ctx,
            scheduled_for=now,
        )
    return len(chosen)


@transaction.atomic
def slot_freed(
    *,
    appointment: Appointment,
    start: datetime | None = None,
    end: datetime | None = None,
    provider=None,
    location=None,
    now: datetime | None = None,
) -> OpenSlot | None:
    """The time of `appointment` (or, for a move, its old `start`/`end`/`provider`/`location`)
    is free again: offer it to matching waitlist entries. Nothing happens for a past time, a
    time that is booked again already, or a time already offered."""
    now = now or timezone.now()
    start = start or appointment.start
    end = end or appointment.end
    provider_id = provider.pk if provider is not None else appointment.provider_id
    location_id = location.pk if location is not None else appointment.location_id
    if start <= now:
        return None
    existing = OpenSlot.objects.filter(source_appointment=appointment, start=start).first()
    if existing is not None:
        return existing
    # Booked again already (or, after a small move, still partly held by the same visit).
    if Appointment.objects.filter(
        provider_id=provider_id, status__in=ACTIVE_STATUSES, start__lt=end, end__gt=start
    ).exists():
        return None
    slot = OpenSlot(
        clinic_id=appointment.clinic_id,
        source_appointment=appointment,
        provider_id=provider_id,
        location_id=location_id,
        start=start,
        end=end,
    )
    try:
        with transaction.atomic():
            slot.save()
    except IntegrityError:
        return OpenSlot.objects.get(source_appointment=appointment, start=start)
    slot = OpenSlot.objects.select_related(
        "clinic", "provider", "location", "source_appointment"
    ).get(pk=slot.pk)
    _offer_round(slot, now)
    return slot


@dataclass
class AcceptResult:
    ok: bool
    message: str
    appointment: Appointment | None = None


class OfferGone(Conflict):
    code: str = Code.OFFER_GONE


def offer_for_token(token: str) -> SlotOffer:
    pid = links.offer_id(token)
    offer = (
        SlotOffer.objects.select_related(
            "slot__clinic", "slot__provider", "slot__location", "entry__patient"
        )
        .filter(public_id=pid)
        .first()
    )
    if offer is None:
        raise links.LinkRefused("This link is not valid.")
    return offer


def _tell_gone(offers, slot: OpenSlot, now: datetime) -> None:
    for other in offers:
        other.status = SlotOffer.Status.GONE
        other.answered_at = now
        other.save(update_fields=["status", "answered_at", "updated_at"])
        entry = other.entry
        if entry.status == WaitlistEntry.Status.OFFERED:
            entry.status = WaitlistEntry.Status.WAITING
            entry.save(update_fields=["status", "updated_at"])
        message_queue(
            clinic=slot.clinic,
            patient=entry.patient,
            channel=preferred_channel(entry.patient),
            kind=Message.Kind.OFFER_GONE,
            context={
                "greeting": messages.greeting(entry.patient),
                "when": messages.local_when(slot.start, slot.clinic.tz),
            },
            scheduled_for=now,
        )


@transaction.atomic
def offer_accept(*, token: str, now: datetime | None = None) -> AcceptResult:
    """The patient accepts an offered slot. The first to accept is booked (through
    booking's appointment_book, which re-checks the time, hours and resources); everyone else
    is told it's gone."""
    now = now or timezone.now()
    found = offer_for_token(token)
    slot = (
        OpenSlot.objects.select_for_update()
        .select_related("clinic", "provider", "location")
        .get(pk=found.slot_id)
    )
    offer = SlotOffer.objects.select_for_update().select_related("entry__patient").get(pk=found.pk)
    entry = offer.entry
    if offer.status == SlotOffer.Status.ACCEPTED:
        return AcceptResult(True, "This visit is already booked for you.", slot.booked)
    if slot.status != OpenSlot.Status.OPEN or offer.status == SlotOffer.Status.GONE:
        return AcceptResult(False, "Sorry, that time was just taken.")
    if offer.status == SlotOffer.Status.EXPIRED or offer.expires_at <= now:
        return AcceptResult(False, "Sorry, this offer has ended. You stay on the waitlist.")
    actor = system_user(slot.clinic)
    others = list(
        SlotOffer.objects.filter(slot=slot, status=SlotOffer.Status.OFFERED)
        .exclude(pk=offer.pk)
        .select_related("entry__patient")
    )
    try:
        with transaction.atomic():
            appt = appointment_book(
                actor=actor,
                patient=entry.patient,
                provider=slot.provider,
                visit_type=entry.visit_type,
                location=slot.location,
                start=slot.start,
                note="Booked from the waitlist.",
            )
    except (SlotTaken, NotOpen):
        # Booked at the desk meanwhile (or its room, or the provider's hours, are gone): the
        # slot is gone for everyone.
        slot.status = OpenSlot.Status.FILLED
        slot.save(update_fields=["status", "updated_at"])
        _tell_gone([offer, *others], slot, now)
        return AcceptResult(False, "Sorry, that time was just taken.")
    offer.status, offer.answered_at = SlotOffer.Status.ACCEPTED, now
    offer.save(update_fields=["status", "answered_at", "updated_at"])
    entry.status, entry.appointment = WaitlistEntry.Status.BOOKED, appt
    entry.save(update_fields=["status", "appointment", "updated_at"])
    slot.status, slot.booked = OpenSlot.Status.FILLED, appt
    slot.save(update_fields=["status", "booked", "updated_at"])
    _tell_gone(others, slot, now)
    ctx = messages.visit_context(
        patient=entry.patient,
        provider=slot.provider,
        location=slot.location,
        start=slot.start,
        clinic=slot.clinic,
    )
    message_queue(
        clinic=slot.clinic,
        patient=entry.patient,
        channel=preferred_channel(entry.patient),
        kind=Message.Kind.BOOKED,
        context=ctx,
        scheduled_for=now,
        appointment=appt,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=entry,
        patient=entry.patient,
        detail={"status": "booked", "offer": str(offer.public_id)},
    )
    return AcceptResult(True, "You are booked.", appt)


@transaction.atomic
def offers_expire(*, now: datetime) -> int:
    """Offers past their time expire; their entries wait again; the slot goes to the next."""
    due = list(
        SlotOffer.objects.filter(status=SlotOffer.Status.OFFERED, expires_at__lte=now)
        .select_for_update()
        .select_related("entry")
    )
    slots = set()
    for offer in due:
        offer.status, offer.answered_at = SlotOffer.Status.EXPIRED, now
        offer.save(update_fields=["status", "answered_at", "updated_at"])
        if offer.entry.status == WaitlistEntry.Status.OFFERED:
            offer.entry.status = WaitlistEntry.Status.WAITING
            offer.entry.save(update_fields=["status", "updated_at"])
        slots.add(offer.slot_id)
    for slot in OpenSlot.objects.filter(pk__in=slots, status=OpenSlot.Status.OPEN).select_related(
        "clinic", "provider", "location", "source_appointment"
    ):
        if slot.start <= now:
            slot.status = OpenSlot.Status.EXPIRED
            slot.save(update_fields=["status", "updated_at"])
        else:
            _offer_round(slot, now)
    return len(due)


def _cursor(name: str):
    from medassist.reminders.models import WorkerCursor

    cursor, _ = WorkerCursor.objects.select_for_update().get_or_create(name=name)
    return cursor


@transaction.atomic
def freed_slots_scan(*, now: datetime, batch: int = 500) -> int:
    """Read cancellations (and reschedules) since the last pass and offer the freed times."""
    from medassist.scheduling.models import StatusChange

    found = 0
    cursor = _cursor("waitlist.freed-slots")
    changes = list(
        StatusChange.objects.filter(
            pk__gt=cursor.last_id, to_status__in=[Status.CANCELLED, Status.NO_SHOW]
        )
        .select_related("appointment")
        .order_by("pk")[:batch]
    )
    for change in changes:
        if slot_freed(appointment=change.appointment, now=now) is not None:
            found += 1
    if changes:
        cursor.last_id = changes[-1].pk
        cursor.save(update_fields=["last_id", "updated_at"])
    try:
        from medassist.scheduling.models import AppointmentMove
    except ImportError:  # scheduling without reschedule history
        return found
    cursor = _cursor("waitlist.moves")
    moves = list(
        AppointmentMove.objects.filter(pk__gt=cursor.last_id)
        .select_related("appointment")
        .order_by("pk")[:batch]
    )
    for move in moves:
        slot = slot_freed(
            appointment=move.appointment,
            start=move.from_start,
            end=move.from_end,
            provider=move.from_provider,
            location=move.from_location,
            now=now,
        )
        found += slot is not None
    if moves:
        cursor.last_id = moves[-1].pk
        cursor.save(update_fields=["last_id", "updated_at"])
    return found
