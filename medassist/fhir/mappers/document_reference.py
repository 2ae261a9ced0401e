"""Document and Note → DocumentReference (read only: documents are uploaded and notes written
and signed on the chart screen)."""

from __future__ import annotations

import base64

from django.urls import reverse

from medassist.fhir.mappers.common import date, finish, instant, meta, ref
from medassist.records.models import SYSTEM_URIS, CodeSystem, Document, Note

DOC_CLASS = "urn:medassist:document-kind"
LOINC = SYSTEM_URIS[CodeSystem.LOINC]


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


CLINICAL_NOTE = {
    "coding": [
        {
            "system": "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category",
            "code": "clinical-note",
            "display": "Clinical Note",
        }
    ]
}
NOTE_STATUS: dict[str, tuple[str, str]] = {
    Note.Status.DRAFT: ("current", "preliminary"),
    Note.Status.SIGNED: ("current", "final"),
    Note.Status.AMENDED: ("superseded", "final"),
    Note.Status.ENTERED_IN_ERROR: ("entered-in-error", "entered-in-error"),
}


def _person(user) -> dict | None:
    if user is None:
        return None
    return {"display": user.get_full_name() or user.username}


def note_to_fhir(note: Note) -> dict:
    """An encounter note as a DocumentReference with its text inline (text/plain). A signed
    amendment has docStatus "amended" and replaces the note it corrects."""
    n = note
    code, display = Note.TYPE_LOINC.get(n.note_type, ("", ""))
    status, doc_status = NOTE_STATUS.get(n.status, ("current", "preliminary"))
    if n.amends_id and n.status == Note.Status.SIGNED:
        doc_status = "amended"
    return finish(
        {
            "resourceType": "DocumentReference",
            "id": str(n.public_id),
            "meta": meta(n),
            "status": status,
            "docStatus": doc_status,
            "type": {
                "coding": [{"system": LOINC, "code": code, "display": display}] if code else [],
                "text": n.get_note_type_display(),
            },
            "category": [CLINICAL_NOTE],
            "subject": ref("Patient", n.patient),
            "date": instant(n.signed_at or n.created_at),
            "author": [_person(n.author)],
            "authenticator": _person(n.signed_by) if n.signed_by_id else None,
            "relatesTo": [{"code": "replaces", "target": ref("DocumentReference", n.amends)}]
            if n.amends_id
            else [],
            "description": n.title,
            "content": [
                {
                    "attachment": {
                        "contentType": "text/plain; charset=utf-8",
                        "data": base64.b64encode(n.body.encode()).decode(),
                        "title": n.title,
                        "creation": instant(n.created_at),
                    }
                }
            ],
            "context": {"encounter": [ref("Encounter", n.encounter)]},
        }
    )
