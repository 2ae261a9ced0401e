"""Documents on the chart: upload, and the audited download."""

from __future__ import annotations

from django.http import FileResponse, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from medassist.core.errors import NotFound
from medassist.core.web import StaffRequest, staff_view
from medassist.practice.roles import can
from medassist.records import forms, selectors, services
from medassist.records.models import ENTERED_IN_ERROR
from medassist.records.views._common import FormScreen, page_response, run_form

EXTENSIONS = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/tiff": "tif",
}


@staff_view("document.upload")
@require_http_methods(["GET", "POST"])
def document_upload(request: StaffRequest, id) -> HttpResponse:
    patient = selectors.access_chart_patient(user=request.user, id=id, audit=False)
    action = reverse("records:document_upload", args=[patient.public_id])
    screen = FormScreen(
        "Upload a document",
        action,
        "#sec-documents",
        patient,
        "documents",
        extra={"multipart": True},
    )

    def upload(data: dict) -> None:
        data = dict(data)
        services.document_upload(
            actor=request.user, patient=patient, uploaded_file=data.pop("file"), **data
        )

    return run_form(
        request,
        screen,
        blank=forms.DocumentForm,
        bound=lambda: forms.DocumentForm(request.POST, request.FILES),
        act=upload,
        done=lambda: page_response(request, patient, "documents"),
    )


@staff_view("patient.view")
def document_download(request: StaffRequest, item_id) -> FileResponse:
    doc = selectors.document_for_download(user=request.user, id=item_id)
    if doc.status == ENTERED_IN_ERROR and not can(request.user, "document.upload"):
        raise NotFound("That document was entered in error.")
    try:
        handle = doc.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise NotFound("The stored file is missing; tell the clinic administrator.") from exc
    filename = f"{doc.title[:80]}.{EXTENSIONS.get(doc.content_type, 'bin')}"
    response = FileResponse(handle, content_type=doc.content_type, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response
