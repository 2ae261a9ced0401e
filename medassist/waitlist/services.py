"""Waitlist and recall writes. When a future slot frees up, matching waitlist entries are
offered it with a signed link; the first to accept is booked through the scheduling service.

`slot_freed(appointment=...)` is the entry point for "this visit's time is free again". The
worker calls it for every cancellation (scanning scheduling.StatusChange) and reschedule
(scanning AppointmentMove); scheduling may also call it directly. Calling it twice for the
same freed time is harmless."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.errors import Conflict, NotFound, ValidationFailed
from medassist.practice.roles import require
from medassist.reminders import conf, links, messages
from medassist.reminders.models import Message
from medassist.reminders.services import message_queue, preferred_channel
from medassist.reminders.system import system_user
from medassist.scheduling.models import ACTIVE_STATUSES, Appointment, Status
from medassist.waitlist.models import (
    ContactAttempt,
    OpenSlot,
    Recall,
    SlotOffer,
    WaitlistEntry,
)

OFFER_BATCH = 3  # entries offered one freed slot at a time
MAX_WAIT_DAYS = 366


# ---------------------------------------------------------------------------- entries


def _same_clinic(actor, **objs) -> None:
    for what, obj in objs.items():
        if obj is not None and obj.clinic_id != actor.clinic_id:
            raise ValidationFailed(f"Unknown {what.replace('_', ' ')}.", field=what)


@transaction.atomic
def waitlist_entry_add(
    *,
    actor,
    patient,
    visit_type,
    earliest_date: date,
    latest_date: date,
    provider=None,
    location=None,
    time_of_day: str = WaitlistEntry.TimeOfDay.ANY,
    priority: int = WaitlistEntry.Priority.NORMAL,
    note: str = "",
) -> WaitlistEntry:
    require(actor, "waitlist.manage")
    _same_clinic(actor, patient=patient, visit_type=visit_type, provider=provider)
    _same_clinic(actor, location=location)
    if not patient.active:
        raise ValidationFailed("This patient's record is inactive.", field="patient")
    today = timezone.localdate(timezone=actor.clinic.tz)
    if latest_date < today:
        raise ValidationFailed("The latest date is in the past.", field="latest_date")
    if latest_date < earliest_date:
        raise ValidationFailed(
            "The latest date must be on or after the earliest date.", field="latest_date"
        )
    if (latest_date - max(earliest_date, today)).days > MAX_WAIT_DAYS:
        raise ValidationFailed("Wait at most a year; choose an earlier date.", field="latest_date")
    if time_of_day not in WaitlistEntry.TimeOfDay.values:
        raise ValidationFailed("Choose any time, morning or afternoon.", field="time_of_day")
    if priority not in WaitlistEntry.Priority.values:
        raise ValidationFailed("Choose urgent, high or normal.", field="priority")
    if len(note) > 300:
        raise ValidationFailed("The note is limited to 300 characters.", field="note")
    if WaitlistEntry.objects.filter(
        clinic_id=actor.clinic_id,
        patient=patient,
        visit_type=visit_type,
        status__in=[WaitlistEntry.Status.WAITING, WaitlistEntry.Status.OFFERED],
    ).exists():
        raise Conflict(
            "This patient is already on the waitlist for this visit type.", code="duplicate"
        )
    entry = WaitlistEntry(
        clinic_id=actor.clinic_id,
        patient=patient,
        visit_type=visit_type,
        provider=provider,
        location=location,
        earliest_date=max(earliest_date, today),
        latest_date=latest_date,
        time_of_day=time_of_day,
        priority=priority,
        note=note.strip(),
    )
    entry.stamp(actor)
    entry.save()
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, obj=entry, patient=patient)
    return entry


@transaction.atomic
def waitlist_entry_remove(*, actor, entry: WaitlistEntry, reason: str = "") -> WaitlistEntry:
    require(actor, "waitlist.manage")
    if entry.clinic_id != actor.clinic_id:
        raise NotFound("No such waitlist entry.")
    current = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
    if current.status in (WaitlistEntry.Status.REMOVED, WaitlistEntry.Status.BOOKED):
        raise Conflict(
            f"This entry is already {current.get_status_display().lower()}.", code="closed"
        )
    current.status = WaitlistEntry.Status.REMOVED
    current.removed_reason = reason.strip()[:200]
    current.stamp(actor)
    current.save(update_fields=["status", "removed_reason", "updated_at", "updated_by"])
    SlotOffer.objects.filter(entry=current, status=SlotOffer.Status.OFFERED).update(
        status=SlotOffer.Status.EXPIRED, answered_at=timezone.now()
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=current,
        patient=current.patient,
        detail={"status": "removed"},
    )
    return current


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
    expires = min(now + timedelta(hours=conf.get_int("MEDASSIST_OFFER_HOURS")), slot.start)
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
    code = "offer_gone"


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
    scheduling's appointment_book, which re-checks the time); everyone else is told it's gone."""
    from medassist.scheduling.services import SlotTaken, appointment_book

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
    except SlotTaken:
        # Booked at the desk meanwhile: the slot is gone for everyone.
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


# ---------------------------------------------------------------------------- recalls


@transaction.atomic
def recall_add(*, actor, patient, reason: str, due_date: date) -> Recall:
    require(actor, "recall.manage")
    _same_clinic(actor, patient=patient)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Give the reason for the recall.", field="reason")
    if len(reason) > 200:
        raise ValidationFailed("The reason is limited to 200 characters.", field="reason")
    if not isinstance(due_date, date):
        raise ValidationFailed("Give the due date.", field="due_date")
    today = timezone.localdate(timezone=actor.clinic.tz)
    if abs((due_date - today).days) > 5 * 366:
        raise ValidationFailed("The due date is more than five years away.", field="due_date")
    recall = Recall(clinic_id=actor.clinic_id, patient=patient, reason=reason, due_date=due_date)
    recall.stamp(actor)
    recall.save()
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, obj=recall, patient=patient)
    return recall


def _open_recall(actor, recall: Recall) -> Recall:
    require(actor, "recall.manage")
    if recall.clinic_id != actor.clinic_id:
        raise NotFound("No such recall.")
    current = Recall.objects.select_for_update().select_related("patient").get(pk=recall.pk)
    if current.status in (Recall.Status.SCHEDULED, Recall.Status.CLOSED):
        raise Conflict(
            f"This recall is already {current.get_status_display().lower()}.", code="closed"
        )
    return current


@transaction.atomic
def recall_contact_record(
    *, actor, recall: Recall, channel: str, outcome: str, note: str = ""
) -> ContactAttempt:
    current = _open_recall(actor, recall)
    if channel not in ContactAttempt.Channel.values:
        raise ValidationFailed("Choose how the patient was contacted.", field="channel")
    if outcome not in ContactAttempt.Outcome.values:
        raise ValidationFailed("Choose the outcome.", field="outcome")
    if len(note) > 500:
        raise ValidationFailed("The note is limited to 500 characters.", field="note")
    attempt = ContactAttempt.objects.create(
        recall=current,
        at=timezone.now(),
        by=actor,
        channel=channel,
        outcome=outcome,
        note=note.strip(),
    )
    if current.status == Recall.Status.DUE:
        current.status = Recall.Status.CONTACTED
        current.stamp(actor)
        current.save(update_fields=["status", "updated_at", "updated_by"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=current,
        patient=current.patient,
        detail={"contact": channel, "outcome": outcome},
    )
    return attempt


@transaction.atomic
def recall_mark_scheduled(*, actor, recall: Recall, appointment: Appointment | None = None):
    current = _open_recall(actor, recall)
    if appointment is not None and (
        appointment.clinic_id != actor.clinic_id or appointment.patient_id != current.patient_id
    ):
        raise ValidationFailed("That visit is not this patient's.", field="appointment")
    current.status = Recall.Status.SCHEDULED
    current.appointment = appointment
    current.stamp(actor)
    current.save(update_fields=["status", "appointment", "updated_at", "updated_by"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=current,
        patient=current.patient,
        detail={"status": "scheduled"},
    )
    return current


@transaction.atomic
def recall_close(*, actor, recall: Recall, note: str = "") -> Recall:
    current = _open_recall(actor, recall)
    current.status = Recall.Status.CLOSED
    current.stamp(actor)
    current.save(update_fields=["status", "updated_at", "updated_by"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=current,
        patient=current.patient,
        detail={"status": "closed", "note": note.strip()[:200]},
    )
    return current
