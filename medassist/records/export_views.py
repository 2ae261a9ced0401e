"""The patient summary PDF (medassist.records.export_pdf), downloaded from the chart."""

from __future__ import annotations

from django.http import HttpResponse

from medassist.core.web import StaffRequest, staff_view
from medassist.records.export_pdf import PERMISSION, export_patient_summary


@staff_view(PERMISSION)
def summary_pdf(request: StaffRequest, id) -> HttpResponse:
    filename, data = export_patient_summary(user=request.user, id=id)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
