"""API schemas for reminders."""

from __future__ import annotations

import uuid
from datetime import datetime

from ninja import Schema


class MessageOut(Schema):
    id: uuid.UUID
    kind: str
    channel: str
    to: str
    status: str
    scheduled_for: datetime
    sent_at: datetime | None
    attempts: int
    last_error: str
    provider_message_id: str
    patient: uuid.UUID
    appointment: uuid.UUID | None


class ReplyOut(Schema):
    id: uuid.UUID
    via: str
    action: str
    body: str
    received_at: datetime
    needs_staff: bool
    handled: bool
    staff_note: str
    patient: uuid.UUID
    appointment: uuid.UUID | None


class InboundOut(Schema):
    action: str
    reply: str
