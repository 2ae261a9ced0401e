"""Set-up, superbill, scrubber, 837P batches, acknowledgements."""

from __future__ import annotations

from decimal import Decimal

import pytest

from medassist.billing import selectors, services, validate, x12
from medassist.billing.models import Claim, ClaimStatus, LedgerEntry
from medassist.billing.services import LineInput
from medassist.core.errors import Conflict, PermissionDenied, ValidationFailed
from tests.billing.conftest import PROVIDER


def make_claim(biller, insured, day, **extra):
    patient, coverage = insured
    return services.claim_create(
        actor=biller,
        patient=patient,
        coverage=coverage,
        service_date=day,
        diagnoses=extra.pop("diagnoses", ["E11.9", "I10"]),
        lines=extra.pop(
            "lines",
            [LineInput("99213", pointers=[1, 2], modifiers=["25"]), LineInput("36415")],
        ),
        **extra,
    )


def test_billing_provider_npi_check_digit(biller, clinic):
    with pytest.raises(ValidationFailed) as info:
        services.billing_provider_save(actor=biller, npi="1234567890", **PROVIDER)
    assert "check digit" in info.value.message
    with pytest.raises(ValidationFailed):
        services.billing_provider_save(
            actor=biller, npi="1234567893", **{**PROVIDER, "tin": "12-3"}
        )


def test_front_desk_cannot_set_up_billing(front_desk):
    with pytest.raises(PermissionDenied):
        services.billing_provider_save(actor=front_desk, npi="1234567893", **PROVIDER)


def test_superbill_charges_from_fee_schedule(biller, insured, visit_day):
    claim = make_claim(biller, insured, visit_day)
    lines = list(claim.lines.all())
    assert [line.charge for line in lines] == [Decimal("110.00"), Decimal("12.00")]
    assert lines[0].modifiers == ["25"] and lines[0].pointers == [1, 2]
    assert selectors.insurance_balance(patient=insured[0]) == Decimal("122.00")
    assert selectors.patient_balance(patient=insured[0]) == Decimal("0.00")


@pytest.mark.parametrize(
    ("diagnoses", "words"),
    [
        (["E11"], "category"),
        (["XYZ.9"], "not in the current"),
        (["E11.9"] * 2, "twice"),
        ([f"E11.{n}" for n in range(13)], "12"),
    ],
)
def test_superbill_refuses_bad_diagnoses(biller, insured, visit_day, diagnoses, words):
    with pytest.raises(ValidationFailed) as info:
        make_claim(biller, insured, visit_day, diagnoses=diagnoses, lines=[LineInput("99213")])
    assert words in info.value.message
    assert not Claim.objects.exists() and not LedgerEntry.objects.exists()


def test_superbill_refuses_bad_pointer(biller, insured, visit_day):
    with pytest.raises(ValidationFailed):
        make_claim(biller, insured, visit_day, lines=[LineInput("99213", pointers=[3])])


def test_scrub_clean_claim_is_ready(biller, insured, visit_day):
    claim = make_claim(biller, insured, visit_day)
    assert services.claim_scrub(actor=biller, claim=claim) == []
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.READY


def test_scrub_explains_problems(biller, insured, visit_day, clinic, front_desk):
    patient, coverage = insured
    patient.sex = "M"
    patient.postal_code = ""
    patient.save()
    coverage.member_id = ""
    coverage.save()
    claim = make_claim(
        biller,
        insured,
        visit_day,
        diagnoses=["N80.9", "O80"],
        lines=[LineInput("99213", pointers=[1, 2])],
    )
    details = claim.payer.billing
    details.filing_indicator = ""
    details.save()
    messages = " | ".join(p.message for p in services.claim_scrub(actor=biller, claim=claim))
    assert "member id" in messages
    assert "address" in messages
    assert "female patients only" in messages
    assert "SBR09" in messages
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DRAFT


def test_scrub_finds_duplicate_claim(biller, insured, visit_day):
    first = make_claim(biller, insured, visit_day)
    services.claim_scrub(actor=biller, claim=first)
    second = make_claim(biller, insured, visit_day)
    problems = services.claim_scrub(actor=biller, claim=second)
    assert any(first.number in p.message for p in problems)


def test_batch_is_made_once_and_validates(biller, insured, visit_day):
    claim = make_claim(biller, insured, visit_day)
    services.claim_scrub(actor=biller, claim=claim)
    batch = services.batch_create(actor=biller, claims=[claim], idempotency_key="batch-key-0001")
    again = services.batch_create(actor=biller, claims=[claim], idempotency_key="batch-key-0001")
    assert again.pk == batch.pk
    problems, _ = validate.pyx12_errors(batch.content)
    assert problems == []
    inter = x12.read(batch.content)
    assert inter.control_number == f"{batch.interchange_number:09d}"
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    with pytest.raises(Conflict):
        services.batch_create(actor=biller, claims=[claim], idempotency_key="batch-key-0002")


def test_control_numbers_increase(biller, insured, visit_day):
    numbers = []
    for n in range(2):
        claim = make_claim(biller, insured, visit_day, lines=[LineInput("9921" + str(2 + n))])
        services.claim_scrub(actor=biller, claim=claim)
        numbers.append(
            services.batch_create(
                actor=biller, claims=[claim], idempotency_key=f"key-number-{n}"
            ).interchange_number
        )
    assert numbers[1] == numbers[0] + 1


def _ack_277(claim_number: str, category: str) -> str:
    return (
        "ISA*00*          *00*          *ZZ*CLEARHOUSE     *ZZ*MAPLE01        *260301*1200*^*"
        "00501*000000077*0*T*:~GS*HN*CLEARHOUSE*MAPLE01*20260301*1200*77*X*005010X214~"
        "ST*277*0001*005010X214~BHT*0085*08*1*20260301*1200*TH~"
        f"TRN*2*{claim_number}~STC*{category}:21*20260301*WQ*122~REF*1K*PAYER123~"
        "SE*6*0001~GE*1*77~IEA*1*000000077~"
    )


def test_277ca_rejection_reads_back(biller, insured, visit_day):
    claim = make_claim(biller, insured, visit_day)
    services.claim_scrub(actor=biller, claim=claim)
    services.batch_create(actor=biller, claims=[claim], idempotency_key="batch-key-277")
    [changed] = services.acknowledgement_apply(actor=biller, data=_ack_277(claim.number, "A7"))
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REJECTED and "rejected" in claim.ack_message
    assert any(
        i.kind == "claim_rejected" for i in selectors.inbox_items(clinic=claim.clinic, user=biller)
    )


def test_999_acceptance_reads_back(biller, insured, visit_day):
    claim = make_claim(biller, insured, visit_day)
    services.claim_scrub(actor=biller, claim=claim)
    batch = services.batch_create(actor=biller, claims=[claim], idempotency_key="batch-key-999")
    ack = (
        "ISA*00*          *00*          *ZZ*CLEARHOUSE     *ZZ*MAPLE01        *260301*1200*^*"
        "00501*000000078*0*T*:~GS*FA*CLEARHOUSE*MAPLE01*20260301*1200*78*X*005010X231A1~"
        f"ST*999*0001*005010X231A1~AK1*HC*{batch.interchange_number}*005010X222A1~"
        "AK2*837*0001*005010X222A1~IK5*A~AK9*A*1*1*1~SE*6*0001~GE*1*78~IEA*1*000000078~"
    )
    services.acknowledgement_apply(actor=biller, data=ack)
    claim.refresh_from_db()
    assert claim.ack_status == "999 A"
