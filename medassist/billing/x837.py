"""Writing X12 837P (005010X222A1) professional claims from plain data.

`build_837p` takes the billing provider, the submitter/receiver and a list of claims and
returns one interchange (ISA/GS/ST ... SE/GE/IEA) with one transaction holding every claim,
one billing-provider HL and a subscriber HL (and a patient HL when the patient is not the
subscriber) per claim. The caller (services.batch_create) has already scrubbed the claims;
this module only writes and escapes: element text is upper-cased and cleared of separator
characters, amounts are written without trailing zeros the guide does not want.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

VERSION = "005010X222A1"
ELEMENT, COMPONENT, SEGMENT, REPETITION = "*", ":", "~", "^"
_UNSAFE = re.compile(r"[*:~^\r\n]+")


@dataclass(frozen=True)
class Party:
    name: str
    npi: str = ""
    tin: str = ""
    taxonomy: str = ""
    address_line1: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""


@dataclass(frozen=True)
class Person:
    last_name: str
    first_name: str
    date_of_birth: date
    sex: str  # F, M, U
    address_line1: str
    city: str
    state: str
    postal_code: str
    member_id: str = ""


@dataclass(frozen=True)
class Line:
    procedure: str
    charge: Decimal
    units: Decimal
    pointers: tuple[int, ...]
    modifiers: tuple[str, ...] = ()
    service_date: date | None = None


@dataclass(frozen=True)
class ClaimData:
    number: str  # patient control number
    payer_name: str
    payer_id: str
    filing_indicator: str
    subscriber: Person
    patient: Person | None  # None when the patient is the subscriber
    relationship: str  # PAT01 when patient is set: 01 spouse, 19 child, G8 other
    group_number: str
    service_date: date
    place_of_service: str
    diagnoses: tuple[str, ...]
    lines: tuple[Line, ...]
    rendering: Party | None = None  # NM1*82 when not the billing provider
    rendering_last: str = ""
    rendering_first: str = ""

    @property
    def total(self) -> Decimal:
        return sum((line.charge for line in self.lines), Decimal("0"))


@dataclass(frozen=True)
class Envelope:
    sender_id: str  # ISA06 / GS02 / submitter id
    receiver_id: str
    receiver_name: str
    submitter_name: str
    contact_name: str
    contact_phone: str
    interchange_number: int
    usage: str = "T"
    created: datetime = field(default_factory=datetime.now)


def clean(value: str, limit: int = 60) -> str:
    """Element text: upper case ASCII (accents dropped: José -> JOSE), no separator
    characters, no doubled spaces, trimmed."""
    ascii_text = unicodedata.normalize("NFKD", str(value or "")).encode("ascii", "ignore").decode()
    text = _UNSAFE.sub(" ", ascii_text).upper()
    text = re.sub(r"\s+", " ", text).strip()
    return text[:limit].strip()


def amount(value: Decimal) -> str:
    """12.50 -> '12.5', 100.00 -> '100' (X12 decimal: no needless trailing zeros)."""
    q = Decimal(value).quantize(Decimal("0.01"))
    text = format(q, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def quantity(value: Decimal) -> str:
    text = format(Decimal(value).normalize(), "f")
    return text


def _seg(*elements: str) -> str:
    items = list(elements)
    while len(items) > 1 and items[-1] == "":
        items.pop()
    return ELEMENT.join(items) + SEGMENT


def _fixed(value: str, size: int) -> str:
    return clean(value, size).ljust(size)


def _dx(code: str) -> str:
    return code.replace(".", "").upper()


def _person_segments(entity: str, person: Person, *, with_id: bool) -> list[str]:
    out = [
        _seg(
            "NM1",
            entity,
            "1",
            clean(person.last_name, 60),
            clean(person.first_name, 35),
            "",
            "",
            "",
            "MI" if with_id else "",
            clean(person.member_id, 80) if with_id else "",
        ),
        _seg("N3", clean(person.address_line1, 55)),
        _seg("N4", clean(person.city, 30), clean(person.state, 2), clean(person.postal_code, 15)),
        _seg("DMG", "D8", person.date_of_birth.strftime("%Y%m%d"), person.sex or "U"),
    ]
    return out


def build_837p(*, envelope: Envelope, provider: Party, claims: list[ClaimData]) -> str:
    if not claims:
        raise ValueError("An 837P batch needs at least one claim.")
    now = envelope.created
    control = f"{envelope.interchange_number:09d}"
    st_control = "0001"
    body: list[str] = [
        _seg("ST", "837", st_control, VERSION),
        _seg("BHT", "0019", "00", control, now.strftime("%Y%m%d"), now.strftime("%H%M"), "CH"),
        _seg(
            "NM1",
            "41",
            "2",
            clean(envelope.submitter_name),
            "",
            "",
            "",
            "",
            "46",
            clean(envelope.sender_id, 80),
        ),
        _seg("PER", "IC", clean(envelope.contact_name), "TE", envelope.contact_phone),
        _seg(
            "NM1",
            "40",
            "2",
            clean(envelope.receiver_name),
            "",
            "",
            "",
            "",
            "46",
            clean(envelope.receiver_id, 80),
        ),
        _seg("HL", "1", "", "20", "1"),
        _seg("PRV", "BI", "PXC", provider.taxonomy),
        _seg("NM1", "85", "2", clean(provider.name), "", "", "", "", "XX", provider.npi),
        _seg("N3", clean(provider.address_line1, 55)),
        _seg("N4", clean(provider.city, 30), clean(provider.state, 2), provider.postal_code),
        _seg("REF", "EI", provider.tin),
    ]
    hl = 1
    for claim in claims:
        hl += 1
        subscriber_hl = hl
        dependent = claim.patient is not None
        body.append(_seg("HL", str(subscriber_hl), "1", "22", "1" if dependent else "0"))
        body.append(
            _seg(
                "SBR",
                "P",
                "" if dependent else "18",
                clean(claim.group_number, 50),
                "",
                "",
                "",
                "",
                "",
                claim.filing_indicator,
            )
        )
        body.extend(_person_segments("IL", claim.subscriber, with_id=True))
        body.append(
            _seg(
                "NM1",
                "PR",
                "2",
                clean(claim.payer_name),
                "",
                "",
                "",
                "",
                "PI",
                clean(claim.payer_id, 80),
            )
        )
        if claim.patient is not None:
            hl += 1
            body.append(_seg("HL", str(hl), str(subscriber_hl), "23", "0"))
            body.append(_seg("PAT", claim.relationship))
            body.extend(_person_segments("QC", claim.patient, with_id=False))
        body.append(
            _seg(
                "CLM",
                clean(claim.number, 38),
                amount(claim.total),
                "",
                "",
                COMPONENT.join((claim.place_of_service, "B", "1")),
                "Y",
                "A",
                "Y",
                "Y",
            )
        )
        codes = [_dx(c) for c in claim.diagnoses]
        hi = [f"ABK{COMPONENT}{codes[0]}"] + [f"ABF{COMPONENT}{c}" for c in codes[1:12]]
        body.append(_seg("HI", *hi))
        if claim.rendering is not None:
            body.append(
                _seg(
                    "NM1",
                    "82",
                    "1",
                    clean(claim.rendering_last),
                    clean(claim.rendering_first, 35),
                    "",
                    "",
                    "",
                    "XX",
                    claim.rendering.npi,
                )
            )
            if claim.rendering.taxonomy:
                body.append(_seg("PRV", "PE", "PXC", claim.rendering.taxonomy))
        for number, line in enumerate(claim.lines, start=1):
            procedure = COMPONENT.join(["HC", line.procedure.upper(), *line.modifiers[:4]])
            body.append(_seg("LX", str(number)))
            body.append(
                _seg(
                    "SV1",
                    procedure,
                    amount(line.charge),
                    "UN",
                    quantity(line.units),
                    "",
                    "",
                    COMPONENT.join(str(p) for p in line.pointers[:4]),
                )
            )
            body.append(
                _seg(
                    "DTP", "472", "D8", (line.service_date or claim.service_date).strftime("%Y%m%d")
                )
            )
    body.append(_seg("SE", str(len(body) + 1), st_control))
    group = str(envelope.interchange_number)
    isa = (
        ELEMENT.join(
            [
                "ISA",
                "00",
                " " * 10,
                "00",
                " " * 10,
                "ZZ",
                _fixed(envelope.sender_id, 15),
                "ZZ",
                _fixed(envelope.receiver_id, 15),
                now.strftime("%y%m%d"),
                now.strftime("%H%M"),
                REPETITION,
                "00501",
                control,
                "0",
                envelope.usage,
                COMPONENT,
            ]
        )
        + SEGMENT
    )
    gs = _seg(
        "GS",
        "HC",
        clean(envelope.sender_id, 15),
        clean(envelope.receiver_id, 15),
        now.strftime("%Y%m%d"),
        now.strftime("%H%M"),
        group,
        "X",
        VERSION,
    )
    trailer = [_seg("GE", "1", group), _seg("IEA", "1", control)]
    return "\n".join([isa, gs, *body, *trailer]) + "\n"
