"""Reminder and worker settings: a Django setting of the same name wins, else the environment,
else the default. (They live here, not in settings.py, so the app stays self-contained.)"""

from __future__ import annotations

import os

from django.conf import settings

DEFAULTS: dict[str, str] = {
    # Which class sends text messages (see medassist.reminders.senders).
    "MEDASSIST_SMS_SENDER": "medassist.reminders.senders.FileSender",
    "MEDASSIST_SMS_DIR": "",  # FileSender's folder; default <data dir>/sms
    "MEDASSIST_SMS_BASE_URL": "https://api.twilio.com",
    "MEDASSIST_SMS_ACCOUNT_SID": "",
    "MEDASSIST_SMS_AUTH_TOKEN": "",
    "MEDASSIST_SMS_FROM": "",
    "MEDASSIST_SMS_TIMEOUT": "10",
    # Shared secret the SMS provider's inbound webhook must present.
    "MEDASSIST_SMS_INBOUND_SECRET": "",
    # Public address the SMS provider calls (for its request signature); empty: the request's
    # own scheme and host. See medassist.reminders.signature.
    "MEDASSIST_SMS_WEBHOOK_BASE_URL": "",
    "MEDASSIST_REMINDER_FROM_EMAIL": "reminders@localhost",
    # The site's address for links in messages, e.g. https://clinic.example.org
    "MEDASSIST_PUBLIC_URL": "http://127.0.0.1:8000",
    "MEDASSIST_SEND_MAX_ATTEMPTS": "3",
    "MEDASSIST_SEND_RETRY_MINUTES": "5",  # first retry; doubles each time
    "MEDASSIST_OFFER_HOURS": "2",  # how long a waitlist offer stays open
    "MEDASSIST_WORKER_INTERVAL": "30",  # seconds between worker passes
    # No message reaches a patient between these clinic-local times (empty: no quiet hours).
    "MEDASSIST_QUIET_HOURS": "21:00-08:00",
}


def get(name: str) -> str:
    if hasattr(settings, name):
        return str(getattr(settings, name))
    return os.environ.get(name, DEFAULTS[name])


def get_int(name: str) -> int:
    return int(get(name))


def sms_dir() -> str:
    return get("MEDASSIST_SMS_DIR") or str(settings.DATA_DIR / "sms")
