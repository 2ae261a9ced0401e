"""ICD-10-CM code set for API clients: the same selectors as the typeahead screen.

Any staff role may search (permission "patient.view"); code-set reads are not audited."""

from __future__ import annotations

from ninja import Query, Router
from ninja.responses import codes_4xx

from medassist.coding.models import Icd10cmCode
from medassist.coding.schemas import Icd10CodeOut, Icd10DetailOut, Icd10SearchOut
from medassist.coding.selectors import (
    MAX_LIMIT,
    icd10_ancestors,
    icd10_children,
    icd10_get,
    icd10_query_problem,
    icd10_search,
)
from medassist.practice.roles import require
from medassist.practice.schemas import ErrorOut

router = Router()
ERRORS = {codes_4xx: ErrorOut}
SUMMARY_FIELDS = tuple(Icd10CodeOut.model_fields)


def code_data(item: Icd10cmCode) -> dict:
    return {name: getattr(item, name) for name in SUMMARY_FIELDS}


def _lines(value: str) -> list[str]:
    return [line for line in value.splitlines() if line.strip()]


@router.get("/icd10", response={200: Icd10SearchOut, **ERRORS}, summary="Search ICD-10-CM")
def search_icd10(
    request,
    q: str = Query("", description="A code prefix (E11, e119) or words in any order."),
    limit: int = Query(20, ge=1, le=MAX_LIMIT),
):
    """Codes starting with `q`, or codes whose description or inclusion terms have every word
    of `q`; common and billable codes first. Short or symbol-only queries give no results and
    a `message`; a query over 100 characters is refused (422)."""
    require(request.auth, "patient.view")
    results = icd10_search(query=q, limit=limit)
    return {
        "query": q,
        "count": len(results),
        "message": icd10_query_problem(q) or ("" if results else "No ICD-10-CM code matches."),
        "results": [code_data(item) for item in results],
    }


@router.get("/icd10/{code}", response={200: Icd10DetailOut, **ERRORS}, summary="One ICD-10-CM code")
def get_icd10(request, code: str):
    """One code (with or without the dot) with its notes, ancestors (parent first, chapter
    last) and direct children."""
    require(request.auth, "patient.view")
    item = icd10_get(code=code)
    return {
        **code_data(item),
        "parent": item.parent_code,
        "inclusion_terms": _lines(item.inclusion_terms),
        "excludes1": _lines(item.excludes1),
        "excludes2": _lines(item.excludes2),
        "ancestors": [code_data(a) for a in icd10_ancestors(item)],
        "children": [code_data(c) for c in icd10_children(item)],
    }
