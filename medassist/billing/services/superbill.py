"""The superbill: a claim from a visit, with ordered diagnoses and procedure lines; its charges
post to the ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Max

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.billing import reference
from medassist.billing.errors import Code
from medassist.billing.models import (
    Bucket,
    Claim,
    ClaimLine,
    EntryKind,
    FeeScheduleItem,
)
from medassist.billing.services._common import (
    _CPT,
    _HCPCS,
    CENT,
    _modifiers,
    money,
)
from medassist.billing.services._posting import _entry
from medassist.core.errors import NotFound, ValidationFailed
from medassist.patients.models import Coverage, Patient
from medassist.practice.models import Provider, User
from medassist.practice.roles import require, staff_clinic


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
