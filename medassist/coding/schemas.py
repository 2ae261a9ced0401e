"""API shapes of the ICD-10-CM code set."""

from __future__ import annotations

from ninja import Schema


class Icd10CodeOut(Schema):
    code: str
    description: str
    billable: bool
    kind: str
    common: bool
    chapter: str
    block: str


class Icd10SearchOut(Schema):
    query: str
    count: int
    message: str
    results: list[Icd10CodeOut]


class Icd10DetailOut(Icd10CodeOut):
    parent: str
    inclusion_terms: list[str]
    excludes1: list[str]
    excludes2: list[str]
    ancestors: list[Icd10CodeOut]
    children: list[Icd10CodeOut]
