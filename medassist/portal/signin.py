"""Patient sign-in without staff: name, date of birth and a mobile number or e-mail on file
get a one-time 6-digit code (sent through the reminders queue), and the code a short signed
patient session, separate from staff sessions. Every step is audited."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.errors import NotFound, ValidationFailed
from medassist.core.normalize import name_key, phone_e164
from medassist.patients.models import Patient
from medassist.portal.errors import Code
from medassist.portal.models import SignInCode
from medassist.portal.selectors import portal_user, settings_for
from medassist.practice.models import Clinic
from medassist.reminders.models import Channel, Message
from medassist.reminders.services import message_queue

CODE_MINUTES = 10
CODES_PER_HOUR = 5  # per contact and per client address
WRONG_TRIES = 5  # then the code is locked
SESSION_MINUTES = 20
SESSION_SALT = "medassist.portal.patient-session"
SESSION_COOKIE = "medassist_patient"
SENT = "If we found you, we sent a code. It works for 10 minutes."


class CodeInvalid(ValidationFailed):
    code: str = Code.CODE_INVALID


class TooManyCodes(ValidationFailed):
    code: str = Code.TOO_MANY_CODES
    status = 429


class SessionEnded(NotFound):
    code: str = Code.SESSION_ENDED


def _hash(*parts: str) -> str:
    return salted_hmac("medassist.portal.sign-in", "|".join(parts)).hexdigest()


def contact_key(contact: str) -> tuple[str, str]:
    """(channel, keyed hash) of an e-mail address or a mobile number as a person types it."""
    contact = (contact or "").strip()
    if not contact:
        raise ValidationFailed("Write your mobile number or e-mail address.", field="contact")
    if "@" in contact:
        return Channel.EMAIL, _hash("email", contact.lower())
    return Channel.SMS, _hash("sms", phone_e164(contact, field="contact"))


def _patient_key(patient: Patient, channel: str) -> str:
    if channel == Channel.EMAIL:
        return _hash("email", (patient.email or "").strip().lower())
    return _hash("sms", patient.phone_mobile or "")


def _match(clinic: Clinic, first_name: str, last_name: str, born: date, channel, key):
    """The one active patient with that name, birth date and contact; None for none or many."""
    found = [
        p
        for p in Patient.objects.filter(
            clinic=clinic,
            active=True,
            first_name_key=name_key(first_name),
            last_name_key=name_key(last_name),
            date_of_birth=born,
        )
        if _patient_key(p, channel) == key
        and (p.email if channel == Channel.EMAIL else p.phone_mobile)
    ]
    return found[0] if len(found) == 1 else None


@transaction.atomic
def signin_code_request(
    *,
    clinic: Clinic,
    first_name: str,
    last_name: str,
    date_of_birth: date,
    contact: str,
    client_address: str,
    now: datetime | None = None,
) -> str:
    """Send a code when exactly one active patient matches; the answer (SENT) is the same
    whether or not one did. TooManyCodes past CODES_PER_HOUR per contact or address."""
    now = now or timezone.now()
    actor = portal_user(clinic)
    if not settings_for(clinic).enabled:
        raise NotFound("This clinic does not offer online sign-in.")
    channel, key = contact_key(contact)
    hour = now - timedelta(hours=1)
    recent = SignInCode.objects.filter(clinic=clinic, created_at__gte=hour)
    if (
        recent.filter(contact_key=key).count() >= CODES_PER_HOUR
        or recent.filter(client_address=client_address).count() >= CODES_PER_HOUR
    ):
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            object_type="portal.SignInCode",
            clinic=clinic,
            detail={"refused": "too many codes"},
        )
        raise TooManyCodes("Too many codes were asked for. Try again in an hour.")
    patient = _match(clinic, first_name, last_name, date_of_birth, channel, key)
    row = SignInCode(clinic=clinic, contact_key=key, client_address=client_address[:64])
    row.save()
    if patient is not None:
        code = f"{secrets.randbelow(10**6):06d}"
        msg = message_queue(
            clinic=clinic,
            patient=patient,
            channel=channel,
            kind=Message.Kind.SIGN_IN_CODE,
            context={"code": code, "minutes": CODE_MINUTES, "greeting": f"Hi {patient.first_name}"},
            scheduled_for=now,
            asked_now=True,  # the patient is waiting for it, even in quiet hours
        )
        row.patient = patient
        row.code_hash = _hash(str(row.public_id), code)
        row.expires_at = max(msg.scheduled_for, now) + timedelta(minutes=CODE_MINUTES)
        row.save(update_fields=["patient", "code_hash", "expires_at", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=row,
        patient=patient,
        clinic=clinic,
        detail={"matched": patient is not None, "channel": channel},
    )
    return SENT


def signin_code_check(
    *, clinic: Clinic, contact: str, code: str, now: datetime | None = None
) -> Patient:
    """The patient of the latest live code sent to that contact when `code` is it. A wrong
    code counts against it (WRONG_TRIES locks it); a code works once. CodeInvalid otherwise,
    with one message for every failure. The count is saved even though the check fails."""
    now = now or timezone.now()
    actor = portal_user(clinic)
    _channel, key = contact_key(contact)
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    with transaction.atomic():
        row = (
            SignInCode.objects.select_for_update()
            .filter(clinic=clinic, contact_key=key, patient__isnull=False)
            .order_by("-created_at")
            .select_related("patient")
            .first()
        )
        live = (
            row is not None
            and row.used_at is None
            and row.wrong_tries < WRONG_TRIES
            and row.expires_at is not None
            and now <= row.expires_at
        )
        right = bool(
            row is not None
            and live
            and constant_time_compare(row.code_hash, _hash(str(row.public_id), code))
        )
        if row is not None and live:
            if right:
                row.used_at = now
            else:
                row.wrong_tries += 1
            row.save(update_fields=["used_at", "wrong_tries", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.LOGIN if right else AuditEvent.Action.LOGIN_FAILED,
            object_type="portal.SignInCode",
            object_id=str(row.public_id) if row else "",
            patient=row.patient if row else None,
            clinic=clinic,
            detail={"channel": "portal", "locked": bool(row and row.wrong_tries >= WRONG_TRIES)},
        )
    if not right or row is None or row.patient is None:
        raise CodeInvalid(
            "That code is not right, was used already or has expired. Ask for a new one.",
            field="code",
        )
    return row.patient


def session_value(patient: Patient) -> str:
    """The signed value of a patient session cookie (checked with its age on each request)."""
    return signing.dumps(
        {"p": str(patient.public_id), "c": str(patient.clinic.public_id)}, salt=SESSION_SALT
    )


def patient_from_session(value: str | None) -> Patient:
    """The patient of a session cookie younger than SESSION_MINUTES; SessionEnded otherwise."""
    try:
        data = signing.loads(value or "", salt=SESSION_SALT, max_age=SESSION_MINUTES * 60)
    except signing.BadSignature as exc:
        raise SessionEnded("Your sign-in has ended. Sign in again.") from exc
    patient = (
        Patient.objects.select_related("clinic")
        .filter(public_id=data.get("p"), clinic__public_id=data.get("c"), active=True)
        .first()
    )
    if patient is None:
        raise SessionEnded("Your sign-in has ended. Sign in again.")
    return patient
