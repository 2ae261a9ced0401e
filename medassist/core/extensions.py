"""Extension points where a lower app shows what a higher app adds, without importing it.

`reminder_extras`: text a reminder of a visit carries after the visit's details (intake
registers the clinic's preparation instructions for the visit type). Each registered function
takes the appointment and returns plain text ("" for nothing); reminders call
`reminder_extras(appointment)` when they build a message.

`prep_extras`: more preparation instructions for a visit, shown on the patient's forms page
(link, portal, tablet) beside intake's own (orders registers the instructions of the tests
waiting for collection). Each function takes the appointment and returns objects with
`title` and `body`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_REMINDER_EXTRAS: dict[str, Callable[[Any], str]] = {}


def register_reminder_extra(key: str, fn: Callable[[Any], str]) -> None:
    _REMINDER_EXTRAS[key] = fn


def reminder_extras(appointment) -> str:
    parts = [fn(appointment) for _, fn in sorted(_REMINDER_EXTRAS.items())]
    return "\n\n".join(p.strip() for p in parts if p and p.strip())


_PREP_EXTRAS: dict[str, Callable[[Any], list]] = {}


def register_prep_extra(key: str, fn: Callable[[Any], list]) -> None:
    _PREP_EXTRAS[key] = fn


def prep_extras(appointment) -> list:
    return [item for _, fn in sorted(_PREP_EXTRAS.items()) for item in fn(appointment)]
