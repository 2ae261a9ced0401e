"""Document → DocumentReference (read only: documents are uploaded on the chart screen)."""

from __future__ import annotations

from django.urls import reverse

from medassist.fhir.mappers.common import date, finish, instant, meta, ref
from medassist.records.models import Document

DOC_CLASS = "urn:medassist:document-kind"


def document_to_fhir(doc: Document, *, base_url: str = "") -> dict:
    d = doc
    return finish(
        {
            "resourceType": "DocumentReference",
            "id": str(d.public_id),
            "meta": meta(d),
            "status": "entered-in-error"
            if d.status == Document.Status.ENTERED_IN_ERROR
            else "current",
            "type": {
                "coding": [{"system": DOC_CLASS, "code": d.kind, "display": d.get_kind_display()}],
                "text": d.get_kind_display(),
            },
            "subject": ref("Patient", d.patient),
            "date": instant(d.created_at),
            "description": d.title,
            "content": [
                {
                    "attachment": {
                        "contentType": d.content_type,
                        "url": base_url + reverse("records:document_download", args=[d.public_id]),
                        "size": d.size,
                        "title": d.original_filename or d.title,
                        "creation": date(d.received_date),
                    }
                }
            ],
            "context": {"encounter": [ref("Encounter", d.encounter)]} if d.encounter_id else None,
        }
    )
