"""270 out, 271 in, the file-drop clearinghouse, and the check-in fragment."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from medassist.billing import eligibility, services, x12
from medassist.billing.models import EligibilityCheck
from tests.billing.shared import shared

ANSWER = (
    "ISA*00*          *00*          *ZZ*CLEARHOUSE     *ZZ*MAPLE01        *261201*1200*^*00501*"
    "000000009*0*P*:~GS*HB*CLEARHOUSE*MAPLE01*20261201*1200*9*X*005010X279A1~"
    "ST*271*0001*005010X279A1~BHT*0022*11*T1*20261201*1200~HL*1**20*1~"
    "NM1*PR*2*ACME HEALTH*****PI*60054~HL*2*1*21*1~NM1*1P*2*MAPLE*****XX*1234567893~"
    "HL*3*2*22*0~NM1*IL*1*MORGAN*ALEX****MI*XJH123456789~EB*1**30**SILVER PLAN~"
    "EB*B**98***27*25.00~EB*C**30***29*350.00~SE*12*0001~GE*1*9~IEA*1*000000009~"
)


def test_270_envelope_reads_back():
    """pyx12 ships no 005010X279A1 map; our reader checks the envelope and counts."""
    text = eligibility.build_270(
        trace="E0010001",
        sender_id="MAPLE01",
        receiver_id="CLEARHOUSE",
        payer_name="Acme Health",
        payer_id="60054",
        provider_name="Maple Family Medicine",
        provider_npi="1234567893",
        member_id="XJH123456789",
        last_name="Morgan",
        first_name="Alex",
        date_of_birth=date(1980, 5, 17),
        service_date=date(2026, 12, 1),
        number=7,
    )
    inter = x12.read(text)
    [trans] = inter.transactions
    assert trans.set_id == "270" and trans.version == "005010X279A1"
    assert [s.id for s in trans.segments][-1] == "EQ"


def test_271_answer():
    answer = eligibility.parse_271(ANSWER)
    assert answer.active is True and answer.plan == "SILVER PLAN"
    assert answer.copay == Decimal("25.00") and answer.deductible_remaining == Decimal("350.00")


def test_shared_271s():
    folder = shared("x12", "linuxforhealth", "271_005010X279A1")
    ok = eligibility.parse_271((folder / "subscriber-health-benefit-check.271").read_bytes())
    assert ok.active is True and ok.copay == Decimal("10.00")
    # this example's SE02 does not match its ST02: refused in words, not guessed at
    with pytest.raises(x12.X12Error) as info:
        eligibility.parse_271((folder / "subscriber-health-benefit-check-error.271").read_bytes())
    assert "SE02" in info.value.message
    fixed = (
        (folder / "subscriber-health-benefit-check-error.271")
        .read_text()
        .replace("SE*8*4323", "SE*8*4321")
    )
    error = eligibility.parse_271(fixed)
    assert error.active is None and "not eligible" in error.message


def test_file_drop_round_trip(settings, tmp_path, biller, insured):
    settings.MEDASSIST_CLEARINGHOUSE_DIR = tmp_path
    _, coverage = insured
    check = services.eligibility_check(actor=biller, coverage=coverage)
    assert check.state == EligibilityCheck.State.PENDING
    assert (tmp_path / "outbox" / f"{check.trace}.270").exists()
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / f"{check.trace}.271").write_text(ANSWER)
    check = services.eligibility_refresh(actor=biller, check=check)
    assert check.state == EligibilityCheck.State.ACTIVE and check.copay == Decimal("25.00")


class Broken:
    def send(self, trace, text):
        raise OSError("clearinghouse unreachable")

    def receive(self, trace):
        raise OSError("clearinghouse unreachable")


def test_failed_check_is_recorded_not_raised(settings, biller, insured, client_for):
    settings.MEDASSIST_CLEARINGHOUSE = "tests.billing.test_eligibility.Broken"
    _, coverage = insured
    check = services.eligibility_check(actor=biller, coverage=coverage)
    assert check.state == EligibilityCheck.State.FAILED and "unreachable" in check.message
    page = client_for(biller).get(f"/billing/eligibility/{coverage.public_id}/")
    assert page.status_code == 200 and "check-in can go ahead" in page.content.decode()


@pytest.mark.parametrize("role", ["front_desk"])
def test_fragment_for_front_desk(role, request, settings, tmp_path, insured, client_for):
    settings.MEDASSIST_CLEARINGHOUSE_DIR = tmp_path
    _, coverage = insured
    desk = client_for(request.getfixturevalue(role))
    page = desk.post(f"/billing/eligibility/{coverage.public_id}/")
    assert page.status_code == 200 and "waiting" in page.content.decode()
