"""X12 835 (005010X221A1) health care claim payment/advice: read into plain data, checked.

`parse_835` refuses (X12Error) a file that is not a 5010 835 or whose amounts do not add up:
- per claim: CLP03 (charge) - CLP04 (paid) = all CAS adjustments of the claim and its
  service lines (the guide's claim balancing rule);
- per transaction: BPR02 (the payment) = the sum of CLP04 - the sum of PLB adjustments.
Service-line balancing (SVC02 - CAS = SVC03) is reported as a warning, not a refusal: some
payers' files (and the X12 examples) carry service lines that break it while the claim balances.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from medassist.billing import x12
from medassist.billing.errors import Code
from medassist.billing.x12 import Segment, X12Error

VERSION = "005010X221A1"
CENT = Decimal("0.01")


@dataclass
class Adjustment:
    group: str  # CO, PR, OA, PI, CR
    reason: str  # CARC
    amount: Decimal
    quantity: str = ""


@dataclass
class ServicePayment:
    qualifier: str  # HC (CPT/HCPCS), ...
    procedure: str
    modifiers: list[str]
    charge: Decimal
    paid: Decimal
    units: str
    original_procedure: str  # SVC06 when the payer changed the code or modifiers
    original_modifiers: list[str]
    service_date: date | None
    line_control: str  # REF*6R: our line id
    adjustments: list[Adjustment] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)  # LQ*HE RARC


@dataclass
class ClaimPayment:
    patient_control: str  # CLP01: our claim id
    status: str  # CLP02: 1 primary, 2 secondary, 3 tertiary, 4 denied, 22 reversal ...
    charge: Decimal
    paid: Decimal
    patient_responsibility: Decimal
    filing_indicator: str
    payer_claim_number: str
    patient_name: str = ""
    member_id: str = ""
    adjustments: list[Adjustment] = field(default_factory=list)
    services: list[ServicePayment] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)
    segment: int = 0

    @property
    def is_reversal(self) -> bool:
        return self.status == "22"

    def all_adjustments(self) -> list[Adjustment]:
        return self.adjustments + [a for s in self.services for a in s.adjustments]


@dataclass
class ProviderAdjustment:
    reason: str
    reference: str
    amount: Decimal


@dataclass
class Remittance:
    payer_name: str
    payer_id: str
    payee_name: str
    payee_id: str
    payment: Decimal  # BPR02
    method: str  # BPR04: ACH, CHK, NON, FWT
    trace_number: str  # TRN02 (check or EFT number)
    payment_date: date | None
    claims: list[ClaimPayment] = field(default_factory=list)
    provider_adjustments: list[ProviderAdjustment] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    control_number: str = ""


@dataclass
class File835:
    interchange: x12.Interchange
    remittances: list[Remittance]

    @property
    def claims(self) -> list[ClaimPayment]:
        return [c for r in self.remittances for c in r.claims]

    @property
    def payer(self) -> str:
        names = list(dict.fromkeys(r.payer_name for r in self.remittances if r.payer_name))
        return "; ".join(names)

    @property
    def paid_total(self) -> Decimal:
        return sum((c.paid for c in self.claims), Decimal("0"))

    @property
    def adjustment_total(self) -> Decimal:
        return sum((a.amount for c in self.claims for a in c.all_adjustments()), Decimal("0"))

    def summary(self, file: str) -> dict:
        return {
            "file": file,
            "payer": self.payer,
            "claim_payments": len(self.claims),
            "paid_total": str(self.paid_total.quantize(CENT)),
            "adjustment_total": str(self.adjustment_total.quantize(CENT)),
        }


def _date(seg: Segment, index: int, *, required: bool = False) -> date | None:
    value = seg[index].strip()
    if not value:
        if required:
            raise X12Error(f"{seg.id}{index:02d} (a date) is missing in {seg.where()}.")
        return None
    try:
        if len(value) != 8 or not value.isdigit():
            raise ValueError
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        raise X12Error(
            f"{seg.id}{index:02d} {value!r} is not a date (CCYYMMDD) in {seg.where()}."
        ) from None


def _adjustments(seg: Segment) -> list[Adjustment]:
    group = seg[1].strip()
    if group not in ("CO", "PR", "OA", "PI", "CR"):
        raise X12Error(
            f"CAS01 {group!r} is not an adjustment group (CO, PR, OA, PI, CR) in {seg.where()}."
        )
    out = []
    for start in range(2, 20, 3):
        reason = seg[start].strip()
        if not reason:
            if seg[start + 1].strip():
                raise X12Error(f"An adjustment amount has no reason code in {seg.where()}.")
            continue
        out.append(Adjustment(group, reason, seg.amount(start + 1), seg[start + 2].strip()))
    if not out:
        raise X12Error(f"CAS has no adjustment reason and amount in {seg.where()}.")
    return out


def _procedure(seg: Segment, index: int) -> tuple[str, str, list[str]]:
    parts = seg.components(index)
    qualifier = parts[0].strip()
    code = parts[1].strip() if len(parts) > 1 else ""
    modifiers = [m.strip() for m in parts[2:6] if m.strip()]
    return qualifier, code, modifiers


def _remittance(trans: x12.Transaction) -> Remittance:
    segs = trans.segments
    if not segs or segs[0].id != "BPR":
        first = segs[0].where() if segs else "the empty transaction"
        raise X12Error(f"An 835 must start with BPR (financial information); found {first}.")
    bpr = segs[0]
    remit = Remittance(
        payer_name="",
        payer_id="",
        payee_name="",
        payee_id="",
        payment=bpr.amount(2),
        method=bpr[4].strip(),
        trace_number="",
        payment_date=None,
        control_number=trans.control_number,
    )
    try:
        remit.payment_date = _date(bpr, 16)
    except X12Error as exc:
        # Seen in real files; the production date (DTM*405) is used instead.
        remit.warnings.append(exc.message)
    claim: ClaimPayment | None = None
    service: ServicePayment | None = None
    entity = ""
    clp_segments: dict[int, Segment] = {}
    for seg in segs[1:]:
        sid = seg.id
        if sid == "DTM" and claim is None and seg[1].strip() == "405":
            production = _date(seg, 2)
            remit.payment_date = remit.payment_date or production
        elif sid == "TRN" and not remit.trace_number:
            remit.trace_number = seg[2].strip()
        elif sid == "N1":
            entity = seg[1].strip()
            if entity == "PR":
                remit.payer_name = seg[2].strip()
                remit.payer_id = remit.payer_id or seg[4].strip()
            elif entity == "PE":
                remit.payee_name, remit.payee_id = seg[2].strip(), seg[4].strip()
        elif sid == "REF" and claim is None and entity == "PR" and seg[1].strip() == "2U":
            remit.payer_id = seg[2].strip()
        elif sid == "CLP":
            claim = ClaimPayment(
                patient_control=seg[1].strip(),
                status=seg[2].strip(),
                charge=seg.amount(3),
                paid=seg.amount(4),
                patient_responsibility=seg.amount(5, required=False),
                filing_indicator=seg[6].strip(),
                payer_claim_number=seg[7].strip(),
                segment=seg.position,
            )
            if not claim.patient_control:
                raise X12Error(f"CLP01 (the claim's id) is missing in {seg.where()}.")
            clp_segments[len(remit.claims)] = seg
            remit.claims.append(claim)
            service = None
        elif sid == "CAS":
            if claim is None:
                raise X12Error(f"CAS before any CLP claim in {seg.where()}.")
            (service.adjustments if service else claim.adjustments).extend(_adjustments(seg))
        elif sid == "NM1" and claim is not None and seg[1].strip() == "QC":
            claim.patient_name = " ".join(p for p in (seg[4].strip(), seg[3].strip()) if p)
            claim.member_id = seg[9].strip()
        elif sid == "SVC":
            if claim is None:
                raise X12Error(f"SVC before any CLP claim in {seg.where()}.")
            qualifier, code, modifiers = _procedure(seg, 1)
            _, original, original_modifiers = _procedure(seg, 6) if seg[6].strip() else ("", "", [])
            service = ServicePayment(
                qualifier=qualifier,
                procedure=code,
                modifiers=modifiers,
                charge=seg.amount(2),
                paid=seg.amount(3),
                units=seg[5].strip() or "1",
                original_procedure=original,
                original_modifiers=original_modifiers,
                service_date=None,
                line_control="",
            )
            claim.services.append(service)
        elif sid == "DTM" and service is not None and seg[1].strip() in ("472", "150"):
            service.service_date = service.service_date or _date(seg, 2)
        elif sid == "REF" and service is not None and seg[1].strip() == "6R":
            service.line_control = seg[2].strip()
        elif sid == "LQ" and service is not None and seg[1].strip() == "HE":
            service.remarks.append(seg[2].strip())
        elif sid in ("MOA", "MIA") and claim is not None:
            start = 3 if sid == "MOA" else 5
            claim.remarks.extend(seg[i].strip() for i in range(start, start + 5) if seg[i].strip())
        elif sid == "PLB":
            for start in range(3, 15, 2):
                if not seg[start].strip():
                    continue
                remit.provider_adjustments.append(
                    ProviderAdjustment(
                        reason=seg.components(start)[0].strip(),
                        reference=(seg.components(start) + [""])[1].strip(),
                        amount=seg.amount(start + 1),
                    )
                )
    # Balancing
    for number, claim in enumerate(remit.claims):
        adjusted = sum((a.amount for a in claim.all_adjustments()), Decimal("0"))
        if claim.charge - adjusted != claim.paid:
            seg = clp_segments[number]
            raise X12Error(
                f"Claim {claim.patient_control} does not balance: charge {claim.charge} minus "
                f"adjustments {adjusted} is {claim.charge - adjusted}, but CLP04 says "
                f"{claim.paid} was paid, in {seg.where()}.",
                code=Code.X12_UNBALANCED,
            )
        for service in claim.services:
            service_adjusted = sum((a.amount for a in service.adjustments), Decimal("0"))
            if service.adjustments and service.charge - service_adjusted != service.paid:
                remit.warnings.append(
                    f"Service {service.procedure or '(no code)'} of claim "
                    f"{claim.patient_control} does not balance on its own (charge "
                    f"{service.charge} - adjustments {service_adjusted} != paid {service.paid})."
                )
    provider = sum((p.amount for p in remit.provider_adjustments), Decimal("0"))
    paid = sum((c.paid for c in remit.claims), Decimal("0"))
    if paid - provider != remit.payment:
        raise X12Error(
            f"The payment does not add up: BPR02 is {remit.payment} but the claims paid {paid}"
            + (f" less provider adjustments {provider}" if provider else "")
            + f" = {paid - provider}, in {bpr.where()}.",
            code=Code.X12_UNBALANCED,
        )
    if not remit.payer_name and not remit.payer_id:
        raise X12Error(
            f"The 835 names no payer (no N1*PR segment) in transaction {trans.control_number}."
        )
    return remit


def parse_835(data: bytes | str) -> File835:
    inter = x12.read(data)
    x12.expect(inter, set_id="835", version=VERSION)
    return File835(inter, [_remittance(t) for t in inter.transactions])


def parse_835_file(path: str | Path) -> File835:
    inter = x12.read_file(path)
    x12.expect(inter, set_id="835", version=VERSION)
    return File835(inter, [_remittance(t) for t in inter.transactions])


def summarize(path: str | Path, *, name: str | None = None) -> dict:
    """One line of `medassist billing-835 --json`: the totals, or the error in a sentence."""
    shown = name if name is not None else str(path)
    try:
        return parse_835_file(path).summary(shown)
    except X12Error as exc:
        return {"file": shown, "error": exc.message}
