"""Orders for API clients: list the clinic's orders (by patient, status, kind), read one with
its tests, results and history, and sign a resulted order's results as reviewed."""

from __future__ import annotations

import uuid

from ninja import Field, Router
from ninja.responses import codes_4xx

from medassist.core.errors import ValidationFailed
from medassist.orders.models import Order
from medassist.orders.selectors import access_order, open_orders, results_for_order
from medassist.orders.services import order_review
from medassist.patients.selectors import access_patient
from medassist.practice.schemas import ErrorOut, In

router = Router()
ERRORS = {codes_4xx: ErrorOut}


class ReviewIn(In):
    comment: str = Field("", max_length=2000, description="For the chart")


def _when(value, tz) -> str | None:
    return value.astimezone(tz).isoformat() if value is not None else None


def order_data(order: Order, user, *, full: bool = False) -> dict:
    tz = user.clinic.tz
    prov = order.ordering_provider
    body: dict = {
        "id": str(order.public_id),
        "placer_number": order.placer_number,
        "patient": str(order.patient.public_id),
        "kind": order.kind,
        "status": order.status,
        "priority": order.priority,
        "title": order.title,
        "ordering_provider": {"name": f"{prov.first_name} {prov.last_name}", "npi": prov.npi},
        "signed_at": _when(order.signed_at, tz),
        "due_date": order.due_date.isoformat(),
        "diagnosis": order.diagnosis,
        "lab": order.lab.code if order.lab is not None else None,
        "tests": [{"loinc": t.loinc, "name": t.name} for t in order.tests.all()],
        "sent_at": _when(order.sent_at, tz),
        "resulted_at": _when(order.resulted_at, tz),
        "reviewed_at": _when(order.reviewed_at, tz),
        "told_at": _when(order.told_at, tz),
        "abnormal": order.abnormal,
        "critical": order.critical,
    }
    if full:
        body["results"] = [
            {
                "observation": str(r.observation.public_id),
                "code": r.observation.code,
                "display": r.observation.display,
                "value": r.observation.value_display,
                "reference_range": r.observation.reference_range,
                "flag": r.flag,
                "effective_at": _when(r.observation.effective_at, tz),
            }
            for r in results_for_order(order)
        ]
        body["review_comment"] = order.review_comment
        body["events"] = [
            {"status": e.status, "at": _when(e.at, tz), "note": e.note} for e in order.events.all()
        ]
    return body


@router.get("", response={200: list[dict], **ERRORS})
def orders(
    request,
    patient: uuid.UUID | None = None,
    status: str = "",
    kind: str = "",
):
    """The clinic's orders, newest first (at most 500): optionally one patient's, in one
    status (ordered, collected, scheduled, sent, resulted, reviewed, told, cancelled) or of
    one kind (lab, imaging, referral)."""
    if status and status not in Order.Status.values:
        raise ValidationFailed(f"Unknown status {status[:40]!r}.", field="status")
    if kind and kind not in Order.Kind.values:
        raise ValidationFailed(f"Unknown kind {kind[:40]!r}.", field="kind")
    who = access_patient(user=request.auth, id=patient, audit=False) if patient else None
    rows = open_orders(user=request.auth, patient=who, status=status)
    if kind:
        rows = [o for o in rows if o.kind == kind]
    return [order_data(o, request.auth) for o in rows]


@router.get("/{order_id}", response={200: dict, **ERRORS})
def order(request, order_id: uuid.UUID):
    """One order with its tests, results (the chart's Observations) and history."""
    return order_data(access_order(user=request.auth, id=order_id), request.auth, full=True)


@router.post("/{order_id}/review", response={200: dict, **ERRORS})
def review(request, order_id: uuid.UUID, body: ReviewIn):
    """The clinician signs the order's results as reviewed (open result alerts are done)."""
    o = access_order(user=request.auth, id=order_id)
    order_review(actor=request.auth, order=o, comment=body.comment)
    return order_data(access_order(user=request.auth, id=order_id), request.auth, full=True)
