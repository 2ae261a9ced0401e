"""Billing set-up: a payer's billing details, the clinic's billing provider (with the places of
service its superbill offers), fee schedule items and the labelled demo fee schedule."""

from __future__ import annotations

import re

from django.db import transaction

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.billing import reference
from medassist.billing.errors import Code
from medassist.billing.models import (
    BillingProvider,
    FeeScheduleItem,
    FilingIndicator,
    PayerBilling,
    Submission,
)
from medassist.billing.services._common import (
    _CPT,
    _HCPCS,
    _clinic_payer,
    _modifiers,
    money,
)
from medassist.core.errors import ValidationFailed
from medassist.practice.models import Payer, User
from medassist.practice.roles import require, staff_clinic
from medassist.practice.validators import npi_is_valid


@transaction.atomic
def payer_billing_save(
    *,
    actor: User,
    payer: Payer,
    filing_indicator: str,
    submission: str = Submission.ELECTRONIC,
    address_line1: str = "",
    city: str = "",
    state: str = "",
    postal_code: str = "",
) -> PayerBilling:
    require(actor, "billing.setup")
    _clinic_payer(actor, payer)
    if filing_indicator not in FilingIndicator.values:
        raise ValidationFailed(
            f"{filing_indicator!r} is not a claim filing indicator code.", field="filing_indicator"
        )
    if submission not in Submission.values:
        raise ValidationFailed("Submission is 837p or paper.", field="submission")
    if submission == Submission.ELECTRONIC and not payer.payer_id.strip():
        raise ValidationFailed(
            "An electronic (837P) payer needs its payer id: a clinic admin adds it on the payer's "
            "set-up screen (or choose paper).",
            field="submission",
        )
    if state and not re.fullmatch(r"[A-Z]{2}", state):
        raise ValidationFailed("State is two capital letters.", field="state")
    if postal_code and not re.fullmatch(r"[0-9]{5}([0-9]{4})?", postal_code):
        raise ValidationFailed("ZIP is 5 or 9 digits.", field="postal_code")
    details, _ = PayerBilling.objects.get_or_create(
        payer=payer, defaults={"clinic_id": payer.clinic_id}
    )
    details.filing_indicator = filing_indicator
    details.submission = submission
    details.address_line1, details.city = address_line1.strip(), city.strip()
    details.state, details.postal_code = state, postal_code
    details.stamp(actor)
    details.save()
    audit_record(actor=actor, action=AuditEvent.Action.UPDATE, obj=details)
    return details


_PROVIDER_RULES = {
    "name": (r".{2,60}", "The billing provider's name is required (at most 60 characters)."),
    "taxonomy": (r"[0-9]{3}[0-9A-Z]{6}X", "The taxonomy code is 10 characters ending in X."),
    "tin": (r"[0-9]{9}", "The TIN (EIN) is nine digits, no dash."),
    "address_line1": (r".{2,55}", "The street address is required."),
    "city": (r".{2,30}", "The city is required."),
    "state": (r"[A-Z]{2}", "The state is two capital letters."),
    "postal_code": (r"[0-9]{9}", "The ZIP code is nine digits (ZIP+4) on an 837P."),
    "contact_name": (r".{2,60}", "A billing contact name is required."),
    "contact_phone": (r"[0-9]{10}", "The contact phone is ten digits."),
    "submitter_id": (r"[A-Za-z0-9]{2,15}", "The submitter id is 2-15 letters or digits."),
    "receiver_id": (r"[A-Za-z0-9]{2,15}", "The receiver id is 2-15 letters or digits."),
    "receiver_name": (r".{2,60}", "The receiver (clearinghouse) name is required."),
}


@transaction.atomic
def billing_provider_save(
    *,
    actor: User,
    npi: str,
    usage: str = "T",
    default_place_of_service: str = "11",
    places_of_service: list[str] | None = None,
    **fields,
) -> BillingProvider:
    """The clinic's billing provider (one per clinic), and the place-of-service codes its
    superbill offers (`places_of_service` empty: every code of the CMS set)."""
    require(actor, "billing.setup")
    clinic = staff_clinic(actor)
    npi = (npi or "").strip()
    if not re.fullmatch(r"[0-9]{10}", npi):
        raise ValidationFailed("An NPI is exactly 10 digits.", field="npi", code=Code.INVALID_NPI)
    if not npi_is_valid(npi):
        raise ValidationFailed(
            "This NPI's check digit is wrong; please re-check the number.",
            field="npi",
            code=Code.INVALID_NPI,
        )
    values: dict[str, str] = {}
    for name, (pattern, message) in _PROVIDER_RULES.items():
        value = str(fields.get(name, "") or "").strip()
        if not re.fullmatch(pattern, value):
            raise ValidationFailed(message, field=name)
        values[name] = value
    unknown = set(fields) - set(_PROVIDER_RULES)
    if unknown:
        raise ValidationFailed(f"Unknown fields: {', '.join(sorted(unknown))}.")
    if usage not in ("T", "P"):
        raise ValidationFailed("Usage is T (test) or P (production).", field="usage")
    known = reference.places_of_service()
    offered = sorted(set(places_of_service or []))
    for code in [*offered, default_place_of_service]:
        if code not in known:
            raise ValidationFailed(
                f"{code!r} is not a place-of-service code of the CMS set.",
                field="default_place_of_service",
            )
    if offered and default_place_of_service not in offered:
        raise ValidationFailed(
            "The default place of service must be one of the codes offered.",
            field="default_place_of_service",
        )
    provider = BillingProvider.objects.filter(clinic=clinic).first() or BillingProvider(
        clinic=clinic
    )
    provider.npi, provider.usage = npi, usage
    provider.default_place_of_service, provider.places_of_service = (
        default_place_of_service,
        offered,
    )
    for name, value in values.items():
        setattr(provider, name, value)
    provider.stamp(actor)
    provider.save()
    audit_record(actor=actor, action=AuditEvent.Action.UPDATE, obj=provider)
    return provider


@transaction.atomic
def fee_item_save(
    *,
    actor: User,
    system: str,
    code: str,
    description: str,
    price,
    modifiers: str = "",
    demo: bool = False,
    active: bool = True,
) -> FeeScheduleItem:
    require(actor, "billing.setup")
    clinic = staff_clinic(actor)
    code = (code or "").strip().upper()
    if system == FeeScheduleItem.System.CPT and not _CPT.match(code):
        raise ValidationFailed("A CPT code is five characters (e.g. 99213).", field="code")
    if system == FeeScheduleItem.System.HCPCS and not _HCPCS.match(code):
        raise ValidationFailed(
            "A HCPCS Level II code is a letter and four digits (e.g. J1100).", field="code"
        )
    if system not in FeeScheduleItem.System.values:
        raise ValidationFailed("System is CPT or HCPCS.", field="system")
    description = (description or "").strip()
    if not description:
        raise ValidationFailed("A description is required.", field="description")
    mods = _modifiers(modifiers.split() if isinstance(modifiers, str) else modifiers)
    amount = money(price, field="price")
    if amount <= 0:
        raise ValidationFailed("The price must be more than zero.", field="price")
    item = FeeScheduleItem.objects.filter(clinic=clinic, code=code).first() or FeeScheduleItem(
        clinic=clinic, code=code
    )
    item.system, item.description, item.price = system, description[:200], amount
    item.modifiers, item.demo, item.active = " ".join(mods), demo, bool(active)
    item.stamp(actor)
    item.save()
    audit_record(actor=actor, action=AuditEvent.Action.UPDATE, obj=item, detail={"code": code})
    return item


def fee_schedule_load_demo(*, actor: User) -> int:
    """The labelled demo sample (CPT numbers with DEMO labels, HCPCS Level II)."""
    rows = reference.demo_fee_schedule()
    for row in rows:
        fee_item_save(
            actor=actor,
            system=row["system"],
            code=row["code"],
            description=row["description"],
            price=row["price"],
            modifiers=row["modifiers"],
            demo=row["demo"],
        )
    return len(rows)
