"""Per-request facts (client address, request id) that services need for audit."""

from __future__ import annotations

import contextvars
import uuid
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RequestFacts:
    client_address: str = ""
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    channel: str = "system"


_current: contextvars.ContextVar[RequestFacts | None] = contextvars.ContextVar(
    "medassist_request_facts", default=None
)


def current() -> RequestFacts:
    return _current.get() or RequestFacts(request_id="")


def set_current(facts: RequestFacts) -> contextvars.Token:
    return _current.set(facts)


def reset(token: contextvars.Token) -> None:
    _current.reset(token)
