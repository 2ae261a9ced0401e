"""Signed, expiring links for patients: no login, nothing guessable, nothing in the link but
an opaque id. Tampered or expired tokens are refused (LinkRefused)."""

from __future__ import annotations

import uuid

from django.core import signing

from medassist.core.errors import ApplicationError
from medassist.reminders import conf
from medassist.reminders.errors import Code

REMINDER_SALT = "medassist.reminders.link"
OFFER_SALT = "medassist.waitlist.offer"
REMINDER_MAX_AGE = 30 * 24 * 3600  # the page also refuses once the visit is past


class LinkRefused(ApplicationError):
    code: str = Code.LINK_REFUSED
    status = 404


def _sign(value: uuid.UUID, salt: str) -> str:
    return signing.dumps(value.hex, salt=salt, compress=False)


def _unsign(token: str, salt: str, max_age: int) -> uuid.UUID:
    if not isinstance(token, str) or len(token) > 200:
        raise LinkRefused("This link is not valid.")
    try:
        value = signing.loads(token, salt=salt, max_age=max_age)
        return uuid.UUID(hex=str(value))
    except signing.SignatureExpired as exc:
        raise LinkRefused("This link has expired. Please call the clinic.") from exc
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise LinkRefused("This link is not valid.") from exc


def reminder_token(appointment) -> str:
    return _sign(appointment.public_id, REMINDER_SALT)


def reminder_appointment_id(token: str) -> uuid.UUID:
    return _unsign(token, REMINDER_SALT, REMINDER_MAX_AGE)


def offer_token(offer) -> str:
    return _sign(offer.public_id, OFFER_SALT)


def offer_id(token: str) -> uuid.UUID:
    # The offer's own expiry (a couple of hours) is checked against the database as well.
    return _unsign(token, OFFER_SALT, 7 * 24 * 3600)


def absolute(path: str) -> str:
    return conf.get("MEDASSIST_PUBLIC_URL").rstrip("/") + path
