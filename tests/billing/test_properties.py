"""Property tests: every 837P we can write validates with pyx12; every account balances."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medassist.billing import reference, selectors, services, validate, x837
from medassist.billing.models import EntryKind, LedgerEntry
from medassist.core.errors import ValidationFailed
from tests import factories

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

_CODES = sorted(reference.billable_icd10cm())
letters = st.text(
    alphabet=st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz '-*~:^"),
    min_size=1,
    max_size=40,
).filter(lambda s: any(c.isalpha() for c in s))
money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 12, 31))


@st.composite
def persons(draw, member=True):
    return x837.Person(
        last_name=draw(letters),
        first_name=draw(letters),
        date_of_birth=draw(st.dates(min_value=date(1920, 1, 1), max_value=date(2019, 12, 31))),
        sex=draw(st.sampled_from("FMU")),
        address_line1=draw(
            st.text(alphabet="ABC 123*~:", min_size=1, max_size=50).filter(
                lambda s: any(c.isalnum() for c in s)
            )
        ),
        city=draw(letters.filter(lambda s: len(x837.clean(s, 30)) >= 2)),
        state=draw(st.sampled_from(["NY", "CA", "TX", "IL"])),
        postal_code=draw(st.from_regex(r"[0-9]{5}([0-9]{4})?", fullmatch=True)),
        member_id=draw(st.from_regex(r"[A-Z0-9]{2,20}", fullmatch=True)) if member else "",
    )


@st.composite
def claims(draw, number):
    diagnoses = tuple(draw(st.lists(st.sampled_from(_CODES), min_size=1, max_size=12, unique=True)))
    lines = tuple(
        x837.Line(
            procedure=draw(st.from_regex(r"([0-9]{5}|[A-V][0-9]{4})", fullmatch=True)),
            charge=draw(money),
            units=draw(st.decimals(min_value=Decimal("1"), max_value=Decimal("999"), places=0)),
            pointers=tuple(
                draw(
                    st.lists(
                        st.integers(1, len(diagnoses)),
                        min_size=1,
                        max_size=min(4, len(diagnoses)),
                        unique=True,
                    )
                )
            ),
            modifiers=tuple(
                draw(st.lists(st.from_regex(r"[0-9A-Z]{2}", fullmatch=True), max_size=4))
            ),
            service_date=draw(st.one_of(st.none(), days)),
        )
        for _ in range(draw(st.integers(1, 6)))
    )
    dependent = draw(st.booleans())
    return x837.ClaimData(
        number=f"C{number:06d}{draw(st.from_regex(r'[A-Z0-9]{0,10}', fullmatch=True))}",
        payer_name=draw(letters),
        payer_id=draw(st.from_regex(r"[A-Z0-9]{2,10}", fullmatch=True)),
        filing_indicator=draw(st.sampled_from(["CI", "BL", "MB", "MC", "HM", "12", "ZZ"])),
        subscriber=draw(persons()),
        patient=draw(persons(member=False)) if dependent else None,
        relationship=draw(st.sampled_from(["01", "19", "G8"])) if dependent else "",
        group_number=draw(st.from_regex(r"[A-Z0-9-]{0,12}", fullmatch=True)),
        service_date=draw(days),
        place_of_service=draw(st.sampled_from(sorted(reference.places_of_service()))),
        diagnoses=diagnoses,
        lines=lines,
        rendering=(
            x837.Party("R", npi=factories.generated_npi(number)) if draw(st.booleans()) else None
        ),
        rendering_last=draw(letters),
        rendering_first=draw(letters),
    )


@st.composite
def batches(draw):
    count = draw(st.integers(1, 4))
    return [draw(claims(n)) for n in range(1, count + 1)]


PROVIDER = x837.Party(
    "MAPLE FAMILY MEDICINE",
    npi="1234567893",
    tin="123456789",
    taxonomy="207Q00000X",
    address_line1="1 MAIN ST",
    city="ALBANY",
    state="NY",
    postal_code="122071234",
)


@settings(max_examples=40, deadline=None)
@given(batch=batches(), number=st.integers(1, 999999999))
def test_every_generated_837p_validates_with_pyx12(batch, number):
    text = x837.build_837p(
        envelope=x837.Envelope(
            "MAPLE01", "CLEARHOUSE", "DEMO CLEARING", "MAPLE", "RITA", "5185550100", number
        ),
        provider=PROVIDER,
        claims=batch,
    )
    problems, _ = validate.pyx12_errors(text)
    assert problems == [], (problems, text)


PATIENT_OPS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                EntryKind.CHARGE,
                EntryKind.COPAY,
                EntryKind.PATIENT_PAYMENT,
                EntryKind.ADJUSTMENT,
                EntryKind.REFUND,
            ]
        ),
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal("500"), places=2),
        st.integers(0, 3),  # days back
    ),
    min_size=1,
    max_size=12,
)


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=PATIENT_OPS)
def test_every_account_balances_and_the_daily_close_ties_out(ops, clinic, front_desk):
    biller = factories.make_user(clinic, "biller")
    doctor = factories.make_user(clinic, "physician")
    patient = factories.make_patient(front_desk)
    expected = Decimal("0.00")
    from django.utils import timezone

    for kind, amount, back in ops:
        at = timezone.now() - timedelta(days=back)
        actor = doctor if kind == EntryKind.CHARGE else biller
        sign = {EntryKind.CHARGE: 1, EntryKind.REFUND: 1}.get(kind, -1)
        before = LedgerEntry.objects.count()
        try:
            services.ledger_post(actor=actor, patient=patient, kind=kind, amount=amount, at=at)
        except ValidationFailed:
            assert kind == EntryKind.REFUND and amount > -expected  # more than the credit
            assert LedgerEntry.objects.count() == before
            continue
        expected += sign * amount
    assert selectors.patient_balance(patient=patient) == expected
    entries = LedgerEntry.objects.filter(clinic=clinic)
    closes = {e.posted_on for e in entries}
    total = sum(
        (selectors.daily_close(clinic=clinic, day=d).total for d in closes), Decimal("0.00")
    )
    ledger_total = sum((e.amount for e in entries), Decimal("0.00"))
    assert total == ledger_total
    for day in closes:
        close = selectors.daily_close(clinic=clinic, day=day)
        assert close.total == sum(
            (e.amount for e in entries if e.posted_on == day), Decimal("0.00")
        )
        assert close.entries == sum(1 for e in entries if e.posted_on == day)
