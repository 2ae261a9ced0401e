"""The chart page (opened for one visit with `?visit=`), its paged sections (encounters,
documents, results) and the history views."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from medassist.core.web import StaffRequest, staff_view
from medassist.records import selectors
from medassist.records.views._common import CHART, chart_context, is_htmx, page_number
from medassist.records.views.visits import chart_visit


@staff_view("patient.view")
def chart(request: StaffRequest, id) -> HttpResponse:
    patient = selectors.access_chart_patient(user=request.user, id=id)
    ctx = chart_context(
        request,
        patient,
        encounters=selectors.encounter_page(patient, page_number(request, "enc")),
        documents=selectors.document_page(patient, page_number(request, "doc")),
        observations=selectors.observation_page(patient, page_number(request, "obs")),
        visit=chart_visit(request, patient),
    )
    return render(request, CHART, ctx)


def _page(request: StaffRequest, id, section: str, param: str, selector) -> HttpResponse:
    patient = selectors.access_chart_patient(user=request.user, id=id)
    page = selector(patient, page_number(request, param))
    ctx = chart_context(request, patient, sections=False, **{section: page})
    return render(request, f"{CHART}#{section}", ctx)


@staff_view("patient.view")
def encounters(request: StaffRequest, id) -> HttpResponse:
    return _page(request, id, "encounters", "enc", selectors.encounter_page)


@staff_view("patient.view")
def documents(request: StaffRequest, id) -> HttpResponse:
    return _page(request, id, "documents", "doc", selectors.document_page)


@staff_view("patient.view")
def observations(request: StaffRequest, id) -> HttpResponse:
    return _page(request, id, "observations", "obs", selectors.observation_page)


@staff_view("patient.view")
def item_history(request: StaffRequest, item_type: str, item_id) -> HttpResponse:
    item = selectors.access_item(user=request.user, item_type=item_type, id=item_id)
    rows = selectors.item_history(item, user=request.user)
    ctx = chart_context(
        request, item.patient, sections=False, item=item, rows=rows, item_type=item_type
    )
    template = "records/history.html#item" if is_htmx(request) else "records/history.html"
    return render(request, template, ctx)


@staff_view("patient.view")
def patient_history(request: StaffRequest, id) -> HttpResponse:
    patient = selectors.access_chart_patient(user=request.user, id=id)
    ctx = chart_context(
        request,
        patient,
        sections=False,
        page=selectors.patient_history_page(patient, page_number(request)),
        withdrawn=selectors.entered_in_error_items(patient),
    )
    return render(request, "records/history.html", ctx)
