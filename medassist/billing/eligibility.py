"""Eligibility: X12 270 requests out, 271 responses in, behind a pluggable clearinghouse.

`build_270` writes a 005010X279A1 request for one subscriber (service type 30, health
benefit plan coverage). `parse_271` reads the answer: active or not (EB01 1-5 active, 6-8
inactive), the office-visit copay (EB01 B with an amount), the deductible left (EB01 C with
time period 29 "remaining"), or the payer's rejection (AAA) in words.

The adapter is chosen by the setting MEDASSIST_CLEARINGHOUSE (a dotted path; default the
file-drop adapter): `send(trace, text)` hands a 270 over, `receive(trace)` returns the 271
text when it has come back, or None. The file-drop adapter writes `<trace>.270` into
DATA_DIR/clearinghouse/outbox and reads `<trace>.271` from DATA_DIR/clearinghouse/inbox (the
folders a clearinghouse's SFTP client synchronises).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Protocol

from medassist.billing import x12, x837
from medassist.billing.x12 import X12Error

VERSION = "005010X279A1"
_AAA_WORDS = {
    "15": "the provider id is missing or invalid",
    "41": "authorization or access restrictions",
    "42": "the payer's system cannot answer now; try later",
    "43": "the provider is not on the payer's file",
    "50": "the provider is not eligible for inquiries",
    "51": "the provider is not on the payer's file",
    "52": "the service dates are not within the provider's plan enrolment",
    "56": "the date of service is inappropriate",
    "57": "the date of service is missing or invalid",
    "58": "the date of birth is missing or invalid",
    "62": "the date of service is in the future",
    "63": "the date of service is before the date of birth",
    "64": "the patient's id is invalid",
    "65": "the patient's name is invalid",
    "67": "the patient is not found",
    "68": "the patient's record is a duplicate",
    "71": "the patient's date of birth does not match the payer's",
    "72": "the member id is invalid or missing",
    "73": "the subscriber's name is invalid or missing",
    "75": "the subscriber is not found",
    "76": "the subscriber's record is a duplicate",
}


@dataclass(frozen=True)
class EligibilityAnswer:
    active: bool | None
    plan: str = ""
    copay: Decimal | None = None
    deductible_remaining: Decimal | None = None
    message: str = ""


def build_270(
    *,
    trace: str,
    sender_id: str,
    receiver_id: str,
    payer_name: str,
    payer_id: str,
    provider_name: str,
    provider_npi: str,
    member_id: str,
    last_name: str,
    first_name: str,
    date_of_birth: date,
    service_date: date,
    number: int,
    now: datetime | None = None,
) -> str:
    now = now or datetime.now()
    control = f"{number:09d}"
    seg = x837._seg
    clean = x837.clean
    body = [
        seg("ST", "270", "0001", VERSION),
        seg("BHT", "0022", "13", clean(trace, 30), now.strftime("%Y%m%d"), now.strftime("%H%M")),
        seg("HL", "1", "", "20", "1"),
        seg("NM1", "PR", "2", clean(payer_name), "", "", "", "", "PI", clean(payer_id, 80)),
        seg("HL", "2", "1", "21", "1"),
        seg("NM1", "1P", "2", clean(provider_name), "", "", "", "", "XX", provider_npi),
        seg("HL", "3", "2", "22", "0"),
        seg("TRN", "1", clean(trace, 50), "9" + provider_npi[:9]),
        seg(
            "NM1",
            "IL",
            "1",
            clean(last_name),
            clean(first_name, 35),
            "",
            "",
            "",
            "MI",
            clean(member_id, 80),
        ),
        seg("DMG", "D8", date_of_birth.strftime("%Y%m%d")),
        seg("DTP", "291", "D8", service_date.strftime("%Y%m%d")),
        seg("EQ", "30"),
    ]
    body.append(seg("SE", str(len(body) + 1), "0001"))
    isa = (
        x837.ELEMENT.join(
            [
                "ISA",
                "00",
                " " * 10,
                "00",
                " " * 10,
                "ZZ",
                x837._fixed(sender_id, 15),
                "ZZ",
                x837._fixed(receiver_id, 15),
                now.strftime("%y%m%d"),
                now.strftime("%H%M"),
                "^",
                "00501",
                control,
                "0",
                "P",
                ":",
            ]
        )
        + "~"
    )
    gs = seg(
        "GS",
        "HS",
        clean(sender_id, 15),
        clean(receiver_id, 15),
        now.strftime("%Y%m%d"),
        now.strftime("%H%M"),
        str(number),
        "X",
        VERSION,
    )
    return "\n".join([isa, gs, *body, seg("GE", "1", str(number)), seg("IEA", "1", control)])


def parse_271(data: bytes | str) -> EligibilityAnswer:
    """The first subscriber's (or dependant's) answer of a 271; X12Error if unreadable."""
    inter = x12.read(data)
    x12.expect(inter, set_id="271", version=VERSION)
    active: bool | None = None
    plan = ""
    copay: Decimal | None = None
    remaining: Decimal | None = None
    problems: list[str] = []
    for seg in inter.transactions[0].segments:
        if seg.id == "AAA":  # a rejection, whether the request was valid (Y) or not (N)
            reason = seg[3].strip()
            problems.append(_AAA_WORDS.get(reason, f"reject reason {reason}"))
        elif seg.id == "EB":
            code = seg[1].strip()
            if code in ("1", "2", "3", "4", "5") and active is None:
                active = True
                plan = plan or seg[5].strip()
            elif code in ("6", "7", "8") and active is None:
                active = False
            elif code == "B" and seg[7].strip() and copay is None:
                copay = seg.amount(7)
            elif code == "C" and seg[6].strip() == "29" and seg[7].strip() and remaining is None:
                remaining = seg.amount(7)
    message = ""
    if problems:
        message = "The payer could not answer: " + "; ".join(problems) + "."
    elif active is None:
        message = "The payer's answer says nothing about coverage."
    return EligibilityAnswer(active, plan, copay, remaining, message)


class Clearinghouse(Protocol):
    def send(self, trace: str, text: str) -> None: ...

    def receive(self, trace: str) -> str | None: ...


class FileDropClearinghouse:
    """Writes requests to outbox/, reads responses from inbox/ under one folder."""

    def __init__(self, root: Path | None = None) -> None:
        if root is None:
            from django.conf import settings

            root = Path(
                getattr(settings, "MEDASSIST_CLEARINGHOUSE_DIR", "")
                or Path(settings.DATA_DIR) / "clearinghouse"
            )
        self.outbox = root / "outbox"
        self.inbox = root / "inbox"

    def send(self, trace: str, text: str) -> None:
        self.outbox.mkdir(parents=True, exist_ok=True)
        (self.outbox / f"{trace}.270").write_text(text, encoding="ascii")

    def receive(self, trace: str) -> str | None:
        path = self.inbox / f"{trace}.271"
        return path.read_text(encoding="latin-1") if path.exists() else None


def clearinghouse() -> Clearinghouse:
    from django.conf import settings
    from django.utils.module_loading import import_string

    dotted = getattr(settings, "MEDASSIST_CLEARINGHOUSE", "")
    if not dotted:
        return FileDropClearinghouse()
    return import_string(dotted)()


__all__ = ["EligibilityAnswer", "X12Error", "build_270", "clearinghouse", "parse_271"]
