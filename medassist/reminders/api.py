"""Reminders for API clients: messages (failures first), retry, patients' replies, and the SMS
provider's webhooks /inbound and /status (no user: the provider proves itself with the shared
secret MEDASSIST_SMS_INBOUND_SECRET, or with Twilio's X-Twilio-Signature when
MEDASSIST_SMS_AUTH_TOKEN is set; see medassist.reminders.signature for
MEDASSIST_SMS_WEBHOOK_BASE_URL)."""

from __future__ import annotations

import base64
import hmac
import uuid
from datetime import date, timedelta
from typing import Annotated

from django.http import HttpRequest
from ninja import Form, Query, Router
from ninja.responses import codes_4xx
from ninja.security import APIKeyHeader

from medassist.practice.schemas import ErrorOut, as_local
from medassist.reminders import conf, selectors, services, signature
from medassist.reminders.models import Message, PatientReply
from medassist.reminders.schemas import InboundOut, MessageOut, ReplyOut
from medassist.scheduling.selectors import clinic_day_bounds, clinic_today

router = Router()
ERRORS = {codes_4xx: ErrorOut}
MAX_DAYS = 31


def message_data(m: Message, tz) -> dict:
    return {
        "id": m.public_id,
        "kind": m.kind,
        "channel": m.channel,
        "to": m.to,
        "status": m.status,
        "scheduled_for": as_local(m.scheduled_for, tz),
        "sent_at": as_local(m.sent_at, tz),
        "attempts": m.attempts,
        "last_error": m.last_error,
        "provider_message_id": m.provider_message_id,
        "patient": m.patient.public_id,
        "appointment": m.appointment.public_id if m.appointment else None,
    }


def reply_data(r: PatientReply, tz) -> dict:
    return {
        "id": r.public_id,
        "via": r.via,
        "action": r.action,
        "body": r.body,
        "received_at": as_local(r.received_at, tz),
        "needs_staff": r.needs_staff,
        "handled": r.handled_at is not None,
        "staff_note": r.staff_note,
        "patient": r.patient.public_id,
        "appointment": r.appointment.public_id if r.appointment else None,
    }


@router.get("/messages", response={200: list[MessageOut], **ERRORS})
def list_messages(
    request,
    day: Annotated[date | None, Query(None, alias="from", description="First day; today.")] = None,
    days: Annotated[int, Query(7, ge=1, le=MAX_DAYS, description="How many days.")] = 7,
    status: Annotated[str | None, Query(None, description="Only this status.")] = None,
):
    """Messages planned for a span of clinic-local days; failed ones (any day) first."""
    user = request.auth
    if status is not None and status not in Message.Status.values:
        from medassist.core.errors import ValidationFailed

        raise ValidationFailed(f"Unknown status {status!r}.", field="status")
    tz = user.clinic.tz
    first = day or clinic_today(user.clinic)
    start, _ = clinic_day_bounds(user.clinic, first)
    _, end = clinic_day_bounds(user.clinic, first + timedelta(days=days - 1))
    failed = [] if status else list(selectors.failed_messages(user=user))
    seen = {m.pk for m in failed}
    rows = failed + [
        m
        for m in selectors.message_list(user=user, start=start, end=end, status=status)
        if m.pk not in seen
    ]
    from medassist.audit.services import audit_patients_listed

    audit_patients_listed(
        actor=user,
        patients={m.patient_id: m.patient for m in rows}.values(),
        object_type="reminders.Message",
        detail={"view": "api"},
    )
    return [message_data(m, tz) for m in rows]


@router.post("/messages/{message_id}/retry", response={200: MessageOut, **ERRORS})
def retry_message(request, message_id: uuid.UUID):
    """One more attempt at a failed message, on the worker's next pass (reminder.manage)."""
    user = request.auth
    msg = selectors.access_message(user=user, id=message_id)
    msg = services.message_retry(actor=user, message=msg)
    return message_data(selectors.access_message(user=user, id=msg.public_id), user.clinic.tz)


@router.get("/replies", response={200: list[ReplyOut], **ERRORS})
def list_replies(request, open_only: Annotated[bool, Query(False)] = False):
    """Patients' replies of the last 7 days, or (open_only) those still waiting for the desk."""
    user = request.auth
    from django.utils import timezone

    if open_only:
        rows = list(selectors.replies_needing_staff(user=user))
    else:
        rows = list(selectors.recent_replies(user=user, since=timezone.now() - timedelta(days=7)))
    return [reply_data(r, user.clinic.tz) for r in rows]


@router.post("/replies/{reply_id}/done", response={200: ReplyOut, **ERRORS})
def reply_done(request, reply_id: uuid.UUID):
    """The desk handled a patient's reply (reminder.manage)."""
    user = request.auth
    reply = services.reply_mark_handled(
        actor=user, reply=selectors.access_reply(user=user, id=reply_id)
    )
    return reply_data(reply, user.clinic.tz)


class WebhookSecret(APIKeyHeader):
    """The SMS provider proves itself with the shared secret MEDASSIST_SMS_INBOUND_SECRET, in
    the X-Webhook-Secret header or as the password of HTTP basic auth (Twilio supports
    https://user:secret@host/... webhook URLs). No secret configured: this check refuses every
    call (TwilioSignature may still let it in)."""

    param_name = "X-Webhook-Secret"

    def _get_key(self, request: HttpRequest) -> str | None:
        key = request.headers.get(self.param_name)
        if key:
            return key
        header = request.headers.get("Authorization", "")
        if header.startswith("Basic "):
            try:
                decoded = base64.b64decode(header[6:], validate=True).decode()
            except (ValueError, UnicodeDecodeError):
                return None
            return decoded.partition(":")[2] or None
        return None

    def authenticate(self, request: HttpRequest, key: str | None):
        secret = conf.get("MEDASSIST_SMS_INBOUND_SECRET")
        if not secret or not key:
            return None
        if hmac.compare_digest(key.encode(), secret.encode()):
            return "sms-provider"
        return None


class TwilioSignature(APIKeyHeader):
    """Twilio's own proof: X-Twilio-Signature, base64(HMAC-SHA1(MEDASSIST_SMS_AUTH_TOKEN, the
    URL Twilio called + its POST parameters sorted by name)). No auth token configured: the
    header is ignored. The URL: MEDASSIST_SMS_WEBHOOK_BASE_URL + path and query when set
    (behind a proxy), else the request's own (medassist.reminders.signature)."""

    param_name = "X-Twilio-Signature"

    def authenticate(self, request: HttpRequest, key: str | None):
        return "sms-provider" if signature.signed_by_twilio(request, key) else None


WEBHOOK_AUTH = [WebhookSecret(), TwilioSignature()]


@router.post(
    "/inbound",
    auth=WEBHOOK_AUTH,
    response={200: InboundOut, **ERRORS},
    summary="Inbound text from a patient (SMS provider webhook)",
)
def inbound(request, From: Annotated[str, Form(max_length=40)], Body: Annotated[str, Form()]):  # noqa: N803 - the provider's field names
    """Twilio-style form fields From and Body. C confirms, R asks to reschedule, X cancels;
    anything else gets the fixed help reply and is flagged for staff. An unknown sender: 404,
    nothing changed."""
    return services.inbound_sms_receive(from_number=From, body=Body)


@router.post(
    "/status",
    auth=WEBHOOK_AUTH,
    response={200: MessageOut, **ERRORS},
    summary="Delivery receipt for a text (SMS provider status callback)",
)
def delivery_status(
    request,
    MessageSid: Annotated[str, Form(max_length=100)],  # noqa: N803 - the provider's names
    MessageStatus: Annotated[str, Form(max_length=20)],  # noqa: N803
    ErrorCode: Annotated[str, Form(max_length=20)] = "",  # noqa: N803
):
    """Twilio-style form fields MessageSid, MessageStatus, ErrorCode: `delivered` marks a sent
    text delivered; `undelivered`/`failed` marks it failed with the carrier's error."""
    msg = services.delivery_status_receive(
        provider_message_id=MessageSid, status=MessageStatus, error_code=ErrorCode
    )
    msg = Message.objects.select_related("patient", "appointment", "clinic").get(pk=msg.pk)
    return message_data(msg, msg.clinic.tz)
