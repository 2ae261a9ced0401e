"""835 posting, paper remittances, the work queue, and the 835s of the shared data."""

from __future__ import annotations

from decimal import Decimal

import pytest

from medassist.billing import selectors, services, x835
from medassist.billing.models import (
    Bucket,
    Claim,
    ClaimStatus,
    LedgerEntry,
    Remittance,
    RemittanceLine,
)
from medassist.billing.services import LineInput, PaperLine
from medassist.core.errors import Conflict, ValidationFailed
from medassist.practice.models import Payer
from tests.billing.shared import shared


def era(
    claim_number: str,
    *,
    svc_mods: str = ":25",
    payer="ACME HEALTH",
    payer_id="60054",
    paid="80.00",
    status="1",
) -> str:
    """An 835 paying one claim of two lines: 99213 (110.00) and 36415 (12.00)."""
    total = f"{Decimal(paid) + Decimal('10.00'):.2f}"
    body = [
        f"BPR*I*{total}*C*ACH*CCP*01*999999999*DA*123456*1512345678"
        "**01*999988880*DA*98765*20261201",
        "TRN*1*EFT12345*1512345678",
        f"N1*PR*{payer}*XV*{payer_id}",
        "N1*PE*MAPLE FAMILY MEDICINE*XX*1234567893",
        "LX*1",
        f"CLP*{claim_number}*{status}*122.00*{total}*20.00*12*PAYERCLAIM1",
        f"SVC*HC:99213{svc_mods}*110.00*{paid}**1",
        "CAS*CO*45*10.00",
        "CAS*PR*2*20.00",
        "REF*6R*1",
        "SVC*HC:36415*12.00*10.00**1",
        "CAS*CO*45*2.00",
    ]
    segments = ["ST*835*0001", *body]
    segments.append(f"SE*{len(segments) + 1}*0001")
    return (
        "ISA*00*          *00*          *ZZ*60054          *ZZ*MAPLE01        *261201*1200*^*"
        "00501*000000321*0*P*:~GS*HP*60054*MAPLE01*20261201*1200*321*X*005010X221A1~"
        + "~".join(segments)
        + "~GE*1*321~IEA*1*000000321~"
    )


@pytest.fixture
def sent_claim(biller, insured, visit_day):
    patient, coverage = insured
    claim = services.claim_create(
        actor=biller,
        patient=patient,
        coverage=coverage,
        service_date=visit_day,
        diagnoses=["E11.9"],
        lines=[LineInput("99213", modifiers=["25"]), LineInput("36415")],
    )
    services.claim_scrub(actor=biller, claim=claim)
    services.batch_create(actor=biller, claims=[claim], idempotency_key=f"k-{claim.number}")
    claim.refresh_from_db()
    return claim


def test_835_posts_payments_adjustments_and_patient_share(biller, sent_claim):
    data = era(sent_claim.number)
    [report] = services.remittance_import_835(actor=biller, data=data)
    assert report.created and report.posted == 2 and report.unmatched == 0
    patient = sent_claim.patient
    assert selectors.patient_balance(patient=patient) == Decimal("20.00")
    assert selectors.insurance_balance(patient=patient) == Decimal("0.00")
    line = sent_claim.lines.get(number=1)
    assert (line.paid, line.adjusted, line.patient_responsibility) == (
        Decimal("80.00"),
        Decimal("10.00"),
        Decimal("20.00"),
    )
    sent_claim.refresh_from_db()
    assert sent_claim.status == ClaimStatus.PAID
    posted = RemittanceLine.objects.filter(state="posted").first()
    assert any("Coinsurance" in a["words"] for a in posted.adjustments)


def test_same_835_twice_posts_once(biller, sent_claim):
    data = era(sent_claim.number)
    services.remittance_import_835(actor=biller, data=data)
    entries = LedgerEntry.objects.count()
    [again] = services.remittance_import_835(actor=biller, data=data)
    assert not again.created
    assert LedgerEntry.objects.count() == entries
    assert Remittance.objects.count() == 1


def test_dropped_modifier_goes_to_the_work_queue(biller, sent_claim):
    [report] = services.remittance_import_835(
        actor=biller, data=era(sent_claim.number, svc_mods="")
    )
    assert report.unmatched == 1 and report.posted == 1
    line = RemittanceLine.objects.get(state="unmatched")
    assert "dropped modifier 25" in line.problem
    work = selectors.biller_worklist(user=biller)
    assert [u.pk for u in work.unmatched] == [line.pk]


def test_unknown_claim_and_reversal_go_to_the_work_queue(biller, sent_claim):
    [report] = services.remittance_import_835(actor=biller, data=era("NOPE123"))
    assert report.unmatched == 1
    data = era(sent_claim.number, status="22").replace("*22*122.00*90.00", "*22*-122.00*-90.00")
    data = data.replace("SVC*HC:99213:25*110.00*80.00", "SVC*HC:99213:25*-110.00*-80.00")
    data = data.replace("CAS*CO*45*10.00", "CAS*CO*45*-10.00").replace(
        "CAS*PR*2*20.00", "CAS*PR*2*-20.00"
    )
    data = data.replace("SVC*HC:36415*12.00*10.00", "SVC*HC:36415*-12.00*-10.00")
    data = data.replace("CAS*CO*45*2.00", "CAS*CO*45*-2.00").replace("BPR*I*90.00", "BPR*I*-90.00")
    [report] = services.remittance_import_835(actor=biller, data=data)
    assert report.unmatched == 1
    assert (
        "reversed" in RemittanceLine.objects.filter(state="unmatched").order_by("id").last().problem
    )


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d.replace("005010X221A1", "004010X091A1"), "4010"),
        (lambda d: d.replace("CAS*CO*45*2.00", "CAS*CO*45*3.00"), "does not balance"),
        (lambda d: d[:300], "truncated"),
        (lambda d: d.replace("ACME HEALTH*XV*60054", "OTHER PLAN*XV*99999"), "Unknown payer"),
    ],
)
def test_bad_835_posts_nothing(biller, sent_claim, change, words):
    with pytest.raises(ValidationFailed) as info:
        services.remittance_import_835(actor=biller, data=change(era(sent_claim.number)))
    assert words in info.value.message
    assert not Remittance.objects.exists()
    assert not LedgerEntry.objects.exclude(kind="charge").exists()


def test_paper_remittance(biller, sent_claim):
    line1, line2 = sent_claim.lines.all()
    payer = sent_claim.payer
    services.remittance_enter_paper(
        actor=biller,
        payer=payer,
        claim=sent_claim,
        trace_number="CHK 1001",
        payment_date=sent_claim.service_date,
        lines=[
            PaperLine(line1, "70.00", (("CO", "45", "30.00"), ("PR", "3", "10.00"))),
            PaperLine(line2, "12.00"),
        ],
    )
    assert selectors.patient_balance(patient=sent_claim.patient) == Decimal("10.00")
    with pytest.raises(Conflict):
        services.remittance_enter_paper(
            actor=biller,
            payer=payer,
            claim=sent_claim,
            trace_number="CHK 1001",
            payment_date=sent_claim.service_date,
            lines=[PaperLine(line2, "12.00")],
        )
    with pytest.raises(ValidationFailed):
        services.remittance_enter_paper(
            actor=biller,
            payer=payer,
            claim=sent_claim,
            trace_number="CHK 1002",
            payment_date=sent_claim.service_date,
            lines=[PaperLine(line2, "11.00")],
        )


def _claims_for(biller, front_desk, clinic, parsed: x835.File835) -> None:
    """Claims made to match an 835 (as the clinic would have sent them)."""
    from tests import factories

    for remit in parsed.remittances:
        payer = Payer.objects.filter(clinic=clinic, name=remit.payer_name).first()
        if payer is None:
            payer = Payer.objects.create(
                clinic=clinic, name=remit.payer_name, payer_id=remit.payer_id[:20]
            )
        for payment in remit.claims:
            if Claim.objects.filter(clinic=clinic, number=payment.patient_control).exists():
                continue
            patient = factories.make_patient(front_desk)
            lines = [
                LineInput(
                    s.procedure if len(s.procedure) == 5 else "99213",
                    modifiers=s.modifiers,
                    charge=s.charge if s.charge > 0 else "1.00",
                )
                for s in payment.services
            ] or [LineInput("99213", charge=payment.charge if payment.charge > 0 else "1.00")]
            claim = services.claim_create(
                actor=biller,
                patient=patient,
                coverage=None,
                service_date=patient.created_at.date(),
                diagnoses=["Z00.00"],
                lines=lines,
            )
            Claim.objects.filter(pk=claim.pk).update(number=payment.patient_control, payer=payer)


def test_every_5010_835_in_the_shared_data_posts(biller, front_desk, clinic):
    folder = shared("x12")
    files = sorted((folder / "linuxforhealth" / "835_005010X221A1").glob("*.835"))
    files += sorted((folder / "pyx12").glob("835*.txt"))
    assert files
    for path in files:
        data = path.read_bytes()
        parsed = x835.parse_835(data)
        _claims_for(biller, front_desk, clinic, parsed)
        reports = services.remittance_import_835(actor=biller, data=data)
        assert all(r.created for r in reports), path
        for report, remit in zip(reports, parsed.remittances, strict=True):
            assert report.posted + report.unmatched >= len(remit.claims), path
            posted_paid = sum(
                (
                    -e.amount
                    for e in LedgerEntry.objects.filter(
                        remittance=report.remittance, kind="insurance_payment"
                    )
                ),
                Decimal("0"),
            )
            matched_paid = sum(
                (line.paid for line in report.remittance.lines.filter(state="posted")),
                Decimal("0"),
            )
            assert posted_paid == matched_paid, path
        again = services.remittance_import_835(actor=biller, data=data)
        assert not any(r.created for r in again)
    assert LedgerEntry.objects.filter(bucket=Bucket.INSURANCE).exists()
