"""Clinicians' medication orders, and dispensing and administration against them.

Nothing is handed over or given without an active order and a passed "five rights" check:
right patient, right drug (the scanned or typed NDC and lot belong to the ordered drug, and
the lot is not expired), right dose, right route, right time (inside the order's window).
A mismatch is refused with every reason, logged as a refusal (kept even when the request is
rolled back), and nothing is taken from stock. The scope of practice is checked too:
`practice.scope.require_task` for dispensing, injections and vaccines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from medassist.audit.services import audit_record, audit_refusal
from medassist.core.clock import clinic_today
from medassist.core.errors import PermissionDenied, ValidationFailed
from medassist.pharmacy import catalog
from medassist.pharmacy.codes import ndc11, parse_scan
from medassist.pharmacy.errors import FiveRightsMismatch, LotExpired, OrderNotActive
from medassist.pharmacy.models import (
    Administration,
    Dispense,
    MedicationOrder,
    StockLot,
    StockMovement,
)
from medassist.pharmacy.services._common import a_date, amount, clinic_of, text, whole
from medassist.pharmacy.services.stock import stock_take
from medassist.practice import scope
from medassist.practice.roles import Role
from medassist.records.services import immunization_create

Kind = MedicationOrder.Kind
Status = MedicationOrder.Status
INJECTION_ROUTES = {"im", "sc", "sq", "id", "intramuscular", "subcutaneous", "intradermal"}


def _prescriber(actor):
    provider = getattr(actor, "provider", None)
    if actor.role != Role.PHYSICIAN or provider is None or not provider.active:
        raise PermissionDenied("Only a clinician with a provider record may order medications.")
    return provider


def _aware(value, *, field: str, label: str) -> datetime:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError as exc:
            raise ValidationFailed(
                f"{label}: {value!r} is not a date and time.", field=field
            ) from exc
    if not isinstance(value, datetime) or timezone.is_naive(value):
        raise ValidationFailed(f"{label} needs a time zone.", field=field)
    return value


@transaction.atomic
def medication_order_create(
    *,
    actor,
    patient,
    kind: str,
    drug_name: str,
    dose_amount,
    dose_unit: str,
    route: str,
    rxnorm: str = "",
    ndc: str = "",
    cvx: str = "",
    drug_class: str = "",
    frequency: str = "",
    quantity=1,
    refills=0,
    not_before=None,
    not_after=None,
    instructions: str = "",
    reason: str = "",
    replaces: MedicationOrder | None = None,
) -> MedicationOrder:
    """A clinician's order. Without a window, an in-office order is good until the end of
    the clinic's day; a prescription for a year."""
    clinic = clinic_of(actor, "medication.order")
    provider = _prescriber(actor)
    if patient is None or patient.clinic_id != clinic.pk:
        raise ValidationFailed("Unknown patient.", field="patient")
    if kind not in Kind.values:
        raise ValidationFailed(f"Choose a kind: {', '.join(Kind.values)}.", field="kind")
    rxnorm = text(rxnorm, field="rxnorm", label="RxNorm", max_length=20)
    if rxnorm and not rxnorm.isdigit():
        raise ValidationFailed("RxNorm codes are digits only.", field="rxnorm")
    known = catalog.by_rxnorm(rxnorm) if rxnorm else None
    ndc = ndc11(ndc) if (ndc or "").strip() else ""
    cvx = text(cvx, field="cvx", label="CVX", max_length=4)
    if cvx and not cvx.isdigit():
        raise ValidationFailed("A CVX code is 1 to 4 digits.", field="cvx")
    now = timezone.now()
    start = (
        now if not_before in (None, "") else _aware(not_before, field="not_before", label="From")
    )
    if not_after in (None, ""):
        if kind == Kind.PRESCRIPTION:
            end = start + timedelta(days=365)
        else:
            day = start.astimezone(clinic.tz).date() + timedelta(days=1)
            end = datetime.combine(day, datetime.min.time(), tzinfo=clinic.tz)
    else:
        end = _aware(not_after, field="not_after", label="Until")
    if end <= start:
        raise ValidationFailed("The order's window ends before it starts.", field="not_after")
    if replaces is not None and (
        replaces.patient_id != patient.pk or replaces.status != Status.ACTIVE
    ):
        raise ValidationFailed(
            "The order it replaces is not this patient's active order.", field="replaces"
        )
    order = MedicationOrder(
        clinic=clinic,
        patient=patient,
        prescriber=provider,
        kind=kind,
        drug_name=text(
            drug_name or (known or {}).get("name", ""),
            field="drug_name",
            label="Drug",
            max_length=200,
            required=True,
        ),
        rxnorm=rxnorm,
        ndc=ndc,
        cvx=cvx or (known or {}).get("cvx", ""),
        drug_class=text(
            drug_class or (known or {}).get("drug_class", ""),
            field="drug_class",
            label="Drug class",
            max_length=40,
        ),
        dose_amount=amount(dose_amount, field="dose_amount", label="Dose"),
        dose_unit=text(
            dose_unit, field="dose_unit", label="Dose unit", max_length=20, required=True
        ),
        route=text(route, field="route", label="Route", max_length=40, required=True),
        frequency=text(frequency, field="frequency", label="Frequency", max_length=100),
        quantity=whole(quantity, field="quantity", label="Quantity"),
        refills=whole(refills, field="refills", label="Refills", minimum=0, maximum=99),
        not_before=start,
        not_after=end,
        instructions=text(
            instructions, field="instructions", label="Instructions", max_length=4000
        ),
        reason=text(reason, field="reason", label="Reason", max_length=300),
        replaces=replaces,
    )
    order.stamp(actor)
    order.save()
    if replaces is not None:
        MedicationOrder.objects.filter(pk=replaces.pk).update(
            status=Status.COMPLETED, status_reason="replaced by a new order"
        )
    audit_record(
        actor=actor,
        action="create",
        obj=order,
        patient=patient,
        detail={"kind": kind, "drug": order.drug_name, "rxnorm": rxnorm},
    )
    return order


@transaction.atomic
def medication_order_cancel(*, actor, order: MedicationOrder, reason: str) -> MedicationOrder:
    clinic_of(actor, "medication.order")
    if order.clinic_id != actor.clinic_id:
        raise ValidationFailed("Unknown order.")
    why = text(reason, field="reason", label="Reason", max_length=300, required=True)
    if order.status != Status.ACTIVE:
        raise OrderNotActive(f"This order is {order.get_status_display().lower()} already.")
    order.status, order.status_reason = Status.CANCELLED, why
    order.stamp(actor)
    order.save(update_fields=["status", "status_reason", "updated_at", "updated_by"])
    audit_record(
        actor=actor,
        action="transition",
        obj=order,
        patient=order.patient,
        detail={"to": "cancelled", "reason": why},
    )
    return order


@dataclass
class Checked:
    lot: StockLot
    problems: list[str]


def _drug_matches(order: MedicationOrder, lot: StockLot) -> bool:
    item = lot.item
    if order.ndc:
        return item.ndc == order.ndc
    if order.rxnorm and item.rxnorm:
        return item.rxnorm == order.rxnorm
    if order.cvx and item.cvx:
        return item.cvx == order.cvx
    return False


def five_rights(
    *,
    order: MedicationOrder,
    patient,
    scan: str,
    lot_number: str = "",
    dose_amount=None,
    dose_unit: str = "",
    route: str = "",
    at: datetime,
) -> Checked | list[str]:
    """Check the five rights; the lot found, with every problem, or only the problems when
    the scan names no lot of the clinic."""
    problems: list[str] = []
    if patient is None or patient.pk != order.patient_id:
        problems.append(
            f"Wrong patient: the order is for {order.patient.display_name}, "
            f"not {getattr(patient, 'display_name', 'this patient')}."
        )
    try:
        scanned = parse_scan(scan)
    except ValidationFailed as exc:
        return [*problems, exc.message]
    number = (lot_number or "").strip() or scanned.lot
    if not number:
        return [*problems, "Scan the package's barcode with its lot, or type the lot number."]
    lot = (
        StockLot.objects.select_related("item", "item__clinic")
        .filter(item__clinic_id=order.clinic_id, item__ndc__in=scanned.ndcs, lot_number=number)
        .first()
    )
    if lot is None:
        return [*problems, f"No lot {number} of the scanned NDC is in this clinic's stock."]
    if not _drug_matches(order, lot):
        problems.append(f"Wrong drug: the order is for {order.drug_name}; this is {lot.item.name}.")
    if scanned.expires_on and scanned.expires_on != lot.expires_on:
        problems.append(
            f"The barcode's expiry ({scanned.expires_on:%Y-%m-%d}) differs from lot "
            f"{lot.lot_number}'s on file ({lot.expires_on:%Y-%m-%d}); check the package."
        )
    if lot.expires_on < at.astimezone(lot.item.clinic.tz).date():
        problems.append(f"Expired lot: {lot.lot_number} expired on {lot.expires_on:%Y-%m-%d}.")
    ordered = f"{order.dose_amount.normalize():f} {order.dose_unit}"
    if dose_amount is not None:
        try:
            given = amount(dose_amount, field="dose_amount", label="Dose")
        except ValidationFailed as exc:
            problems.append(exc.message)
        else:
            if given != order.dose_amount or dose_unit.strip().lower() != order.dose_unit.lower():
                problems.append(
                    f"Wrong dose: the order is {ordered}, not {given.normalize():f} {dose_unit}."
                )
    item = lot.item
    if item.dose_amount is not None and item.dose_unit:
        per_unit = (
            item.dose_amount * order.quantity if order.kind == Kind.ADMINISTER else item.dose_amount
        )
        if per_unit != order.dose_amount or item.dose_unit.lower() != order.dose_unit.lower():
            problems.append(
                f"Wrong dose: the order is {ordered}; this package holds "
                f"{item.dose_amount.normalize():f} {item.dose_unit} per {item.unit}."
            )
    given_route = (route or item.route or "").strip().lower()
    if given_route and given_route != order.route.lower():
        problems.append(f"Wrong route: the order is {order.route}, not {route or item.route}.")
    if not (order.not_before <= at <= order.not_after):
        zone = order.clinic.tz
        problems.append(
            "Wrong time: the order is for "
            f"{order.not_before.astimezone(zone):%Y-%m-%d %H:%M} to "
            f"{order.not_after.astimezone(zone):%Y-%m-%d %H:%M}."
        )
    return Checked(lot, problems)


def _refuse(actor, order, problems: list[str], what: str) -> None:
    audit_refusal(
        actor=actor,
        object_type="pharmacy.five_rights",
        object_id=str(order.public_id),
        patient=order.patient,
        detail={"act": what, "reasons": problems},
    )
    raise FiveRightsMismatch("Not given: " + " ".join(problems), extra={"reasons": problems})


def _check_order(actor, order: MedicationOrder, kinds: set[str]) -> None:
    if order.clinic_id != actor.clinic_id:
        raise ValidationFailed("Unknown order.", field="order")
    if order.kind not in kinds:
        raise OrderNotActive(f"This order is to {order.get_kind_display().lower()}.")
    if order.status != Status.ACTIVE:
        raise OrderNotActive(f"This order is {order.get_status_display().lower()}.")


def _claim(order: MedicationOrder, n: int) -> None:
    """Count n units against the order in one statement (two people cannot both give the
    last dose); the order completes when all are given."""
    claimed = MedicationOrder.objects.filter(
        pk=order.pk, status=Status.ACTIVE, units_done__lte=order.quantity - n
    ).update(units_done=F("units_done") + n)
    if claimed != 1:
        raise OrderNotActive("This order has been given or dispensed in full already.")
    MedicationOrder.objects.filter(pk=order.pk, units_done__gte=F("quantity")).update(
        status=Status.COMPLETED
    )
    order.refresh_from_db(fields=["units_done", "status"])


def medication_dispense(
    *,
    actor,
    order: MedicationOrder,
    patient,
    scan: str,
    lot_number: str = "",
    quantity=None,
    supervisor_present: bool | None = None,
) -> Dispense:
    """Hand over units from stock against an order, after the five-rights check."""
    clinic = clinic_of(actor, "medication.give")
    scope.require_task(actor, "dispensing", supervisor_present=supervisor_present)
    _check_order(actor, order, {Kind.DISPENSE})
    n = (
        order.quantity - order.units_done
        if quantity in (None, "")
        else whole(quantity, field="quantity", label="Quantity")
    )
    now = timezone.now()
    checked = five_rights(order=order, patient=patient, scan=scan, lot_number=lot_number, at=now)
    if isinstance(checked, list):
        _refuse(actor, order, checked, "dispense")
        raise AssertionError  # unreachable: _refuse raises
    if checked.problems:
        _refuse(actor, order, checked.problems, "dispense")
    lot = checked.lot
    _controlled_check(actor, clinic, lot)
    with transaction.atomic():
        _claim(order, n)
        movement = stock_take(
            actor=actor,
            lot=lot,
            quantity=n,
            kind=StockMovement.Kind.DISPENSE,
            patient=order.patient,
            reference=f"order {order.public_id}",
        )
        dispense = Dispense.objects.create(
            order=order,
            patient=order.patient,
            lot=lot,
            movement=movement,
            quantity=n,
            at=now,
            performer=actor,
            supervisor_present=supervisor_present,
            created_by=actor,
            updated_by=actor,
        )
        audit_record(
            actor=actor,
            action="create",
            obj=dispense,
            patient=order.patient,
            detail={
                "order": str(order.public_id),
                "lot": lot.lot_number,
                "quantity": n,
                "supervisor_present": supervisor_present,
            },
        )
        return dispense


def _controlled_check(actor, clinic, lot: StockLot) -> None:
    if not lot.item.is_controlled or actor.role != Role.MEDICAL_ASSISTANT:
        return
    rule = scope.rule_for(scope.clinic_state(clinic), "dispensing")
    if not rule.controlled_substances:
        reason = (
            f"In {rule.jurisdiction_name if rule.jurisdiction != 'default' else 'this state'} "
            f"a medical assistant may not hand over a controlled substance ({rule.citation})."
        )
        audit_refusal(
            actor=actor,
            object_type="practice.scope",
            object_id="dispensing",
            detail={"task": "dispensing", "reason": reason},
        )
        raise scope.ScopeRefused(reason, extra={"task": "dispensing"})


def administer_task(lot_or_order, route: str) -> str | None:
    """The scope task giving this medication is: a vaccine, an injection, or none."""
    if getattr(lot_or_order, "cvx", ""):
        return "vaccine_administration"
    if route.strip().lower() in INJECTION_ROUTES:
        return "injection"
    return None


def medication_administer(
    *,
    actor,
    order: MedicationOrder,
    patient,
    scan: str,
    dose_amount,
    dose_unit: str,
    route: str,
    lot_number: str = "",
    site: str = "",
    vis_date=None,
    supervisor_present: bool | None = None,
) -> Administration:
    """Give a dose in the office against an order, after the five-rights check. A vaccine
    also needs its site and the VIS edition date, and goes on the chart as an Immunization."""
    clinic = clinic_of(actor, "medication.give")
    task = administer_task(order, route or order.route)
    if task:
        scope.require_task(actor, task, supervisor_present=supervisor_present)
    _check_order(actor, order, {Kind.ADMINISTER})
    now = timezone.now()
    checked = five_rights(
        order=order,
        patient=patient,
        scan=scan,
        lot_number=lot_number,
        dose_amount=dose_amount,
        dose_unit=dose_unit,
        route=route,
        at=now,
    )
    if isinstance(checked, list):
        _refuse(actor, order, checked, "administer")
        raise AssertionError  # unreachable
    if checked.problems:
        _refuse(actor, order, checked.problems, "administer")
    lot = checked.lot
    with transaction.atomic():
        item = lot.item
        site = text(site, field="site", label="Site", max_length=60)
        vis = None
        if item.is_vaccine:
            if not site:
                raise ValidationFailed("Record the site the vaccine was given.", field="site")
            if vis_date in (None, ""):
                raise ValidationFailed(
                    "Record the VIS edition date given to the patient.", field="vis_date"
                )
            vis = a_date(vis_date, field="vis_date", label="VIS date")
            if vis > clinic_today(clinic):
                raise ValidationFailed("The VIS edition date is in the future.", field="vis_date")
        if lot.expires_on < clinic_today(clinic):
            raise LotExpired(f"Lot {lot.lot_number} expired on {lot.expires_on:%Y-%m-%d}.")
        _claim(order, order.quantity)
        movement = stock_take(
            actor=actor,
            lot=lot,
            quantity=order.quantity,
            kind=StockMovement.Kind.ADMINISTER,
            patient=order.patient,
            reference=f"order {order.public_id}",
        )
        immunization = None
        if item.is_vaccine:
            immunization = immunization_create(
                actor=actor,
                patient=order.patient,
                cvx_code=order.cvx or item.cvx,
                vaccine_name=item.name,
                occurrence_date=clinic_today(clinic),
                lot_number=lot.lot_number,
                expiration_date=lot.expires_on,
                manufacturer=lot.manufacturer,
                site=site,
                route=route,
                dose_quantity=f"{order.dose_amount.normalize():f} {order.dose_unit}",
                performer=actor,
                note=f"VIS edition {vis:%Y-%m-%d} given." if vis else "",
                supervisor_present=supervisor_present,
            )
        administration = Administration.objects.create(
            order=order,
            patient=order.patient,
            lot=lot,
            movement=movement,
            at=now,
            performer=actor,
            dose_amount=order.dose_amount,
            dose_unit=order.dose_unit,
            route=route,
            site=site,
            cvx=item.cvx,
            vis_date=vis,
            immunization=immunization,
            supervisor_present=supervisor_present,
            created_by=actor,
            updated_by=actor,
        )
        audit_record(
            actor=actor,
            action="create",
            obj=administration,
            patient=order.patient,
            detail={
                "order": str(order.public_id),
                "lot": lot.lot_number,
                "supervisor_present": supervisor_present,
                "task": task,
            },
        )
        return administration
