"""Reminder writes: planning reminders for upcoming visits, sending due messages (claimed so
two workers never send the same one), retries, and what patients answer.

Functions the worker calls take an explicit `now` so tests (and catch-up runs) control time."""

from medassist.reminders.services.answers import (  # noqa: F401 - the package's names
    delivery_status_receive,
    inbound_sms_receive,
    link_appointment,
    reminder_link_answer,
    reply_mark_handled,
)
from medassist.reminders.services.planning import (  # noqa: F401 - the package's names
    ensure_default_rules,
    message_queue,
    preferred_channel,
    reminder_context,
    reminder_time,
    reminders_cancel_stale,
    reminders_plan,
)
from medassist.reminders.services.sending import (  # noqa: F401 - the package's names
    message_retry,
    message_send,
    messages_claim,
    messages_release_stale,
    messages_send_due,
    retry_delay,
)
