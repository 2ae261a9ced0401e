"""Billing reads: balances, A/R aging, the daily close, the biller's worklist and inbox items,
the superbill's starting point. Scoped to the user's clinic; reads of one patient's money
are audited."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q, Sum

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.billing import reference, suggest
from medassist.billing.models import (
    ZERO,
    BillingProvider,
    Bucket,
    Claim,
    ClaimStatus,
    EntryKind,
    LedgerEntry,
    RemittanceLine,
)
from medassist.core.clock import clinic_today
from medassist.core.errors import NotFound
from medassist.core.inbox import InboxItem
from medassist.core.normalize import name_key
from medassist.practice.roles import can, require, staff_clinic

CENT = Decimal("0.01")
AGING_BUCKETS = ("0-30", "31-60", "61-90", "90+")


def _sum(query) -> Decimal:
    return (query.aggregate(s=Sum("amount"))["s"] or ZERO).quantize(CENT)


def patient_balance(*, patient) -> Decimal:
    """What the patient owes now (negative: a credit): the patient bucket of the ledger."""
    return _sum(LedgerEntry.objects.filter(patient=patient, bucket=Bucket.PATIENT))


def insurance_balance(*, patient) -> Decimal:
    """What insurance is still expected to pay on this patient's claims."""
    return _sum(LedgerEntry.objects.filter(patient=patient, bucket=Bucket.INSURANCE))


def access_ledger(*, user, patient) -> list[LedgerEntry]:
    require(user, "billing.view")
    if patient.clinic_id != staff_clinic(user).pk:
        raise NotFound("No such patient in your clinic.")
    audit_record(
        actor=user,
        action=AuditEvent.Action.READ,
        patient=patient,
        object_type="patients.Patient",
        object_id=str(patient.public_id),
    )
    return list(LedgerEntry.objects.filter(patient=patient).select_related("claim"))


def access_claim(*, user, id) -> Claim:
    require(user, "billing.view")
    claim = (
        Claim.objects.filter(clinic=staff_clinic(user), public_id=id)
        .select_related("patient", "payer", "coverage")
        .first()
    )
    if claim is None:
        raise NotFound("No such claim in your clinic.")
    audit_record(actor=user, action=AuditEvent.Action.READ, obj=claim, patient=claim.patient)
    return claim


@dataclass
class AgingRow:
    name: str
    buckets: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(AGING_BUCKETS, ZERO))

    @property
    def total(self) -> Decimal:
        return sum(self.buckets.values(), ZERO)


def _bucket_of(days: int) -> str:
    if days <= 30:
        return "0-30"
    if days <= 60:
        return "31-60"
    if days <= 90:
        return "61-90"
    return "90+"


def ar_aging(*, clinic, as_of: date | None = None) -> dict[str, list[AgingRow]]:
    """Open balances by age of the claim's date of service (or the entry's day for patient
    entries without a claim): by payer (insurance bucket) and by patient (patient bucket)."""
    as_of = as_of or clinic_today(clinic)
    rows = (
        LedgerEntry.objects.filter(clinic=clinic, posted_on__lte=as_of)
        .values(
            "bucket",
            "claim_id",
            "claim__service_date",
            "claim__payer__name",
            "patient_id",
            "patient__last_name",
            "patient__first_name",
            "posted_on",
        )
        .annotate(total=Sum("amount"))
    )
    by_payer: dict[str, AgingRow] = {}
    by_patient: dict[int, AgingRow] = {}
    # net per (bucket, claim or patient-day) first, so a paid claim ages nowhere
    open_items: dict[tuple, list] = defaultdict(lambda: [ZERO, None, "", "", 0])
    for row in rows:
        start = row["claim__service_date"] or row["posted_on"]
        key = (row["bucket"], row["claim_id"] or f"p{row['patient_id']}", row["patient_id"])
        item = open_items[key]
        item[0] += row["total"]
        item[1] = min(item[1], start) if item[1] else start
        item[2] = row["claim__payer__name"] or "Self-pay"
        item[3] = f"{row['patient__last_name']}, {row['patient__first_name']}"
        item[4] = row["patient_id"]
    for (bucket, _, _), (amount, start, payer, patient_name, patient_id) in open_items.items():
        if amount == 0:
            continue
        age = _bucket_of((as_of - start).days)
        if bucket == Bucket.INSURANCE:
            target = by_payer.setdefault(payer, AgingRow(payer))
        else:
            target = by_patient.setdefault(patient_id, AgingRow(patient_name))
        target.buckets[age] += amount
    return {
        "payers": sorted(by_payer.values(), key=lambda r: r.name),
        "patients": sorted(by_patient.values(), key=lambda r: r.name),
    }


def aging_chart_svg(rows: list[AgingRow], *, width: int = 480, height: int = 180) -> str:
    """A bar chart of the four aging buckets (totals over the rows), as inline SVG."""
    totals = {b: sum((r.buckets[b] for r in rows), ZERO) for b in AGING_BUCKETS}
    top = max([abs(v) for v in totals.values()] + [Decimal("1")])
    bar = width // (len(AGING_BUCKETS) * 2)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="A/R aging">'
    ]
    for n, name in enumerate(AGING_BUCKETS):
        value = totals[name]
        h = int((abs(value) / top) * (height - 40))
        x = bar // 2 + n * bar * 2
        parts.append(
            f'<rect x="{x}" y="{height - 20 - h}" width="{bar}" height="{h}" '
            f'fill="#3b6ea5"><title>{name} days: {value}</title></rect>'
        )
        parts.append(f'<text x="{x}" y="{height - 5}" font-size="11">{name}</text>')
        parts.append(f'<text x="{x}" y="{height - 24 - h}" font-size="10">{value}</text>')
    parts.append("</svg>")
    return "".join(parts)


@dataclass
class DailyClose:
    day: date
    by_kind: dict[str, Decimal]
    total: Decimal
    entries: int


def daily_close(*, clinic, day: date) -> DailyClose:
    """Everything posted on the clinic's business day, by kind; `total` is the day's change of
    all accounts together (it ties out to the ledger: the sum of every day's close is the sum
    of all balances)."""
    rows = LedgerEntry.objects.filter(clinic=clinic, posted_on=day)
    by_kind = {kind: ZERO for kind in EntryKind.values}
    count = 0
    for kind, total in rows.values_list("kind").annotate(total=Sum("amount")):
        by_kind[kind] = total.quantize(CENT)
    count = rows.count()
    return DailyClose(day, by_kind, sum(by_kind.values(), ZERO), count)


@dataclass
class Worklist:
    to_scrub: list[Claim]
    rejected: list[Claim]
    unpaid: list[Claim]
    unmatched: list[RemittanceLine]


def biller_worklist(*, user, unpaid_days: int = 30) -> Worklist:
    require(user, "billing.claims")
    clinic = staff_clinic(user)
    cutoff = clinic_today(clinic) - timedelta(days=unpaid_days)
    claims = Claim.objects.filter(clinic=clinic).select_related("patient", "payer")
    return Worklist(
        to_scrub=list(claims.filter(status__in=[ClaimStatus.DRAFT, ClaimStatus.READY])[:200]),
        rejected=list(claims.filter(status=ClaimStatus.REJECTED)[:200]),
        unpaid=list(
            claims.filter(
                status__in=[ClaimStatus.SUBMITTED, ClaimStatus.ACCEPTED],
                submitted_at__date__lte=cutoff,
            )[:200]
        ),
        unmatched=list(
            RemittanceLine.objects.filter(
                remittance__clinic=clinic, state=RemittanceLine.State.UNMATCHED
            ).select_related("remittance", "claim")[:200]
        ),
    )


def inbox_items(*, clinic, user) -> list[InboxItem]:
    """Rejected claims and unmatched remittance lines, for billers and admins."""
    if not can(user, "billing.claims") or getattr(user, "clinic_id", None) != clinic.pk:
        return []
    out: list[InboxItem] = []
    for claim in Claim.objects.filter(clinic=clinic, status=ClaimStatus.REJECTED).select_related(
        "patient"
    )[:100]:
        out.append(
            InboxItem(
                kind="claim_rejected",
                title=f"Claim {claim.number} rejected: {claim.ack_message or claim.ack_status}",
                created_at=claim.updated_at,
                url=f"/billing/claims/{claim.public_id}/",
                patient_id=claim.patient_id,
                patient_name=claim.patient.display_name,
                sla_hours=72.0,
            )
        )
    for line in RemittanceLine.objects.filter(
        remittance__clinic=clinic, state=RemittanceLine.State.UNMATCHED
    ).select_related("remittance")[:100]:
        out.append(
            InboxItem(
                kind="remittance_unmatched",
                title=f"Remittance line for {line.patient_control} needs a person: {line.problem}",
                created_at=line.remittance.created_at,
                url=f"/billing/remittance/lines/{line.public_id}/",
                sla_hours=72.0,
            )
        )
    return out


@dataclass
class StartingPoint:
    problems: list[tuple[str, str]]  # (code, display) of active ICD-10-CM coded problems
    suggestions: list[suggest.Suggestion]


def superbill_starting_point(*, user, encounter) -> StartingPoint:
    """What a coder starts a superbill from: the patient's active problems coded in
    ICD-10-CM, and suggestions from the visit's reason and notes (a person picks)."""
    require(user, "billing.code")
    patient = encounter.patient
    if patient.clinic_id != staff_clinic(user).pk:
        raise NotFound("No such visit in your clinic.")
    from medassist.records.models import Note, Problem
    from medassist.records.models.base import ENTERED_IN_ERROR, CodeSystem

    problems = [
        (p.code, p.display)
        for p in Problem.objects.filter(
            patient=patient, clinical_status__in=Problem.ACTIVE_STATUSES
        )
        .filter(code_system=CodeSystem.ICD10CM)
        .exclude(verification_status=ENTERED_IN_ERROR)
    ]
    texts = [encounter.reason_text or ""]
    for note in Note.objects.filter(encounter=encounter).exclude(status=ENTERED_IN_ERROR):
        texts.append(note.body)
    audit_record(
        actor=user,
        action=AuditEvent.Action.READ,
        patient=patient,
        object_type="records.Encounter",
        object_id=str(encounter.public_id),
    )
    return StartingPoint(problems, suggest.suggest("\n".join(texts)))


def places_of_service_offered(*, clinic) -> tuple[list[tuple[str, str]], str]:
    """The (code, name) places of service the superbill offers, and the default: the billing
    provider's choice, else every CMS code with 11 (office)."""
    known = reference.places_of_service()
    provider = BillingProvider.objects.filter(clinic=clinic).first()
    codes = (provider.places_of_service if provider else []) or list(known)
    default = provider.default_place_of_service if provider else "11"
    return [(code, known[code]) for code in codes if code in known], default


# --- the remittance work queue ---------------------------------------------------------------


def access_remittance_line(*, user, id) -> RemittanceLine:
    """One remittance line of the user's clinic (billing.claims), audited as a read."""
    require(user, "billing.claims")
    line = (
        RemittanceLine.objects.filter(remittance__clinic=staff_clinic(user), public_id=id)
        .select_related("remittance__payer", "claim__patient", "claim_line", "resolved_by")
        .first()
    )
    if line is None:
        raise NotFound("No such remittance line in your clinic.")
    audit_record(
        actor=user,
        action=AuditEvent.Action.READ,
        obj=line,
        object_type="billing.RemittanceLine",
        patient=line.claim.patient if line.claim is not None else None,
    )
    return line


CLAIM_SEARCH_LIMIT = 20


def claim_search(*, user, q: str = "", service_date: date | None = None) -> list[Claim]:
    """Claims of the clinic by claim number, payer claim number, MRN or patient name
    (`last, first` or words of either), and/or date of service; at most 20, newest first."""
    require(user, "billing.claims")
    claims = Claim.objects.filter(clinic=staff_clinic(user))
    q = (q or "").strip()
    if not q and service_date is None:
        return []
    if service_date is not None:
        claims = claims.filter(service_date=service_date)
    if q:
        exact = Q(number__iexact=q) | Q(payer_claim_number__iexact=q) | Q(patient__mrn__iexact=q)
        words = [name_key(w) for w in q.replace(",", " ").split() if name_key(w)]
        named = Q()
        for word in words:
            named &= Q(patient__last_name_key__startswith=word) | Q(
                patient__first_name_key__startswith=word
            )
        claims = claims.filter(exact | named) if words else claims.filter(exact)
    return list(
        claims.select_related("patient", "payer")
        .prefetch_related("lines")
        .order_by("-service_date", "-number")[:CLAIM_SEARCH_LIMIT]
    )
