"""The X12 tokenizer, the 835 reader and `medassist billing-835 / billing-837`."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from medassist.billing import validate, x12, x835
from medassist.billing.errors import Code

ERA = (
    "ISA*00*          *00*          *ZZ*PAYERID        *ZZ*CLINIC         *260301*1200*^*00501*"
    "000000123*0*P*:~\n"
    "GS*HP*PAYERID*CLINIC*20260301*1200*7*X*005010X221A1~\n"
    "ST*835*0001~\n"
    "BPR*I*150.00*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*999988880*DA*98765*20260301~\n"
    "TRN*1*EFT0001*1512345678~\n"
    "N1*PR*ACME HEALTH PLAN~\n"
    "N1*PE*OAK CLINIC*XX*1234567893~\n"
    "LX*1~\n"
    "CLP*C1*1*200.00*150.00*30.00*12*PCN1~\n"
    "SVC*HC:99213:25*200.00*150.00**1~\n"
    "DTM*472*20260215~\n"
    "CAS*CO*45*20.00~\n"
    "CAS*PR*2*30.00~\n"
    "REF*6R*L1~\n"
    "SE*13*0001~\n"
    "GE*1*7~\n"
    "IEA*1*000000123~\n"
)


def test_separators_come_from_isa():
    text = ERA.replace("*", "|").replace(":", "^").replace("^00501", "!00501")
    text = text.replace("~\n", "\r\n")
    text = text.replace("|!|", "|!|")
    seps = x12.separators(text)
    assert (seps.element, seps.component, seps.segment) == ("|", "^", "\n")
    segs = x12.segments(text)
    svc = next(s for s in segs if s.id == "SVC")
    assert svc.components(1) == ["HC", "99213", "25"]


def test_835_totals_and_structure():
    era = x835.parse_835(ERA)
    assert era.payer == "ACME HEALTH PLAN"
    [claim] = era.claims
    assert claim.patient_control == "C1"
    assert claim.paid == Decimal("150.00")
    assert claim.services[0].modifiers == ["25"]
    assert claim.services[0].line_control == "L1"
    assert era.summary("x")["adjustment_total"] == "50.00"
    assert era.summary("x")["paid_total"] == "150.00"


@pytest.mark.parametrize(
    ("text", "code", "words"),
    [
        ("hello world", Code.X12_NOT_X12, "No ISA"),
        (ERA[:400], Code.X12_TRUNCATED, "truncated"),
        (ERA.replace("ST*835", "ST*837"), Code.X12_WRONG_TRANSACTION, "not an 835"),
        (ERA.replace("005010X221A1", "004010X091A1"), Code.X12_WRONG_VERSION, "4010"),
        (ERA.replace("BPR*I*150.00", "BPR*I*151.00"), Code.X12_UNBALANCED, "BPR02"),
        (ERA.replace("CAS*CO*45*20.00", "CAS*CO*45*21.00"), Code.X12_UNBALANCED, "CLP"),
        (ERA.replace("SE*13", "SE*12"), Code.X12_MALFORMED, "SE01"),
        (ERA.replace("200.00*150.00*30", "2OO.00*150.00*30"), Code.X12_MALFORMED, "CLP03"),
        (
            ERA.replace("N1*PR*ACME HEALTH PLAN~\n", "").replace("SE*13", "SE*12"),
            Code.X12_MALFORMED,
            "payer",
        ),
    ],
)
def test_835_refusals_name_the_fault(text, code, words):
    with pytest.raises(x12.X12Error) as info:
        x835.parse_835(text)
    assert info.value.code == code
    assert words in info.value.message


def test_binary_junk_is_refused():
    with pytest.raises(x12.X12Error) as info:
        x835.parse_835(b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR")
    assert "binary" in info.value.message


def test_command_prints_one_json_line_per_file(tmp_path, capsys):
    good = tmp_path / "good.835"
    good.write_text(ERA)
    bad = tmp_path / "bad.835"
    bad.write_bytes(b"\x00\x01junk")
    with pytest.raises(CommandError):
        call_command("billing_835", str(good), str(bad), "--json")
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines[0] == {
        "file": str(good),
        "payer": "ACME HEALTH PLAN",
        "claim_payments": 1,
        "paid_total": "150.00",
        "adjustment_total": "50.00",
    }
    assert lines[1]["file"] == str(bad) and "binary" in lines[1]["error"]


def test_837_check_reports_errors_with_segment(tmp_path, capsys):
    bad = tmp_path / "bad.837"
    bad.write_text("not x12 at all")
    with pytest.raises(CommandError):
        call_command("billing_837", "--check", str(bad))
    out = capsys.readouterr().out
    assert "No ISA" in out


def test_pyx12_names_the_segment():
    text = ERA.replace("CLP*C1*1*", "CLP*C1*99*")
    problems, _ = validate.pyx12_errors(text)
    assert problems
    assert any("CLP" in p.segment for p in problems)
