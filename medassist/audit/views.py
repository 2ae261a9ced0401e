"""The audit report for the clinic admin (audit.view): the clinic's events filtered by
patient, user, action and time (clinic-local), a page at a time, and their CSV export.
Filters come by POST (a patient's name or MRN is never in a URL); the pages and the export
are audited like any other list of patients."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator

from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from medassist.audit import selectors
from medassist.audit.forms import ReportFilter
from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_patients_listed, audit_record
from medassist.core.web import StaffRequest, staff_view

PER_PAGE = 50
CSV_COLUMNS = [
    "time",
    "user",
    "role",
    "action",
    "object type",
    "object id",
    "patient MRN",
    "patient",
    "client address",
    "channel",
    "request id",
    "detail",
    "event id",
]


@require_http_methods(["GET", "POST"])
@staff_view("audit.view")
def report(request: StaffRequest) -> HttpResponse:
    form = ReportFilter(request.POST or None, clinic_id=request.user.clinic_id)
    if form.is_bound and not form.is_valid():
        return render(request, "audit/report.html", {"form": form, "page": None}, status=422)
    filters = form.filters() if form.is_bound else {}
    events = selectors.audit_report(clinic_id=request.user.clinic_id, **filters)
    number = form.cleaned_data.get("page") if form.is_bound else 1
    page = Paginator(events, PER_PAGE).get_page(number or 1)
    audit_patients_listed(
        actor=request.user,
        patients=[e.patient for e in page if e.patient is not None],
        object_type="audit.report",
    )
    return render(request, "audit/report.html", {"form": form, "page": page})


@require_POST
@staff_view("audit.view")
def export(request: StaffRequest) -> HttpResponse | StreamingHttpResponse:
    form = ReportFilter(request.POST, clinic_id=request.user.clinic_id)
    if not form.is_valid():
        return render(request, "audit/report.html", {"form": form, "page": None}, status=422)
    filters = form.filters()
    events = selectors.audit_report(clinic_id=request.user.clinic_id, **filters)
    rows = events.count()
    exported = audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type="audit.report",
        clinic=request.user.clinic,
        detail={"format": "csv", "rows": rows, "filters": _described(filters)},
    )
    events = events.exclude(pk=exported.pk)  # the rows counted, not the export's own record
    tz = request.user.clinic.tz
    stamp = timezone.localtime(timezone=tz).strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(_csv_lines(events, tz), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response


def _described(filters: dict) -> dict:
    """The filters as the export's audit event keeps them (times as ISO 8601)."""
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in filters.items() if v}


class _Line:
    """csv.writer's file: hands back each line it writes."""

    def write(self, line: str) -> str:
        return line


def _cell(value) -> str:
    """A cell a spreadsheet will not run as a formula."""
    text = str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv_lines(events, tz) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield writer.writerow(CSV_COLUMNS)
    for e in events.iterator(chunk_size=2000):
        p = e.patient
        yield writer.writerow(
            [
                _cell(v)
                for v in (
                    e.at.astimezone(tz).isoformat(timespec="seconds"),
                    e.actor_username,
                    e.actor_role,
                    e.action,
                    e.object_type,
                    e.object_id,
                    p.mrn if p else "",
                    f"{p.last_name}, {p.first_name}" if p else "",
                    e.client_address,
                    e.channel,
                    e.request_id,
                    json.dumps(e.detail, sort_keys=True),
                    e.public_id,
                )
            ]
        )
