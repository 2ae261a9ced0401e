"""In-office stock: items by NDC, lots by expiry, and one ledger of every movement.

Every change of a lot's count is one conditional UPDATE (`on_hand >= n` for a take) plus one
ledger row in the same transaction, so the count never goes below zero under any
concurrency, on SQLite (writers take the database lock at BEGIN IMMEDIATE) and PostgreSQL
(the UPDATE waits for the row and re-checks its condition); a CHECK constraint backs it.
Expired lots can be wasted, returned and counted, never used."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from medassist.audit.services import audit_record
from medassist.core.clock import clinic_today
from medassist.core.errors import ValidationFailed
from medassist.pharmacy.codes import ndc11
from medassist.pharmacy.errors import Duplicate, InsufficientStock, LotExpired, WitnessRequired
from medassist.pharmacy.models import ControlledCount, StockItem, StockLot, StockMovement
from medassist.pharmacy.services._common import a_date, amount, clinic_of, same_clinic, text, whole

SCHEDULES = {"", "II", "III", "IV", "V"}
Kind = StockMovement.Kind


@transaction.atomic
def stock_item_create(
    *,
    actor,
    name: str,
    ndc: str,
    rxnorm: str = "",
    cvx: str = "",
    strength: str = "",
    unit: str = "dose",
    dose_amount=None,
    dose_unit: str = "",
    route: str = "",
    controlled_schedule: str = "",
    low_stock_at: int = 5,
) -> StockItem:
    """A medication or vaccine the clinic stocks."""
    clinic = clinic_of(actor, "stock.manage")
    code = ndc11(ndc)
    if StockItem.objects.filter(clinic=clinic, ndc=code).exists():
        raise Duplicate(f"NDC {code} is stocked already.", field="ndc")
    schedule = (controlled_schedule or "").strip().upper()
    if schedule not in SCHEDULES:
        raise ValidationFailed(
            "The schedule is II, III, IV, V or blank.", field="controlled_schedule"
        )
    cvx = text(cvx, field="cvx", label="CVX", max_length=4)
    if cvx and not cvx.isdigit():
        raise ValidationFailed("A CVX code is 1 to 4 digits.", field="cvx")
    item = StockItem(
        clinic=clinic,
        name=text(name, field="name", label="Name", max_length=200, required=True),
        ndc=code,
        rxnorm=text(rxnorm, field="rxnorm", label="RxNorm", max_length=20),
        cvx=cvx,
        strength=text(strength, field="strength", label="Strength", max_length=100),
        unit=text(unit, field="unit", label="Unit", max_length=30, required=True),
        dose_amount=None
        if dose_amount in (None, "")
        else amount(dose_amount, field="dose_amount", label="Amount per unit"),
        dose_unit=text(dose_unit, field="dose_unit", label="Dose unit", max_length=20),
        route=text(route, field="route", label="Route", max_length=40),
        controlled_schedule=schedule,
        low_stock_at=whole(low_stock_at, field="low_stock_at", label="Low stock at", minimum=0),
    )
    item.stamp(actor)
    item.save()
    audit_record(actor=actor, action="create", obj=item, detail={"ndc": code, "name": item.name})
    return item


def _witness(actor, witness, *, field: str = "witness") -> None:
    if witness is None:
        raise WitnessRequired(
            "A controlled substance needs a second person to witness this.", field=field
        )
    if witness.pk == actor.pk:
        raise WitnessRequired("The witness must be someone else.", field=field)
    if witness.clinic_id != actor.clinic_id or not witness.is_active:
        raise WitnessRequired("The witness must be active staff of this clinic.", field=field)
    if witness.role not in {"medical_assistant", "physician", "clinic_admin"}:
        raise WitnessRequired("The witness must be clinical staff or a clinic admin.", field=field)


def _move(*, lot: StockLot, kind: str, delta: int, actor, **extra) -> StockMovement:
    """Change the lot's count by `delta` in one statement; a take that would go below zero
    changes nothing and raises InsufficientStock."""
    rows = StockLot.objects.filter(pk=lot.pk)
    if delta < 0:
        rows = rows.filter(on_hand__gte=-delta)
    if rows.update(on_hand=F("on_hand") + delta, updated_at=timezone.now()) != 1:
        left = StockLot.objects.filter(pk=lot.pk).values_list("on_hand", flat=True).first()
        raise InsufficientStock(
            f"Only {left} {lot.item.unit}(s) of lot {lot.lot_number} are on hand; "
            f"{-delta} were asked for. Nothing was taken.",
            extra={"on_hand": left},
        )
    after = StockLot.objects.filter(pk=lot.pk).values_list("on_hand", flat=True).get()
    lot.on_hand = after
    return StockMovement.objects.create(
        lot=lot,
        kind=kind,
        quantity=delta,
        on_hand_after=after,
        at=timezone.now(),
        actor=actor,
        **extra,
    )


def check_usable(lot: StockLot, clinic) -> None:
    today = clinic_today(clinic)
    if lot.expires_on < today:
        raise LotExpired(
            f"Lot {lot.lot_number} of {lot.item.name} expired on {lot.expires_on:%Y-%m-%d}: "
            "it cannot be used. Waste or return it.",
            field="lot",
        )


def stock_take(
    *, actor, lot: StockLot, quantity: int, kind: str, patient=None, reference: str = ""
) -> StockMovement:
    """Take units for a patient (dispense or administer): the lot must be unexpired and
    hold enough. Called by the dispensing and administration services inside their
    transaction, after their own checks; nothing else uses stock for a patient."""
    if kind not in {Kind.DISPENSE, Kind.ADMINISTER}:
        raise ValueError(f"stock_take is for dispensing or administering, not {kind}")
    clinic = lot.item.clinic
    check_usable(lot, clinic)
    n = whole(quantity, field="quantity", label="Quantity")
    return _move(lot=lot, kind=kind, delta=-n, actor=actor, patient=patient, reference=reference)


@transaction.atomic
def stock_receive(
    *,
    actor,
    item: StockItem,
    lot_number: str,
    expires_on,
    quantity,
    manufacturer: str = "",
    reference: str = "",
    witness=None,
) -> StockLot:
    """Units received into a lot (new, or more of one already stocked)."""
    clinic_of(actor, "stock.manage")
    same_clinic(actor, item, "stock item")
    number = text(lot_number, field="lot_number", label="Lot number", max_length=40, required=True)
    expires = a_date(expires_on, field="expires_on", label="Expiry")
    n = whole(quantity, field="quantity", label="Quantity")
    if expires < clinic_today(item.clinic):
        raise LotExpired(
            f"This lot expired on {expires:%Y-%m-%d}; it cannot be received.", field="expires_on"
        )
    if item.is_controlled:
        _witness(actor, witness)
    lot, created = StockLot.objects.get_or_create(
        item=item,
        lot_number=number,
        defaults={
            "expires_on": expires,
            "manufacturer": text(
                manufacturer, field="manufacturer", label="Manufacturer", max_length=100
            ),
            "created_by": actor,
            "updated_by": actor,
        },
    )
    if not created and lot.expires_on != expires:
        raise ValidationFailed(
            f"Lot {number} is on file with expiry {lot.expires_on:%Y-%m-%d}, not "
            f"{expires:%Y-%m-%d}; check the package.",
            field="expires_on",
        )
    movement = _move(
        lot=lot,
        kind=Kind.RECEIVE,
        delta=n,
        actor=actor,
        witness=witness,
        reference=text(reference, field="reference", label="Reference", max_length=100),
    )
    audit_record(
        actor=actor,
        action="create",
        obj=movement,
        object_type="pharmacy.StockMovement",
        object_id=str(movement.public_id),
        detail={"kind": "receive", "lot": str(lot.public_id), "quantity": n},
    )
    return lot


@transaction.atomic
def stock_waste(*, actor, lot: StockLot, quantity, reason: str, witness=None) -> StockMovement:
    """Units wasted (broken, expired, drawn up and not used), with the reason."""
    return _remove(
        actor=actor, lot=lot, quantity=quantity, reason=reason, witness=witness, kind=Kind.WASTE
    )


@transaction.atomic
def stock_return(
    *, actor, lot: StockLot, quantity, reason: str, reference: str = "", witness=None
) -> StockMovement:
    """Units sent back to the supplier (recall, expiry credit)."""
    return _remove(
        actor=actor,
        lot=lot,
        quantity=quantity,
        reason=reason,
        witness=witness,
        kind=Kind.RETURN,
        reference=reference,
    )


def _remove(*, actor, lot, quantity, reason, witness, kind, reference="") -> StockMovement:
    clinic_of(actor, "stock.manage")
    same_clinic(actor, lot.item, "lot")
    n = whole(quantity, field="quantity", label="Quantity")
    why = text(reason, field="reason", label="Reason", max_length=300, required=True)
    if lot.item.is_controlled:
        _witness(actor, witness)
    movement = _move(
        lot=lot,
        kind=kind,
        delta=-n,
        actor=actor,
        witness=witness,
        reason=why,
        reference=text(reference, field="reference", label="Reference", max_length=100),
    )
    audit_record(
        actor=actor,
        action="create",
        object_type="pharmacy.StockMovement",
        object_id=str(movement.public_id),
        detail={"kind": kind, "lot": str(lot.public_id), "quantity": n, "reason": why},
    )
    return movement


@transaction.atomic
def stock_count(
    *, actor, lot: StockLot, counted, witness=None, note: str = ""
) -> StockMovement | None:
    """A shelf count: the lot's count becomes what was counted, the difference a ledger
    line. A controlled substance's count needs a witness and is kept in its count log."""
    clinic_of(actor, "stock.manage")
    same_clinic(actor, lot.item, "lot")
    n = whole(counted, field="counted", label="Counted", minimum=0)
    why = text(note, field="note", label="Note", max_length=300)
    if lot.item.is_controlled:
        _witness(actor, witness)
    locked = StockLot.objects.select_for_update().get(pk=lot.pk)
    expected = locked.on_hand
    movement = None
    if n != expected:
        movement = _move(
            lot=locked,
            kind=Kind.COUNT,
            delta=n - expected,
            actor=actor,
            witness=witness,
            reason=why or "shelf count",
        )
    lot.on_hand = n
    if lot.item.is_controlled:
        ControlledCount.objects.create(
            lot=lot,
            at=timezone.now(),
            counted_by=actor,
            witness=witness,
            expected=expected,
            counted=n,
            note=why,
        )
    audit_record(
        actor=actor,
        action="create",
        object_type="pharmacy.StockCount",
        object_id=str(lot.public_id),
        detail={
            "expected": expected,
            "counted": n,
            "witness": str(witness.public_id) if witness else None,
        },
    )
    return movement
