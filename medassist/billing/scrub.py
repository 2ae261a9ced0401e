"""The claim scrubber: every problem a payer would bounce the claim for, in plain words,
found before the claim leaves. `scrub_claim` returns a list of problems (empty: ready).

Sex and age rules are the ones the code set states: chapter 15 (O00-O9A) codes are "for use
only on maternal records" (female, age 12-55), chapter 16 (P00-P96) "for use on newborn
records only" (age under 1 at the service date, the guidelines' perinatal period read
generously), and the male (N40-N53, C60-C63, D07.4-D07.6, D29, D40) and female (N70-N9A,
C51-C58, D06, D07.0-D07.3, D25-D28, D39) genital organ blocks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from medassist.billing import reference
from medassist.practice.validators import npi_is_valid

MAX_DIAGNOSES = 12
MAX_LINES = 50
_PROCEDURE = re.compile(r"^([0-9]{4}[0-9A-Z]|[A-V][0-9]{4})$")
_MODIFIER = re.compile(r"^[0-9A-Z]{2}$")
_ZIP9 = re.compile(r"^[0-9]{9}$")
_ZIP = re.compile(r"^[0-9]{5}([0-9]{4})?$")

_MALE = (
    "N4",
    "N50",
    "N51",
    "N52",
    "N53",
    "C60",
    "C61",
    "C62",
    "C63",
    "D29",
    "D40",
    "D07.4",
    "D07.5",
    "D07.6",
)
_FEMALE = (
    "N7",
    "N8",
    "N9",
    "C51",
    "C52",
    "C53",
    "C54",
    "C55",
    "C56",
    "C57",
    "C58",
    "D06",
    "D07.0",
    "D07.1",
    "D07.2",
    "D07.3",
    "D25",
    "D26",
    "D27",
    "D28",
    "D39",
)


@dataclass(frozen=True)
class Problem:
    field: str
    message: str

    def as_dict(self) -> dict:
        return {"field": self.field, "message": self.message}


@dataclass(frozen=True)
class LineFacts:
    number: int
    procedure: str
    modifiers: tuple[str, ...]
    units: Decimal
    charge: Decimal
    pointers: tuple[int, ...]
    service_date: date | None


@dataclass(frozen=True)
class ClaimFacts:
    """What the scrubber looks at, gathered by the service from the models."""

    service_date: date
    today: date
    place_of_service: str
    diagnoses: tuple[str, ...]
    lines: tuple[LineFacts, ...]
    patient_sex: str
    patient_dob: date
    patient_address: tuple[str, str, str, str]  # line1, city, state, zip
    has_coverage: bool
    coverage_active: bool
    member_id: str
    relationship: str  # self, spouse, child, other
    subscriber_name: str
    subscriber_dob: date | None
    payer_name: str
    payer_id: str
    filing_indicator: str  # SBR09; '' when the payer has no billing details
    electronic: bool
    provider_ready: bool
    provider_npi: str
    provider_tin: str
    provider_taxonomy: str
    provider_zip: str
    rendering_npi: str
    duplicate_of: str  # number of another claim for the same visit and services, or ''


def _sex_rule(code: str) -> str:
    if code.startswith("O") or code.startswith("Z3A"):
        return "F"
    if code.startswith(_MALE):
        return "M"
    if code.startswith(_FEMALE):
        return "F"
    return ""


def _age(dob: date, day: date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def scrub_claim(facts: ClaimFacts) -> list[Problem]:
    out: list[Problem] = []

    def add(field: str, message: str) -> None:
        out.append(Problem(field, message))

    # who pays
    if not facts.has_coverage:
        add(
            "coverage",
            "The claim has no insurance coverage: add the patient's coverage or "
            "bill the patient (self-pay) instead of sending a claim.",
        )
    else:
        if not facts.coverage_active:
            add("coverage", "The patient's coverage is marked inactive.")
        if not facts.member_id.strip():
            add("member_id", "The subscriber's member id is missing.")
        elif not re.fullmatch(r"[A-Za-z0-9-]{2,80}", facts.member_id.strip()):
            add(
                "member_id",
                f"The member id {facts.member_id!r} has characters a payer will "
                "not accept (letters, digits and dashes only).",
            )
        if facts.relationship != "self":
            if not facts.subscriber_name.strip() or len(facts.subscriber_name.split()) < 2:
                add(
                    "subscriber",
                    "The patient is not the subscriber: enter the subscriber's "
                    "first and last name.",
                )
            if facts.subscriber_dob is None:
                add(
                    "subscriber",
                    "The patient is not the subscriber: enter the subscriber's date of birth.",
                )
        if not facts.filing_indicator:
            add(
                "payer",
                f"Payer {facts.payer_name} has no claim filing indicator (the "
                "policy type sent in SBR09): set it in the payer's billing details.",
            )
        if facts.electronic and not facts.payer_id.strip():
            add("payer", f"Payer {facts.payer_name} has no electronic payer id.")
    line1, city, state, zip_code = facts.patient_address
    if not (
        line1.strip()
        and len(city.strip()) >= 2
        and len(state.strip()) == 2
        and _ZIP.match(zip_code)
    ):
        add(
            "patient",
            "The patient's address is incomplete (street, city, two-letter state "
            "and a 5 or 9 digit ZIP are required on a claim).",
        )
    if facts.patient_sex not in ("F", "M"):
        add(
            "patient",
            "The patient's sex is not female or male; most payers reject a claim "
            "without it. Check with the payer before sending.",
        )
    # the billing provider
    if not facts.provider_ready:
        add(
            "provider", "The clinic's billing provider (NPI, TIN, taxonomy, address) is not set up."
        )
    else:
        if not npi_is_valid(facts.provider_npi):
            add(
                "provider",
                f"The billing provider's NPI {facts.provider_npi} fails its check digit.",
            )
        if not re.fullmatch(r"[0-9]{9}", facts.provider_tin):
            add("provider", "The billing provider's TIN must be nine digits.")
        if not re.fullmatch(r"[0-9]{3}[0-9A-Z]{6}X", facts.provider_taxonomy):
            add(
                "provider",
                f"The taxonomy code {facts.provider_taxonomy!r} is not a "
                "10-character provider taxonomy code.",
            )
        if not _ZIP9.match(facts.provider_zip):
            add("provider", "The billing provider's ZIP code must have nine digits (ZIP+4).")
    if facts.rendering_npi and not npi_is_valid(facts.rendering_npi):
        add(
            "rendering_provider",
            f"The rendering provider's NPI {facts.rendering_npi} fails its check digit.",
        )
    # dates
    if facts.service_date > facts.today:
        add("service_date", "The date of service is in the future.")
    if facts.service_date < facts.patient_dob:
        add("service_date", "The date of service is before the patient's date of birth.")
    if (facts.today - facts.service_date).days > 365:
        add(
            "service_date",
            "The date of service is more than a year ago: most payers' filing limit has passed.",
        )
    if facts.place_of_service not in reference.places_of_service():
        add("place_of_service", f"{facts.place_of_service!r} is not a place-of-service code.")
    # diagnoses
    dx = list(facts.diagnoses)
    if not dx:
        add("diagnoses", "The claim has no diagnosis.")
    if len(dx) > MAX_DIAGNOSES:
        add("diagnoses", f"A claim holds at most {MAX_DIAGNOSES} diagnoses; it has {len(dx)}.")
    seen: set[str] = set()
    age = _age(facts.patient_dob, facts.service_date)
    for position, code in enumerate(dx, start=1):
        if code in seen:
            add("diagnoses", f"Diagnosis {code} is listed twice.")
        seen.add(code)
        if code not in reference.billable_icd10cm():
            if reference.icd10cm_is_header(code):
                add(
                    "diagnoses",
                    f"Diagnosis {position} ({code}) is a category, not a billable "
                    "code: choose the more specific code below it.",
                )
            else:
                add(
                    "diagnoses",
                    f"Diagnosis {position} ({code}) is not in the current "
                    "ICD-10-CM code set (retired, or mistyped).",
                )
            continue
        rule = _sex_rule(code)
        if rule and facts.patient_sex in ("F", "M") and rule != facts.patient_sex:
            words = "female" if rule == "F" else "male"
            add(
                "diagnoses",
                f"Diagnosis {code} is for {words} patients only; this patient is "
                "recorded as " + ("female." if facts.patient_sex == "F" else "male."),
            )
        if code.startswith("O") and not 12 <= age <= 55:
            add(
                "diagnoses",
                f"Diagnosis {code} is a pregnancy code (maternal records only, "
                f"age 12 to 55); the patient is {age}.",
            )
        if code.startswith("P") and age >= 1:
            add(
                "diagnoses",
                f"Diagnosis {code} is a perinatal code (newborn records only); "
                f"the patient is {age}.",
            )
    # lines
    if not facts.lines:
        add("lines", "The claim has no procedure line.")
    if len(facts.lines) > MAX_LINES:
        add("lines", f"An 837P claim holds at most {MAX_LINES} lines.")
    keys: set[tuple] = set()
    for line in facts.lines:
        name = f"Line {line.number}"
        if not _PROCEDURE.match(line.procedure):
            add(
                "lines", f"{name}: {line.procedure!r} is not a CPT or HCPCS code (five characters)."
            )
        if len(line.modifiers) > 4:
            add("lines", f"{name}: at most four modifiers.")
        for modifier in line.modifiers:
            if not _MODIFIER.match(modifier):
                add("lines", f"{name}: modifier {modifier!r} must be two letters or digits.")
        if line.units <= 0:
            add("lines", f"{name}: units must be more than zero.")
        if line.charge <= 0:
            add("lines", f"{name}: the charge must be more than zero.")
        if not line.pointers:
            add("lines", f"{name}: point it to at least one diagnosis.")
        if len(line.pointers) > 4:
            add("lines", f"{name}: a line points to at most four diagnoses.")
        if len(set(line.pointers)) != len(line.pointers):
            add("lines", f"{name}: the same diagnosis pointer is given twice.")
        for pointer in line.pointers:
            if not 1 <= pointer <= len(dx):
                add(
                    "lines",
                    f"{name}: diagnosis pointer {pointer} points to no diagnosis "
                    f"(the claim has {len(dx)}).",
                )
        day = line.service_date or facts.service_date
        if day > facts.today:
            add("lines", f"{name}: the date of service is in the future.")
        key = (line.procedure, line.modifiers, day)
        if key in keys:
            add(
                "lines",
                f"{name} repeats an earlier line (same code, modifiers and date): "
                "add units instead.",
            )
        keys.add(key)
    if facts.duplicate_of:
        add(
            "claim",
            f"Claim {facts.duplicate_of} already bills the same services for this "
            "patient on this date.",
        )
    return out
