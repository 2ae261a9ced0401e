"""Billing writes: set-up, superbill (claim from a visit), scrub, 837P batches, 999/277CA
acknowledgements, remittance posting (835 and paper) and the patient ledger.

Every write checks the actor's permission, validates, saves, records an audit event, in one
transaction. Money is Decimal; the ledger is append-only.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Sum
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.billing import reference, x12, x835, x837
from medassist.billing.errors import Code
from medassist.billing.models import (
    ZERO,
    BillingProvider,
    Bucket,
    Claim,
    ClaimBatch,
    ClaimLine,
    ClaimStatus,
    EntryKind,
    FeeScheduleItem,
    FilingIndicator,
    LedgerEntry,
    PayerBilling,
    Remittance,
    RemittanceLine,
    Submission,
)
from medassist.billing.scrub import ClaimFacts, LineFacts, Problem, scrub_claim
from medassist.core.clock import clinic_today
from medassist.core.errors import Conflict, NotFound, ValidationFailed
from medassist.patients.models import Coverage, Patient
from medassist.practice.models import Payer, Provider, User
from medassist.practice.roles import require, staff_clinic
from medassist.practice.validators import npi_is_valid

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("1000000")


def money(raw, *, field: str, allow_negative: bool = False) -> Decimal:
    """A Decimal amount with at most two places; ValidationFailed in words otherwise."""
    if isinstance(raw, float):
        raise ValidationFailed("Amounts are written as text or Decimal, not float.", field=field)
    try:
        value = Decimal(str(raw).strip().replace("$", "").replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(
            f"{raw!r} is not an amount; write it like 25.00.", field=field
        ) from None
    if not value.is_finite():
        raise ValidationFailed(f"{raw!r} is not an amount.", field=field)
    if value != value.quantize(CENT):
        raise ValidationFailed("Amounts have at most two decimal places.", field=field)
    if value < 0 and not allow_negative:
        raise ValidationFailed("The amount cannot be negative.", field=field)
    if abs(value) > MAX_AMOUNT:
        raise ValidationFailed(f"The amount must be at most {MAX_AMOUNT:,}.", field=field)
    return value.quantize(CENT)


def _clinic_payer(actor: User, payer: Payer) -> None:
    if payer.clinic_id != staff_clinic(actor).pk:
        raise NotFound("No such payer in your clinic.")


# --- set-up ----------------------------------------------------------------------------------


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


_CPT = re.compile(r"^[0-9]{4}[0-9A-Z]$")
_HCPCS = re.compile(r"^[A-V][0-9]{4}$")


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


# --- superbill -------------------------------------------------------------------------------


def _modifiers(values) -> list[str]:
    out = []
    for value in values or []:
        value = str(value).strip().upper()
        if not value:
            continue
        if not re.fullmatch(r"[0-9A-Z]{2}", value):
            raise ValidationFailed(
                f"Modifier {value!r} must be two letters or digits.", field="modifiers"
            )
        out.append(value)
    if len(out) > 4:
        raise ValidationFailed("A line has at most four modifiers.", field="modifiers")
    return out


def _diagnoses(values) -> list[str]:
    out: list[str] = []
    if len([v for v in values or [] if str(v).strip()]) > 12:
        raise ValidationFailed("A claim holds at most 12 diagnoses.", field="diagnoses")
    for raw in values or []:
        code = str(raw).strip().upper()
        if not code:
            continue
        if "." not in code and len(code) > 3:
            code = f"{code[:3]}.{code[3:]}"
        if code in out:
            raise ValidationFailed(f"Diagnosis {code} is listed twice.", field="diagnoses")
        if code not in reference.billable_icd10cm():
            what = (
                "is a category, not a billable code"
                if reference.icd10cm_is_header(code)
                else "is not in the current ICD-10-CM code set"
            )
            raise ValidationFailed(
                f"Diagnosis {code} {what}.", field="diagnoses", code=Code.INVALID_CODE
            )
        out.append(code)
    if not out:
        raise ValidationFailed("Add at least one diagnosis.", field="diagnoses")
    if len(out) > 12:
        raise ValidationFailed("A claim holds at most 12 diagnoses.", field="diagnoses")
    return out


@dataclass(frozen=True)
class LineInput:
    code: str
    units: Decimal | str | int = 1
    modifiers: tuple[str, ...] | list[str] = ()
    pointers: tuple[int, ...] | list[int] = (1,)
    charge: Decimal | str | None = None  # default: fee schedule price x units


def _next_claim_number(clinic_id: int) -> str:
    last = Claim.objects.filter(clinic_id=clinic_id).aggregate(n=Max("id"))["n"] or 0
    return f"C{clinic_id:03d}{last + 1:07d}"


@transaction.atomic
def claim_create(
    *,
    actor: User,
    patient: Patient,
    service_date: date,
    diagnoses: list[str],
    lines: list[LineInput],
    coverage: Coverage | None = None,
    encounter=None,
    rendering_provider: Provider | None = None,
    place_of_service: str = "11",
) -> Claim:
    """The superbill: a claim with ordered diagnoses and procedure lines; charges post to the
    ledger (insurance bucket when there is coverage, else the patient's)."""
    require(actor, "billing.code")
    clinic = staff_clinic(actor)
    if patient.clinic_id != clinic.pk:
        raise NotFound("No such patient in your clinic.")
    if coverage is not None and coverage.patient_id != patient.pk:
        raise ValidationFailed("That coverage is not this patient's.", field="coverage")
    if encounter is not None and encounter.patient_id != patient.pk:
        raise ValidationFailed("That visit is not this patient's.", field="encounter")
    if rendering_provider is not None and rendering_provider.clinic_id != clinic.pk:
        raise ValidationFailed("No such provider in your clinic.", field="rendering_provider")
    if place_of_service not in reference.places_of_service():
        raise ValidationFailed(
            f"{place_of_service!r} is not a place-of-service code.", field="place_of_service"
        )
    codes = _diagnoses(diagnoses)
    if not lines:
        raise ValidationFailed("Add at least one procedure line.", field="lines")
    if len(lines) > 50:
        raise ValidationFailed("A claim holds at most 50 lines.", field="lines")
    fees = {f.code: f for f in FeeScheduleItem.objects.filter(clinic=clinic, active=True)}
    built: list[ClaimLine] = []
    for number, item in enumerate(lines, start=1):
        code = str(item.code).strip().upper()
        if not (_CPT.match(code) or _HCPCS.match(code)):
            raise ValidationFailed(
                f"Line {number}: {code!r} is not a CPT or HCPCS code.", field="lines"
            )
        units = money(item.units, field="units")
        if units <= 0:
            raise ValidationFailed(f"Line {number}: units must be more than zero.", field="lines")
        pointers = [int(p) for p in item.pointers]
        if not pointers or len(pointers) > 4 or len(set(pointers)) != len(pointers):
            raise ValidationFailed(
                f"Line {number}: give one to four different diagnosis pointers.", field="lines"
            )
        if any(not 1 <= p <= len(codes) for p in pointers):
            raise ValidationFailed(
                f"Line {number}: a diagnosis pointer must be 1 to {len(codes)}.", field="lines"
            )
        if item.charge is None or item.charge == "":
            fee = fees.get(code)
            if fee is None:
                raise ValidationFailed(
                    f"Line {number}: {code} is not in the fee schedule; give its charge.",
                    field="lines",
                )
            charge = (fee.price * units).quantize(CENT)
            modifiers = _modifiers(item.modifiers or fee.modifiers.split())
        else:
            charge = money(item.charge, field="charge")
            modifiers = _modifiers(item.modifiers)
        if charge <= 0:
            raise ValidationFailed(
                f"Line {number}: the charge must be more than zero.", field="lines"
            )
        built.append(
            ClaimLine(
                number=number,
                procedure_code=code,
                modifiers=modifiers,
                units=units,
                charge=charge,
                pointers=pointers,
                service_date=service_date,
            )
        )
    claim = Claim(
        clinic=clinic,
        number=_next_claim_number(clinic.pk),
        patient=patient,
        coverage=coverage,
        payer=coverage.payer if coverage is not None else None,
        encounter=encounter,
        rendering_provider=rendering_provider,
        service_date=service_date,
        place_of_service=place_of_service,
        diagnoses=codes,
    )
    claim.stamp(actor)
    claim.save()
    for line in built:
        line.claim = claim
    ClaimLine.objects.bulk_create(built)
    bucket = Bucket.INSURANCE if coverage is not None else Bucket.PATIENT
    for line in claim.lines.all():
        _entry(
            actor=actor,
            patient=patient,
            kind=EntryKind.CHARGE,
            bucket=bucket,
            amount=line.charge,
            claim=claim,
            claim_line=line,
            memo=f"{line.procedure_code} x {line.units.normalize()}",
        )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=claim,
        patient=patient,
        detail={"number": claim.number, "lines": len(built)},
    )
    return claim


# --- scrub -----------------------------------------------------------------------------------


def claim_facts(claim: Claim) -> ClaimFacts:
    patient = claim.patient
    coverage = claim.coverage
    payer = claim.payer
    details = PayerBilling.objects.filter(payer=payer).first() if payer else None
    provider = BillingProvider.objects.filter(clinic_id=claim.clinic_id).first()
    clinic = claim.clinic
    same = (
        Claim.objects.filter(
            clinic_id=claim.clinic_id, patient_id=claim.patient_id, service_date=claim.service_date
        )
        .exclude(pk=claim.pk)
        .exclude(status__in=[ClaimStatus.DRAFT, ClaimStatus.DENIED, ClaimStatus.REJECTED])
    )
    codes = sorted(line.procedure_code for line in claim.lines.all())
    duplicate = ""
    for other in same.prefetch_related("lines"):
        if sorted(line.procedure_code for line in other.lines.all()) == codes:
            duplicate = other.number
            break
    return ClaimFacts(
        service_date=claim.service_date,
        today=clinic_today(clinic),
        place_of_service=claim.place_of_service,
        diagnoses=tuple(claim.diagnoses),
        lines=tuple(
            LineFacts(
                line.number,
                line.procedure_code,
                tuple(line.modifiers),
                line.units,
                line.charge,
                tuple(line.pointers),
                line.service_date,
            )
            for line in claim.lines.all()
        ),
        patient_sex=patient.sex,
        patient_dob=patient.date_of_birth,
        patient_address=(
            patient.address_line1,
            patient.city,
            patient.state,
            patient.postal_code.replace("-", ""),
        ),
        has_coverage=coverage is not None,
        coverage_active=bool(coverage and coverage.active),
        member_id=coverage.member_id if coverage else "",
        relationship=coverage.relationship if coverage else "self",
        subscriber_name=coverage.subscriber_name if coverage else "",
        subscriber_dob=coverage.subscriber_date_of_birth if coverage else None,
        payer_name=payer.name if payer else "",
        payer_id=payer.payer_id if payer else "",
        filing_indicator=details.filing_indicator if details else "",
        electronic=not details or details.submission == Submission.ELECTRONIC,
        provider_ready=provider is not None,
        provider_npi=provider.npi if provider else "",
        provider_tin=provider.tin if provider else "",
        provider_taxonomy=provider.taxonomy if provider else "",
        provider_zip=provider.postal_code if provider else "",
        rendering_npi=claim.rendering_provider.npi if claim.rendering_provider else "",
        duplicate_of=duplicate,
    )


@transaction.atomic
def claim_scrub(*, actor: User, claim: Claim) -> list[Problem]:
    """Check the claim; no problems moves it to READY, problems keep (or put) it in DRAFT."""
    require(actor, "billing.claims")
    if claim.clinic_id != staff_clinic(actor).pk:
        raise NotFound("No such claim in your clinic.")
    if claim.status not in (ClaimStatus.DRAFT, ClaimStatus.READY, ClaimStatus.REJECTED):
        raise Conflict(
            f"Claim {claim.number} was already sent ({claim.get_status_display()}).",
            code=Code.CLAIM_NOT_READY,
        )
    problems = scrub_claim(claim_facts(claim))
    claim.scrub_problems = [p.as_dict() for p in problems]
    claim.status = ClaimStatus.DRAFT if problems else ClaimStatus.READY
    claim.stamp(actor)
    claim.save(update_fields=["scrub_problems", "status", "updated_at", "updated_by"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.TRANSITION,
        obj=claim,
        patient=claim.patient,
        detail={"problems": len(problems)},
    )
    return problems


# --- 837P batches ----------------------------------------------------------------------------


def _split_name(full: str) -> tuple[str, str]:
    parts = full.replace(",", " ").split()
    if not parts:
        return "", ""
    if "," in full:
        last, _, first = full.partition(",")
        return last.strip(), first.strip()
    return parts[-1], " ".join(parts[:-1])


_RELATIONSHIP = {"spouse": "01", "child": "19", "other": "G8"}


def claim_data(claim: Claim) -> x837.ClaimData:
    patient, coverage, payer = claim.patient, claim.coverage, claim.payer
    if coverage is None or payer is None:
        raise ValidationFailed(f"Claim {claim.number} has no insurance coverage.")
    details = PayerBilling.objects.filter(payer=payer).first()
    address = (
        patient.address_line1,
        patient.city,
        patient.state,
        patient.postal_code.replace("-", ""),
    )
    me = x837.Person(
        patient.last_name,
        patient.first_name,
        patient.date_of_birth,
        patient.sex if patient.sex in ("F", "M") else "U",
        *address,
        member_id=coverage.member_id,
    )
    if coverage.relationship == Coverage.Relationship.SELF:
        subscriber, dependent, relationship = me, None, ""
    else:
        last, first = _split_name(coverage.subscriber_name)
        subscriber = x837.Person(
            last,
            first,
            coverage.subscriber_date_of_birth or patient.date_of_birth,
            "U",
            *address,
            member_id=coverage.member_id,
        )
        dependent, relationship = me, _RELATIONSHIP.get(coverage.relationship, "G8")
    rendering = claim.rendering_provider
    return x837.ClaimData(
        number=claim.number,
        payer_name=payer.name,
        payer_id=payer.payer_id,
        filing_indicator=details.filing_indicator if details else "",
        subscriber=subscriber,
        patient=dependent,
        relationship=relationship,
        group_number=coverage.group_number,
        service_date=claim.service_date,
        place_of_service=claim.place_of_service,
        diagnoses=tuple(c.replace(".", "") for c in claim.diagnoses),
        lines=tuple(
            x837.Line(
                line.procedure_code,
                line.charge,
                line.units,
                tuple(line.pointers),
                tuple(line.modifiers),
                line.service_date,
            )
            for line in claim.lines.all()
        ),
        rendering=x837.Party(rendering.display_name, npi=rendering.npi) if rendering else None,
        rendering_last=rendering.last_name if rendering else "",
        rendering_first=rendering.first_name if rendering else "",
    )


@transaction.atomic
def batch_create(*, actor: User, claims: list[Claim], idempotency_key: str) -> ClaimBatch:
    """One 837P interchange of READY claims. The same idempotency key gives back the batch
    made the first time (a retried request makes nothing new)."""
    require(actor, "billing.claims")
    clinic = staff_clinic(actor)
    key = (idempotency_key or "").strip()
    if not 8 <= len(key) <= 80:
        raise ValidationFailed(
            "The idempotency key is 8 to 80 characters.", field="idempotency_key"
        )
    existing = ClaimBatch.objects.filter(clinic=clinic, idempotency_key=key).first()
    if existing is not None:
        return existing
    if not claims:
        raise ValidationFailed("Choose at least one claim.", field="claims")
    provider = BillingProvider.objects.select_for_update().filter(clinic=clinic).first()
    if provider is None:
        raise ValidationFailed(
            "Set up the clinic's billing provider first.", code=Code.CLAIM_NOT_READY
        )
    locked = list(
        Claim.objects.select_for_update().filter(pk__in=[c.pk for c in claims], clinic=clinic)
    )
    if len(locked) != len({c.pk for c in claims}):
        raise NotFound("A claim is not in your clinic.")
    not_ready = [c.number for c in locked if c.status != ClaimStatus.READY]
    if not_ready:
        raise Conflict(
            "These claims are not scrubbed and ready: " + ", ".join(sorted(not_ready)) + ".",
            code=Code.CLAIM_NOT_READY,
        )
    provider.last_interchange_number = provider.last_interchange_number % 999999999 + 1
    provider.save(update_fields=["last_interchange_number"])
    number = provider.last_interchange_number
    locked.sort(key=lambda c: c.number)
    text = x837.build_837p(
        envelope=x837.Envelope(
            sender_id=provider.submitter_id,
            receiver_id=provider.receiver_id,
            receiver_name=provider.receiver_name,
            submitter_name=provider.name,
            contact_name=provider.contact_name,
            contact_phone=provider.contact_phone,
            interchange_number=number,
            usage=provider.usage,
            created=timezone.localtime(timezone.now()).replace(tzinfo=None),
        ),
        provider=x837.Party(
            provider.name,
            npi=provider.npi,
            tin=provider.tin,
            taxonomy=provider.taxonomy,
            address_line1=provider.address_line1,
            city=provider.city,
            state=provider.state,
            postal_code=provider.postal_code,
        ),
        claims=[claim_data(c) for c in locked],
    )
    try:
        with transaction.atomic():
            batch = ClaimBatch(
                clinic=clinic,
                idempotency_key=key,
                interchange_number=number,
                content=text,
                claim_count=len(locked),
            )
            batch.stamp(actor)
            batch.save()
    except IntegrityError:
        existing = ClaimBatch.objects.filter(clinic=clinic, idempotency_key=key).first()
        if existing is None:
            raise
        return existing
    now = timezone.now()
    for claim in locked:
        claim.batch, claim.status, claim.submitted_at = batch, ClaimStatus.SUBMITTED, now
        claim.stamp(actor)
        claim.save(update_fields=["batch", "status", "submitted_at", "updated_at", "updated_by"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=batch,
        detail={"claims": len(locked), "isa13": f"{number:09d}"},
    )
    return batch


# --- acknowledgements ------------------------------------------------------------------------


@transaction.atomic
def acknowledgement_apply(*, actor: User, data: bytes | str) -> list[Claim]:
    """Read a 999 (implementation acknowledgment) or a 277CA (claim acknowledgment) back onto
    the claims it speaks of. A 999 rejecting a transaction rejects every claim of the batch
    whose interchange it answers; a 277CA speaks per claim (TRN02 = our claim number)."""
    require(actor, "billing.claims")
    clinic = staff_clinic(actor)
    try:
        inter = x12.read(data)
    except x12.X12Error as exc:
        raise ValidationFailed(exc.message, code=exc.code) from None
    changed: list[Claim] = []
    for trans in inter.transactions:
        if trans.set_id == "999":
            changed += _apply_999(clinic, trans)
        elif trans.set_id == "277":
            changed += _apply_277(clinic, trans)
        else:
            raise ValidationFailed(
                f"Transaction {trans.set_id} is not a 999 or 277CA acknowledgement.",
                code=Code.X12_WRONG_TRANSACTION,
            )
    for claim in changed:
        claim.stamp(actor)
        claim.save(
            update_fields=[
                "status",
                "ack_status",
                "ack_message",
                "payer_claim_number",
                "updated_at",
                "updated_by",
            ]
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.TRANSITION,
            obj=claim,
            patient=claim.patient,
            detail={"ack": claim.ack_status},
        )
    return changed


def _apply_999(clinic, trans: x12.Transaction) -> list[Claim]:
    group_number = ""
    out: list[Claim] = []
    notes: list[str] = []
    for seg in trans.segments:
        if seg.id == "AK1":
            group_number = seg[2].strip()
        elif seg.id in ("IK3", "IK4"):
            notes.append(seg.text(80))
        elif seg.id == "IK5":
            status = seg[1].strip()
            batch = (
                ClaimBatch.objects.filter(
                    clinic=clinic, interchange_number=int(group_number or 0)
                ).first()
                if group_number.isdigit()
                else None
            )
            if batch is None:
                raise ValidationFailed(
                    f"The 999 answers group {group_number!r}, which is no batch of this clinic.",
                    code=Code.NOT_FOUND,
                )
            for claim in batch.claims.all():
                claim.ack_status = f"999 {status}"
                if status == "R":
                    claim.status = ClaimStatus.REJECTED
                    claim.ack_message = (
                        "The clearinghouse rejected the batch: " + "; ".join(notes)
                    )[:500]
                else:
                    claim.ack_message = "The clearinghouse accepted the batch."
                out.append(claim)
            notes = []
    return out


def _apply_277(clinic, trans: x12.Transaction) -> list[Claim]:
    out: list[Claim] = []
    claim: Claim | None = None
    for seg in trans.segments:
        if seg.id == "TRN" and seg[1].strip() == "2":
            claim = Claim.objects.filter(clinic=clinic, number=seg[2].strip()).first()
            if claim is not None and claim not in out:
                out.append(claim)
        elif seg.id == "REF" and seg[1].strip() == "1K" and claim is not None:
            claim.payer_claim_number = seg[2].strip()[:50]
        elif seg.id == "STC" and claim is not None:
            category = seg.components(1)[0].strip()
            claim.ack_status = f"277CA {category}"
            if category in ("A1", "A2", "A5"):
                claim.status = ClaimStatus.ACCEPTED
                claim.ack_message = "The payer accepted the claim for processing."
            elif category in ("A3", "A4", "A6", "A7", "A8"):
                claim.status = ClaimStatus.REJECTED
                claim.ack_message = f"The payer rejected the claim ({seg.text(80)})."
    return out


# --- remittance ------------------------------------------------------------------------------


def _match_payer(clinic, remit: x835.Remittance) -> Payer:
    payers = Payer.objects.filter(clinic=clinic, active=True)
    if remit.payer_id:
        found = payers.filter(payer_id=remit.payer_id).first()
        if found:
            return found
    found = payers.filter(name__iexact=remit.payer_name).first()
    if found:
        return found
    raise ValidationFailed(
        f"Unknown payer {remit.payer_name!r} (id {remit.payer_id or 'none'}): add it to the "
        "clinic's payers before posting its remittance. Nothing was posted.",
        code=Code.UNKNOWN_PAYER,
    )


def _adjustment_rows(adjustments: list[x835.Adjustment]) -> list[dict]:
    return [
        {
            "group": a.group,
            "reason": a.reason,
            "amount": str(a.amount),
            "words": f"{reference.group_words(a.group)}: {reference.reason_words(a.reason)}",
        }
        for a in adjustments
    ]


@dataclass
class PostingReport:
    remittance: Remittance
    created: bool
    posted: int = 0
    unmatched: int = 0


def _fingerprint(data: bytes | str) -> str:
    raw = data.encode() if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()


@transaction.atomic
def remittance_import_835(*, actor: User, data: bytes | str) -> list[PostingReport]:
    """Post an 835: payments and adjustments onto claim lines, patient responsibility to the
    patient's balance, anything that does not match to the work queue. The same file twice
    posts once (the second import returns the first one's remittances, created=False).
    A malformed or unbalanced file, a 4010 file or an unknown payer posts nothing."""
    require(actor, "billing.claims")
    clinic = staff_clinic(actor)
    try:
        parsed = x835.parse_835(data)
    except x12.X12Error as exc:
        raise ValidationFailed(exc.message + " Nothing was posted.", code=exc.code) from None
    fingerprint = _fingerprint(data)
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    reports: list[PostingReport] = []
    for number, remit in enumerate(parsed.remittances):
        key = f"{fingerprint[:60]}:{number:03d}"
        existing = Remittance.objects.filter(clinic=clinic, fingerprint=key).first()
        if existing is not None:
            reports.append(PostingReport(existing, False))
            continue
        payer = _match_payer(clinic, remit)
        remittance = Remittance(
            clinic=clinic,
            payer=payer,
            source=Remittance.Source.X835,
            fingerprint=key,
            trace_number=remit.trace_number[:50],
            payment_amount=remit.payment,
            payment_date=remit.payment_date,
            content=text if number == 0 else "",
        )
        remittance.stamp(actor)
        try:
            with transaction.atomic():
                remittance.save()
        except IntegrityError:
            existing = Remittance.objects.get(clinic=clinic, fingerprint=key)
            reports.append(PostingReport(existing, False))
            continue
        report = PostingReport(remittance, True)
        claims = {
            c.number: c
            for c in Claim.objects.filter(
                clinic=clinic, number__in=[p.patient_control for p in remit.claims]
            )
            .select_related("patient__clinic")
            .prefetch_related("lines")
        }
        for payment in remit.claims:
            _post_claim_payment(actor, remittance, payment, report, claims)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=remittance,
            detail={
                "posted": report.posted,
                "unmatched": report.unmatched,
                "amount": str(remit.payment),
            },
        )
        reports.append(report)
    return reports


def _unmatched(
    remittance: Remittance,
    payment: x835.ClaimPayment,
    problem: str,
    claim: Claim | None,
    service: x835.ServicePayment | None,
    report: PostingReport,
) -> None:
    adjustments = service.adjustments if service else payment.all_adjustments()
    RemittanceLine.objects.create(
        remittance=remittance,
        claim=claim,
        patient_control=payment.patient_control[:38],
        claim_status=payment.status[:2],
        procedure_code=(service.procedure if service else "")[:48],
        modifiers=service.modifiers if service else [],
        charge=service.charge if service else payment.charge,
        paid=service.paid if service else payment.paid,
        patient_responsibility=sum((a.amount for a in adjustments if a.group == "PR"), ZERO),
        adjustments=_adjustment_rows(adjustments),
        remarks=(service.remarks if service else []) + payment.remarks,
        state=RemittanceLine.State.UNMATCHED,
        problem=problem[:300],
    )
    report.unmatched += 1


def _match_line(claim: Claim, service: x835.ServicePayment) -> tuple[ClaimLine | None, str]:
    """The claim line an 835 service line pays (REF*6R line id first, else the procedure
    code), or None and why it needs a person (modifiers the payer dropped or changed)."""
    lines = list(claim.lines.all())
    code = service.original_procedure or service.procedure
    modifiers = service.original_modifiers if service.original_procedure else service.modifiers
    candidates: list[ClaimLine] = []
    if service.line_control:
        candidates = [
            line
            for line in lines
            if service.line_control in (str(line.number), f"{claim.number}-{line.number}")
        ]
    if not candidates:
        candidates = [line for line in lines if line.procedure_code == code]
    if not code:
        return None, "The payer's service line names no procedure code."
    same_code = [line for line in candidates if line.procedure_code == code]
    exact = [line for line in same_code if list(line.modifiers) == list(modifiers)]
    if exact:
        return exact[0], ""
    if same_code:
        dropped = sorted(set(same_code[0].modifiers) - set(modifiers))
        if dropped:
            return None, (
                f"The payer dropped modifier {', '.join(dropped)} from {code}: "
                "check the line before posting it."
            )
        return None, f"The payer's modifiers for {code} differ from the claim's."
    return None, f"No line of claim {claim.number} bills {code}."


def _post_claim_payment(
    actor: User,
    remittance: Remittance,
    payment: x835.ClaimPayment,
    report: PostingReport,
    claims: dict[str, Claim],
) -> None:
    claim = claims.get(payment.patient_control)
    if claim is None:
        _unmatched(
            remittance,
            payment,
            f"No claim {payment.patient_control} in this clinic.",
            None,
            None,
            report,
        )
        return
    if payment.is_reversal or payment.paid < 0:
        _unmatched(
            remittance,
            payment,
            "The payer reversed an earlier payment on this claim; review it before posting.",
            claim,
            None,
            report,
        )
        return
    lines = list(claim.lines.all())
    pairs: list[tuple[ClaimLine | None, x835.ServicePayment | None, list[x835.Adjustment]]] = []
    if payment.services:
        for paid_service in payment.services:
            line, problem = _match_line(claim, paid_service)
            if line is None:
                _unmatched(remittance, payment, problem, claim, paid_service, report)
                continue
            pairs.append((line, paid_service, paid_service.adjustments))
        if payment.adjustments:
            pairs.append((None, None, payment.adjustments))
    else:
        target = lines[0] if len(lines) == 1 else None
        pairs.append((target, None, payment.adjustments))
    paid_claim_level = payment.paid if not payment.services else None
    for line, service, adjustments in pairs:
        paid = service.paid if service is not None else (paid_claim_level or ZERO)
        _post_amounts(actor, remittance, claim, line, paid, adjustments)
        RemittanceLine.objects.create(
            remittance=remittance,
            claim=claim,
            claim_line=line,
            patient_control=payment.patient_control[:38],
            claim_status=payment.status[:2],
            procedure_code=(service.procedure if service else "")[:48],
            modifiers=service.modifiers if service else [],
            charge=service.charge if service else (payment.charge if line is None else line.charge),
            paid=paid,
            patient_responsibility=sum((a.amount for a in adjustments if a.group == "PR"), ZERO),
            adjustments=_adjustment_rows(adjustments),
            remarks=(service.remarks if service else []) + payment.remarks,
            state=RemittanceLine.State.POSTED,
        )
        report.posted += 1
        paid_claim_level = ZERO if paid_claim_level is not None else None
    claim.payer_claim_number = payment.payer_claim_number[:50] or claim.payer_claim_number
    claim.status = (
        ClaimStatus.DENIED if payment.status == "4" and payment.paid == 0 else (ClaimStatus.PAID)
    )
    claim.save(update_fields=["payer_claim_number", "status", "updated_at"])


def _post_amounts(
    actor: User,
    remittance: Remittance,
    claim: Claim,
    line: ClaimLine | None,
    paid: Decimal,
    adjustments: list[x835.Adjustment],
) -> None:
    patient = claim.patient
    common: dict[str, Any] = {
        "actor": actor,
        "patient": patient,
        "claim": claim,
        "claim_line": line,
        "remittance": remittance,
        "payer": remittance.payer,
    }
    if paid:
        _entry(
            kind=EntryKind.INSURANCE_PAYMENT,
            bucket=Bucket.INSURANCE,
            amount=-paid,
            memo=f"Paid by {remittance.payer.name}",
            **common,
        )
    responsibility = ZERO
    adjusted = ZERO
    for adj in adjustments:
        words = f"{reference.group_words(adj.group)}: {reference.reason_words(adj.reason)}"
        if adj.group == "PR":
            responsibility += adj.amount
            _entry(
                kind=EntryKind.TRANSFER,
                bucket=Bucket.INSURANCE,
                amount=-adj.amount,
                memo=words[:200],
                **common,
            )
            _entry(
                kind=EntryKind.TRANSFER,
                bucket=Bucket.PATIENT,
                amount=adj.amount,
                memo=words[:200],
                **common,
            )
        else:
            adjusted += adj.amount
            _entry(
                kind=EntryKind.ADJUSTMENT,
                bucket=Bucket.INSURANCE,
                amount=-adj.amount,
                memo=words[:200],
                **common,
            )
    if line is not None:
        line.paid += paid
        line.adjusted += adjusted
        line.patient_responsibility += responsibility
        line.save(update_fields=["paid", "adjusted", "patient_responsibility"])


@dataclass(frozen=True)
class PaperLine:
    claim_line: ClaimLine
    paid: Decimal | str
    adjustments: tuple[tuple[str, str, Decimal | str], ...] = ()  # (group, reason, amount)


@transaction.atomic
def remittance_enter_paper(
    *,
    actor: User,
    payer: Payer,
    claim: Claim,
    lines: list[PaperLine],
    trace_number: str,
    payment_date: date,
) -> Remittance:
    """A paper remittance (EOB) typed in: posted like an 835's lines."""
    require(actor, "billing.claims")
    clinic = staff_clinic(actor)
    _clinic_payer(actor, payer)
    if claim.clinic_id != clinic.pk:
        raise NotFound("No such claim in your clinic.")
    if not lines:
        raise ValidationFailed("Enter at least one paid line.", field="lines")
    trace = (trace_number or "").strip()
    if not trace:
        raise ValidationFailed("Enter the check or EFT number.", field="trace_number")
    parsed: list[tuple[ClaimLine, Decimal, list[x835.Adjustment]]] = []
    for item in lines:
        if item.claim_line.claim_id != claim.pk:
            raise ValidationFailed("A line is not on this claim.", field="lines")
        paid = money(item.paid, field="paid")
        adjustments = []
        for group, reason, raw in item.adjustments:
            if group not in ("CO", "PR", "OA", "PI", "CR"):
                raise ValidationFailed(f"{group!r} is not an adjustment group.", field="lines")
            if not re.fullmatch(r"[A-Z0-9]{1,5}", reason or ""):
                raise ValidationFailed(f"{reason!r} is not a reason code.", field="lines")
            adjustments.append(
                x835.Adjustment(group, reason, money(raw, field="amount", allow_negative=True))
            )
        if paid + sum((a.amount for a in adjustments), ZERO) != item.claim_line.charge:
            raise ValidationFailed(
                f"Line {item.claim_line.number} does not add up: paid {paid} plus adjustments "
                f"must equal the charge {item.claim_line.charge}.",
                field="lines",
                code=Code.X12_UNBALANCED,
            )
        parsed.append((item.claim_line, paid, adjustments))
    total = sum((p for _, p, _ in parsed), ZERO)
    key = hashlib.sha256(f"paper|{payer.pk}|{trace}|{claim.pk}".encode()).hexdigest()
    if Remittance.objects.filter(clinic=clinic, fingerprint=key).exists():
        raise Conflict(
            f"Check {trace} for claim {claim.number} was already entered.",
            code=Code.DUPLICATE_REMITTANCE,
        )
    remittance = Remittance(
        clinic=clinic,
        payer=payer,
        source=Remittance.Source.PAPER,
        fingerprint=key,
        trace_number=trace[:50],
        payment_amount=total,
        payment_date=payment_date,
    )
    remittance.stamp(actor)
    remittance.save()
    for line, paid, adjustments in parsed:
        _post_amounts(actor, remittance, claim, line, paid, adjustments)
        RemittanceLine.objects.create(
            remittance=remittance,
            claim=claim,
            claim_line=line,
            patient_control=claim.number,
            procedure_code=line.procedure_code,
            modifiers=line.modifiers,
            charge=line.charge,
            paid=paid,
            patient_responsibility=sum((a.amount for a in adjustments if a.group == "PR"), ZERO),
            adjustments=_adjustment_rows(adjustments),
            state=RemittanceLine.State.POSTED,
        )
    claim.status = ClaimStatus.PAID
    claim.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=remittance,
        patient=claim.patient,
        detail={"amount": str(total)},
    )
    return remittance


# --- patient ledger --------------------------------------------------------------------------


def _entry(
    *,
    actor: User | None,
    patient: Patient,
    kind: str,
    bucket: str,
    amount: Decimal,
    claim: Claim | None = None,
    claim_line: ClaimLine | None = None,
    remittance: Remittance | None = None,
    payer: Payer | None = None,
    memo: str = "",
    at: datetime | None = None,
) -> LedgerEntry:
    when = at or timezone.now()
    day = timezone.localtime(when, patient.clinic.tz).date()
    return LedgerEntry.objects.create(
        clinic_id=patient.clinic_id,
        patient=patient,
        kind=kind,
        bucket=bucket,
        amount=Decimal(amount).quantize(CENT),
        claim=claim,
        claim_line=claim_line,
        remittance=remittance,
        payer=payer,
        posted_on=day,
        posted_at=when,
        memo=memo[:200],
        created_by=actor if getattr(actor, "pk", None) else None,
    )


_PATIENT_KINDS: dict[str, int] = {
    EntryKind.COPAY: -1,
    EntryKind.PATIENT_PAYMENT: -1,
    EntryKind.REFUND: 1,
    EntryKind.ADJUSTMENT: -1,
    EntryKind.CHARGE: 1,
}


@transaction.atomic
def ledger_post(
    *, actor: User, patient: Patient, kind: str, amount, memo: str = "", at: datetime | None = None
) -> LedgerEntry:
    """A patient-side entry typed in by staff: a copay or payment received, a refund paid out,
    a courtesy adjustment, or a self-pay charge. `amount` is positive; the sign follows
    the kind."""
    permission = "billing.payments" if kind != EntryKind.CHARGE else "billing.code"
    require(actor, permission)
    if patient.clinic_id != staff_clinic(actor).pk:
        raise NotFound("No such patient in your clinic.")
    if kind not in _PATIENT_KINDS:
        raise ValidationFailed(f"{kind!r} is not a patient ledger entry kind.", field="kind")
    value = money(amount, field="amount")
    if value <= 0:
        raise ValidationFailed("The amount must be more than zero.", field="amount")
    if kind == EntryKind.REFUND:
        credit = -patient_side_balance(patient)
        if value > credit:
            raise ValidationFailed(
                f"A refund can return at most the patient's credit ({max(credit, ZERO)}).",
                field="amount",
            )
    entry = _entry(
        actor=actor,
        patient=patient,
        kind=kind,
        bucket=Bucket.PATIENT,
        amount=value * _PATIENT_KINDS[kind],
        memo=memo,
        at=at,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        patient=patient,
        object_type="billing.LedgerEntry",
        object_id=str(entry.pk),
        detail={"amount": str(value)},
    )
    return entry


def patient_side_balance(patient: Patient) -> Decimal:
    total = LedgerEntry.objects.filter(patient=patient, bucket=Bucket.PATIENT).aggregate(
        s=Sum("amount")
    )["s"]
    return (total or ZERO).quantize(CENT)


# --- eligibility -----------------------------------------------------------------------------


def _eligibility_failed(check, message: str):
    check.state = check.State.FAILED
    check.message = message[:300]
    check.save(update_fields=["state", "message", "updated_at"])
    return check


@transaction.atomic
def eligibility_check(*, actor: User, coverage: Coverage):
    """Send a 270 for the coverage through the clearinghouse adapter. A failure (no billing
    provider, the adapter down) is recorded on the check in words, never raised: a failed
    check must not stop a check-in."""
    from medassist.billing import eligibility
    from medassist.billing.models import EligibilityCheck

    require(actor, "coverage.edit")
    clinic = staff_clinic(actor)
    patient = coverage.patient
    if patient.clinic_id != clinic.pk:
        raise NotFound("No such coverage in your clinic.")
    check = EligibilityCheck(
        clinic=clinic,
        coverage=coverage,
        trace=f"E{clinic.pk:03d}{timezone.now():%y%m%d%H%M%S%f}"[:30],
    )
    check.stamp(actor)
    check.save()
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, obj=check, patient=patient)
    provider = BillingProvider.objects.filter(clinic=clinic).first()
    if provider is None:
        return _eligibility_failed(check, "The clinic's billing provider is not set up.")
    if not coverage.payer.payer_id:
        return _eligibility_failed(check, f"Payer {coverage.payer.name} has no payer id.")
    try:
        check.request = eligibility.build_270(
            trace=check.trace,
            sender_id=provider.submitter_id,
            receiver_id=provider.receiver_id,
            payer_name=coverage.payer.name,
            payer_id=coverage.payer.payer_id,
            provider_name=provider.name,
            provider_npi=provider.npi,
            member_id=coverage.member_id,
            last_name=patient.last_name,
            first_name=patient.first_name,
            date_of_birth=patient.date_of_birth,
            service_date=clinic_today(clinic),
            number=check.pk % 999999999,
        )
        check.save(update_fields=["request"])
        eligibility.clearinghouse().send(check.trace, check.request)
    except Exception as exc:  # any adapter failure is recorded, never blocks the desk
        return _eligibility_failed(check, f"The eligibility request could not be sent: {exc}")
    return eligibility_refresh(actor=actor, check=check)


@transaction.atomic
def eligibility_refresh(*, actor: User, check):
    """Read the 271 if it has come back (pending otherwise)."""
    from medassist.billing import eligibility

    require(actor, "coverage.edit")
    if check.clinic_id != staff_clinic(actor).pk:
        raise NotFound("No such eligibility check in your clinic.")
    if check.state != check.State.PENDING:
        return check
    try:
        text = eligibility.clearinghouse().receive(check.trace)
    except Exception as exc:
        return _eligibility_failed(check, f"The clearinghouse could not be read: {exc}")
    if text is None:
        return check
    check.response = text
    try:
        answer = eligibility.parse_271(text)
    except x12.X12Error as exc:
        check.save(update_fields=["response"])
        return _eligibility_failed(check, f"The payer's answer could not be read: {exc.message}")
    if answer.active is None:
        check.save(update_fields=["response"])
        return _eligibility_failed(check, answer.message)
    check.state = check.State.ACTIVE if answer.active else check.State.INACTIVE
    check.plan, check.copay = answer.plan[:80], answer.copay
    check.deductible_remaining, check.message = answer.deductible_remaining, answer.message
    check.save()
    return check


# --- CMS-1500 --------------------------------------------------------------------------------

_INSURANCE_TYPE = {
    "MB": "medicare",
    "MA": "medicare",
    "MC": "medicaid",
    "CH": "tricare",
    "VA": "champva",
    "WC": "feca",
}


def cms1500_data(claim: Claim):
    """The CMS-1500 fields of a claim (billing.cms1500.FormData)."""
    from medassist.billing.cms1500 import FormData, FormLine

    patient, coverage, payer = claim.patient, claim.coverage, claim.payer
    details = PayerBilling.objects.filter(payer=payer).first() if payer else None
    provider = BillingProvider.objects.filter(clinic_id=claim.clinic_id).first()
    if provider is None:
        raise ValidationFailed("Set up the clinic's billing provider first.")
    address = (patient.address_line1, patient.city, patient.state, patient.postal_code)
    insured = (
        coverage.subscriber_name
        if coverage and coverage.subscriber_name
        else (f"{patient.first_name} {patient.last_name}")
    )
    last, first = _split_name(insured)
    letters = "ABCDEFGHIJKL"
    rendering = claim.rendering_provider
    return FormData(
        payer_name=payer.name if payer else "SELF-PAY",
        payer_address=[
            a
            for a in (
                (details.address_line1 if details else ""),
                (
                    f"{details.city} {details.state} {details.postal_code}".strip()
                    if details
                    else ""
                ),
            )
            if a
        ],
        insurance_type=_INSURANCE_TYPE.get(details.filing_indicator if details else "", "group"),
        insured_id=coverage.member_id if coverage else "",
        patient_name=f"{patient.last_name}, {patient.first_name}",
        patient_dob=patient.date_of_birth,
        patient_sex=patient.sex,
        insured_name=f"{last}, {first}",
        patient_address=address,
        relationship=coverage.relationship if coverage else "self",
        insured_address=address,
        insured_group=coverage.group_number if coverage else "",
        diagnoses=list(claim.diagnoses),
        lines=[
            FormLine(
                line.service_date or claim.service_date,
                claim.place_of_service,
                line.procedure_code,
                list(line.modifiers),
                "".join(letters[p - 1] for p in line.pointers if 1 <= p <= 12),
                line.charge,
                line.units,
                rendering.npi if rendering else "",
            )
            for line in claim.lines.all()
        ],
        tin=provider.tin,
        account_number=claim.number,
        total=claim.total_charge,
        provider_name=provider.name,
        provider_address=(
            provider.address_line1,
            provider.city,
            provider.state,
            provider.postal_code,
        ),
        provider_npi=provider.npi,
    )
