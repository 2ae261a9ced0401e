"""API shapes for the chart."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from ninja import Schema
from pydantic import Field


class CodedOut(Schema):
    system: str
    code: str
    display: str


class ProblemIn(Schema):
    code: str = Field(max_length=10, description="ICD-10-CM, billable, e.g. E11.9")
    display: str = Field("", max_length=300)
    clinical_status: str = "active"
    verification_status: str = "confirmed"
    onset_date: dt.date | None = None
    abatement_date: dt.date | None = None
    note: str = Field("", max_length=5000)


class ProblemOut(Schema):
    id: uuid.UUID
    coding: CodedOut
    clinical_status: str
    verification_status: str
    onset_date: dt.date | None
    abatement_date: dt.date | None
    note: str
    version: int


class AllergyIn(Schema):
    substance: str = Field(max_length=300)
    code_system: str = "text"
    code: str = Field("", max_length=40)
    category: str = ""
    reaction: str = Field("", max_length=300)
    severity: str = ""
    criticality: str = ""
    status: str = "active"
    onset_date: dt.date | None = None
    note: str = Field("", max_length=5000)


class AllergyOut(Schema):
    id: uuid.UUID
    substance: str
    coding: CodedOut
    category: str
    reaction: str
    severity: str
    criticality: str
    status: str
    onset_date: dt.date | None
    version: int


class NkaOut(Schema):
    id: uuid.UUID
    status: str
    recorded_at: dt.datetime
    recorded_by: str


class MedicationIn(Schema):
    drug_name: str = Field(max_length=300)
    code: str = Field("", max_length=12, description="RxNorm RXCUI (digits)")
    strength: str = Field("", max_length=100)
    dose: str = Field("", max_length=100)
    route: str = Field("", max_length=60)
    frequency: str = Field("", max_length=100)
    prescriber_text: str = Field("", max_length=200)
    start_date: dt.date | None = None
    stop_date: dt.date | None = None
    status: str = "active"
    note: str = Field("", max_length=5000)


class MedicationOut(Schema):
    id: uuid.UUID
    drug_name: str
    coding: CodedOut
    strength: str
    dose: str
    route: str
    frequency: str
    prescriber: str
    start_date: dt.date | None
    stop_date: dt.date | None
    status: str
    version: int


class ImmunizationIn(Schema):
    cvx_code: str = Field(max_length=4)
    occurrence_date: dt.date
    lot_number: str = Field("", max_length=40)
    expiration_date: dt.date | None = None
    manufacturer: str = Field("", max_length=100)
    site: str = Field("", max_length=60)
    route: str = Field("", max_length=60)
    dose_quantity: str = Field("", max_length=40)
    performer_text: str = Field("", max_length=200)
    status: str = "completed"
    status_reason: str = Field("", max_length=300)
    # True: given here, which needs the vaccine-administration scope task (403 scope_refused
    # otherwise); False: reported by the patient or another provider.
    primary_source: bool = True
    supervisor_present: bool | None = None
    note: str = Field("", max_length=5000)


class ImmunizationOut(Schema):
    id: uuid.UUID
    vaccine: CodedOut
    occurrence_date: dt.date
    lot_number: str
    expiration_date: dt.date | None
    site: str
    route: str
    dose_quantity: str
    status: str
    primary_source: bool
    version: int


class HistoryEntryOut(Schema):
    id: uuid.UUID
    kind: str
    coding: CodedOut
    date: dt.date | None
    date_text: str
    relation: str
    onset_age: int | None


class SocialOut(Schema):
    id: uuid.UUID
    smoking_status: CodedOut | None
    pack_years: Decimal | None
    alcohol_use: str
    drug_use: str
    occupation: str
    living_situation: str


class EncounterIn(Schema):
    start: dt.datetime | None = None
    class_code: str = "AMB"
    type_display: str = Field("", max_length=200)
    reason_text: str = Field("", max_length=2000)


class NoteOut(Schema):
    id: uuid.UUID
    encounter: uuid.UUID
    note_type: str
    title: str
    body: str
    status: str
    author: str
    signed_at: dt.datetime | None
    signed_by: str | None
    amends: uuid.UUID | None
    amendment_reason: str
    version: int


class EncounterOut(Schema):
    id: uuid.UUID
    start: dt.datetime
    end: dt.datetime | None
    class_code: str
    type_display: str
    status: str
    reason_text: str
    provider: str | None
    notes: list[NoteOut] = []


class EncounterPageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[EncounterOut]


class NoteIn(Schema):
    title: str = Field(max_length=200)
    body: str = Field(max_length=100_000)
    note_type: str = "progress"


class AmendIn(Schema):
    body: str = Field(max_length=100_000)
    reason: str = Field(max_length=500)
    title: str | None = Field(None, max_length=200)


class ReasonIn(Schema):
    reason: str = Field(max_length=500)


class ItemStateOut(Schema):
    type: str
    id: uuid.UUID
    status: str
    version: int
    error_reason: str


class ChartHistoryOut(Schema):
    item_type: str
    item_id: uuid.UUID
    version: int
    action: str
    at: dt.datetime
    actor: str
    reason: str
    changes: dict


class PatientRef(Schema):
    id: uuid.UUID
    mrn: str
    name: str


class ChartOut(Schema):
    patient: PatientRef
    allergy_state: str
    nka: NkaOut | None
    problems: list[ProblemOut]
    allergies: list[AllergyOut]
    medications: list[MedicationOut]
    immunizations: list[ImmunizationOut]
    history: list[HistoryEntryOut]
    social: SocialOut | None
    encounter_count: int
