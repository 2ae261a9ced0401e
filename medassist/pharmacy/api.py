"""Stock, medication orders, giving and dispensing, refills and one's own scope of practice
for API clients: the same services as the screens."""

from __future__ import annotations

import uuid

from ninja import Router
from ninja.responses import codes_4xx

from medassist.core.errors import ValidationFailed
from medassist.patients.selectors import access_patient
from medassist.pharmacy import selectors, services
from medassist.pharmacy.models import MedicationOrder, PharmacyNotice, RefillRequest
from medassist.pharmacy.schemas import (
    AdministerIn,
    ApproveIn,
    DenyIn,
    DispenseIn,
    GivenOut,
    HandoutIn,
    HandoutOut,
    NoteIn,
    OrderIn,
    OrderOut,
    PharmacyToldIn,
    PharmacyToldOut,
    RefillIn,
    RefillOut,
    ScopeOut,
    StockLineOut,
)
from medassist.practice import scope
from medassist.practice.schemas import ErrorOut, as_local

router = Router()
ERRORS = {codes_4xx: ErrorOut}


def _patient(p) -> dict:
    return {"id": p.public_id, "name": p.display_name}


def order_data(o: MedicationOrder) -> dict:
    tz = o.clinic.tz
    return {
        "id": o.public_id,
        "patient": _patient(o.patient),
        "kind": o.kind,
        "status": o.status,
        "drug_name": o.drug_name,
        "rxnorm": o.rxnorm,
        "ndc": o.ndc,
        "cvx": o.cvx,
        "dose_amount": o.dose_amount,
        "dose_unit": o.dose_unit,
        "route": o.route,
        "quantity": o.quantity,
        "refills": o.refills,
        "not_before": as_local(o.not_before, tz),
        "not_after": as_local(o.not_after, tz),
    }


def refill_data(r: RefillRequest) -> dict:
    return {
        "id": r.public_id,
        "patient": _patient(r.patient),
        "source": r.source,
        "status": r.status,
        "medication_text": r.medication_text,
        "pharmacy_text": r.pharmacy_text,
        "drug_class": r.drug_class,
        "checks": r.checks,
        "overdue": selectors.refill_overdue(r),
        "created_at": as_local(r.created_at, r.clinic.tz),
        "quantity": r.quantity,
        "refills": r.refills,
        "deny_reason": r.deny_reason,
        "patient_message": r.patient_message,
        "pharmacy_message": r.pharmacy_message,
        "pharmacy_to_tell": selectors.refill_pharmacy_untold(r),
        "pharmacy_told": (
            pharmacy_told_data(notice)
            if (notice := selectors.refill_pharmacy_notice(r)) is not None
            else None
        ),
    }


def pharmacy_told_data(n: PharmacyNotice) -> dict:
    return {
        "id": n.public_id,
        "channel": n.channel,
        "sent_at": as_local(n.sent_at, n.refill.clinic.tz),
        "sent_by": n.sent_by.display_name,
        "message": n.message,
        "note": n.note,
    }


@router.get("/stock", response={200: list[StockLineOut], **ERRORS})
def stock(request, low_only: bool = False):
    """Each stocked item's usable and expired units; `low_only` for the low-stock list."""
    lines = (selectors.low_stock if low_only else selectors.stock_lines)(user=request.auth)
    return [
        {
            "item": line.item.public_id,
            "name": line.item.name,
            "ndc": line.item.ndc,
            "cvx": line.item.cvx,
            "usable": line.usable,
            "expired": line.expired,
            "low": line.low,
        }
        for line in lines
    ]


@router.post("/orders", response={201: OrderOut, **ERRORS})
def order_create(request, payload: OrderIn):
    user = request.auth
    values = payload.dict()
    patient = access_patient(user=user, id=values.pop("patient"), audit=False)
    order = services.medication_order_create(actor=user, patient=patient, **values)
    return 201, order_data(order)


@router.post("/orders/{order_id}/administer", response={201: GivenOut, **ERRORS})
def administer(request, order_id: uuid.UUID, payload: AdministerIn):
    """Give a dose against an order after the five-rights check (422 five_rights_mismatch
    with `reasons`; 403 scope_refused with the reason)."""
    user = request.auth
    order = selectors.access_order(user=user, id=order_id)
    given = services.medication_administer(
        actor=user, order=order, patient=order.patient, **payload.dict()
    )
    return 201, {
        "id": given.public_id,
        "order": order.public_id,
        "lot": given.lot.lot_number,
        "at": as_local(given.at, order.clinic.tz),
        "quantity": order.quantity,
        "immunization": given.immunization.public_id if given.immunization else None,
    }


@router.post("/orders/{order_id}/dispense", response={201: GivenOut, **ERRORS})
def dispense(request, order_id: uuid.UUID, payload: DispenseIn):
    user = request.auth
    order = selectors.access_order(user=user, id=order_id)
    given = services.medication_dispense(
        actor=user, order=order, patient=order.patient, **payload.dict()
    )
    return 201, {
        "id": given.public_id,
        "order": order.public_id,
        "lot": given.lot.lot_number,
        "at": as_local(given.at, order.clinic.tz),
        "quantity": given.quantity,
    }


@router.get("/refills", response={200: list[RefillOut], **ERRORS})
def refills(request, include_closed: bool = False, pharmacy_to_tell: bool = False):
    """The queue (open requests, or all); `pharmacy_to_tell`: the answered requests whose
    pharmacy nobody has recorded telling yet."""
    if pharmacy_to_tell:
        rows = selectors.pharmacy_to_tell(user=request.auth)
    else:
        rows = selectors.refill_queue(user=request.auth, open_only=not include_closed)
    return [refill_data(r) for r in rows.select_related("clinic", "pharmacy_notice__sent_by")]


@router.post("/refills/{refill_id}/pharmacy-told", response={201: PharmacyToldOut, **ERRORS})
def refill_pharmacy_told(request, refill_id: uuid.UUID, payload: PharmacyToldIn):
    """Record that the pharmacy was told the answer (sent outside medassist: fax, phone, the
    e-prescribing system, or printed for the patient)."""
    user = request.auth
    refill = selectors.access_refill(user=user, id=refill_id)
    notice = services.refill_pharmacy_told(actor=user, refill=refill, **payload.dict())
    return 201, pharmacy_told_data(notice)


@router.post("/refills", response={201: RefillOut, **ERRORS})
def refill_create(request, payload: RefillIn):
    user = request.auth
    values = payload.dict()
    patient = access_patient(user=user, id=values.pop("patient"), audit=False)
    return 201, refill_data(services.refill_request_create(actor=user, patient=patient, **values))


@router.post("/refills/{refill_id}/prepare", response={200: RefillOut, **ERRORS})
def refill_prepare(request, refill_id: uuid.UUID, payload: NoteIn | None = None):
    user = request.auth
    refill = selectors.access_refill(user=user, id=refill_id)
    note = payload.note if payload else ""
    return refill_data(services.refill_prepare(actor=user, refill=refill, note=note))


@router.post("/refills/{refill_id}/approve", response={200: RefillOut, **ERRORS})
def refill_approve(request, refill_id: uuid.UUID, payload: ApproveIn):
    user = request.auth
    refill = selectors.access_refill(user=user, id=refill_id)
    return refill_data(services.refill_approve(actor=user, refill=refill, **payload.dict()))


@router.post("/refills/{refill_id}/deny", response={200: RefillOut, **ERRORS})
def refill_deny(request, refill_id: uuid.UUID, payload: DenyIn):
    user = request.auth
    refill = selectors.access_refill(user=user, id=refill_id)
    return refill_data(services.refill_deny(actor=user, refill=refill, reason=payload.reason))


@router.get("/scope/{task}", response={200: ScopeOut, **ERRORS})
def my_scope(request, task: str, supervisor_present: bool | None = None):
    """Whether the signed-in staff member may do this task now, and why not."""
    if task not in scope.TASKS:
        raise ValidationFailed(f"Unknown task; one of {', '.join(scope.TASKS)}.", field="task")
    reason = scope.task_refusal(request.auth, task, supervisor_present=supervisor_present)
    return {"task": task, "allowed": reason is None, "reason": reason}


@router.post("/handouts", response={201: HandoutOut, **ERRORS})
def handout_create(request, payload: HandoutIn):
    """The clinician's change to relay; the PDF is at /pharmacy/handouts/{id}.pdf."""
    user = request.auth
    patient = access_patient(user=user, id=payload.patient, audit=False)
    order = selectors.access_order(user=user, id=payload.order) if payload.order else None
    handout = services.handout_create(
        actor=user,
        patient=patient,
        kind=payload.kind,
        clinician_text=payload.clinician_text,
        order=order,
        language=payload.language,
    )
    return 201, {
        "id": handout.public_id,
        "kind": handout.kind,
        "language": handout.language,
        "pdf": f"/pharmacy/handouts/{handout.public_id}.pdf",
    }
