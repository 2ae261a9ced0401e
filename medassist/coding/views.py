"""The ICD-10-CM typeahead: a page of its own and an htmx partial any form can embed
(docs/coding.md). Code-set search is not patient data: no audit events."""

from __future__ import annotations

import re

from django.http import HttpResponse
from django.shortcuts import render

from medassist.coding.models import Icd10cmCode
from medassist.coding.selectors import MAX_QUERY, icd10_query_problem, icd10_search
from medassist.coding.source import RELEASE
from medassist.core.web import StaffRequest, staff_view

DEFAULT_LIMIT = 20
MAX_VIEW_LIMIT = 50
_LIST_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,59}$")


def _limit(raw: str | None) -> int:
    try:
        value = int(raw) if raw else DEFAULT_LIMIT
    except ValueError:
        return DEFAULT_LIMIT
    return min(max(value, 1), MAX_VIEW_LIMIT)


@staff_view("patient.view")
def icd10_typeahead(request: StaffRequest) -> HttpResponse:
    """GET ?q=...: matching codes. An htmx request gets the options of the list only."""
    query = request.GET.get("q", "")
    list_id = request.GET.get("list", "")
    problem = icd10_query_problem(query)
    results = [] if problem else icd10_search(query=query, limit=_limit(request.GET.get("limit")))
    context: dict[str, object] = {
        "query": query.strip()[:MAX_QUERY],
        "problem": problem if query.strip() else "",
        "results": results,
        "list_id": list_id if _LIST_ID.match(list_id) else "icd10-list",
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "coding/icd10_typeahead.html#results", context)
    context["loaded"] = Icd10cmCode.objects.filter(billable=True).count()
    context["release"] = RELEASE
    return render(request, "coding/icd10_typeahead.html", context)
