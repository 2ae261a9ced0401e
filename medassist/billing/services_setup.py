"""Billing set-up writes behind the set-up screens: a payer with its billing details in one
step, and adding or changing one fee schedule item.

The payer's name, electronic id and active flag belong to practice (`payer_create` /
`payer_update`, clinic admins only); the billing details (claim filing indicator, 837P or paper,
address) to billing (`payer_billing_save`, clinic admin or biller). A biller may change the
billing details of a payer but not its name or id. All of it in one transaction: a refusal
saves nothing.
"""

from __future__ import annotations

from django.db import transaction

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.billing.models import FeeScheduleItem, PayerBilling, Submission
from medassist.billing.services import fee_item_save, fee_schedule_load_demo, payer_billing_save
from medassist.core.errors import Conflict, NotFound, PermissionDenied
from medassist.practice.models import Payer, User
from medassist.practice.roles import can, require, staff_clinic
from medassist.practice.services import payer_create, payer_update


@transaction.atomic
def payer_setup_save(
    *,
    actor: User,
    payer: Payer | None,
    name: str,
    payer_id: str,
    active: bool = True,
    filing_indicator: str,
    submission: str = Submission.ELECTRONIC,
    address_line1: str = "",
    city: str = "",
    state: str = "",
    postal_code: str = "",
) -> PayerBilling:
    """Add a payer (payer=None) or change one, with its billing details."""
    require(actor, "billing.setup")
    clinic = staff_clinic(actor)
    name, payer_id = (name or "").strip(), (payer_id or "").strip().upper()
    if payer is None:
        if not can(actor, "practice.manage"):
            raise PermissionDenied("Only a clinic admin adds a payer.")
        payer = payer_create(actor=actor, clinic=clinic, name=name, payer_id=payer_id)
    else:
        if payer.clinic_id != clinic.pk:
            raise NotFound("No such payer in your clinic.")
        changed = (name, payer_id, bool(active)) != (payer.name, payer.payer_id, payer.active)
        if changed:
            if not can(actor, "practice.manage"):
                raise PermissionDenied(
                    "Only a clinic admin changes a payer's name, payer id or active flag."
                )
            payer_update(actor=actor, payer=payer, name=name, payer_id=payer_id, active=active)
    return payer_billing_save(
        actor=actor,
        payer=payer,
        filing_indicator=filing_indicator,
        submission=submission,
        address_line1=address_line1,
        city=city,
        state=(state or "").strip().upper(),
        postal_code=(postal_code or "").strip().replace("-", ""),
    )


@transaction.atomic
def fee_item_add(
    *, actor: User, system: str, code: str, description: str, price, modifiers: str = ""
) -> FeeScheduleItem:
    """A new code on the fee schedule; a code already on it is refused (change that one)."""
    require(actor, "billing.setup")
    clinic = staff_clinic(actor)
    code = (code or "").strip().upper()
    existing = FeeScheduleItem.objects.filter(clinic=clinic, code=code).first()
    if existing is not None:
        raise Conflict(
            f"{code} is already on the fee schedule ({existing.description}): change that item.",
            field="code",
        )
    return fee_item_save(
        actor=actor,
        system=system,
        code=code,
        description=description,
        price=price,
        modifiers=modifiers,
    )


@transaction.atomic
def fee_item_update(
    *,
    actor: User,
    item: FeeScheduleItem,
    system: str,
    description: str,
    price,
    modifiers: str = "",
    active: bool = True,
) -> FeeScheduleItem:
    """Change an item's description, price, default modifiers or whether it is offered.
    The code itself stays (claims already carry it); a changed demo item is the clinic's own."""
    require(actor, "billing.setup")
    if item.clinic_id != staff_clinic(actor).pk:
        raise NotFound("No such fee schedule item in your clinic.")
    return fee_item_save(
        actor=actor,
        system=system,
        code=item.code,
        description=description,
        price=price,
        modifiers=modifiers,
        demo=item.demo and description.strip() == item.description,
        active=active,
    )


@transaction.atomic
def fee_schedule_demo_load(*, actor: User) -> int:
    """Load the labelled demo sample; refused once the clinic has its own items, so that the
    sample never overwrites prices the clinic typed in."""
    require(actor, "billing.setup")
    clinic = staff_clinic(actor)
    if FeeScheduleItem.objects.filter(clinic=clinic, demo=False).exists():
        raise Conflict(
            "The fee schedule already has the clinic's own items; the demo sample is only "
            "for an empty schedule."
        )
    count = fee_schedule_load_demo(actor=actor)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        object_type="billing.FeeSchedule",
        object_id=str(clinic.public_id),
        detail={"demo_items": count},
    )
    return count
