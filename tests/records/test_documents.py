"""Document uploads: the bytes decide the type; refused uploads leave no row and no file."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from medassist.core.errors import PermissionDenied, ValidationFailed
from medassist.records import services
from medassist.records.models import ChartHistory, Document
from tests.records.conftest import pdf_bytes, png_bytes


def files_on_disk(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_png_named_pdf_is_stored_as_png(front_desk, patient, media_root):
    # given
    data = png_bytes()
    upload = SimpleUploadedFile("scan.pdf", data, content_type="application/pdf")
    # when
    doc = services.document_upload(
        actor=front_desk, patient=patient, uploaded_file=upload, kind="scanned-form"
    )
    # then
    assert doc.content_type == "image/png"
    assert doc.file.name.endswith(".png")
    assert "scan" not in doc.file.name  # random stored name
    assert doc.size == len(data)
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    assert doc.title == "scan"
    assert doc.original_filename == "scan.pdf"
    assert files_on_disk(media_root)[0].read_bytes() == data
    assert ChartHistory.objects.get(item_id=doc.public_id).action == "create"


def test_a_pdf_is_accepted(physician, patient, media_root):
    doc = services.document_upload(
        actor=physician,
        patient=patient,
        uploaded_file=SimpleUploadedFile("outside.pdf", pdf_bytes()),
        kind="outside-record",
        title="Cardiology consult",
    )
    assert doc.content_type == "application/pdf"
    assert len(files_on_disk(media_root)) == 1


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200, "EXE"),
        ("notes.pdf", b"just some text, not a document\n" * 10, "not a recognised document"),
        ("empty.png", b"", "empty"),
        ("huge.png", png_bytes() + b"\x00" * (64 * 1024), "too large"),
    ],
)
def test_bad_uploads_are_refused_and_leave_nothing(
    front_desk, patient, media_root, name, data, message
):
    # when
    with pytest.raises(ValidationFailed) as exc:
        services.document_upload(
            actor=front_desk, patient=patient, uploaded_file=SimpleUploadedFile(name, data)
        )
    # then
    assert message in exc.value.message
    assert exc.value.errors == {"file": [exc.value.message]}
    assert not Document.objects.exists()
    assert not ChartHistory.objects.exists()
    assert files_on_disk(media_root) == []


def test_a_biller_cannot_upload(biller, patient, media_root):
    with pytest.raises(PermissionDenied):
        services.document_upload(
            actor=biller, patient=patient, uploaded_file=SimpleUploadedFile("a.png", png_bytes())
        )
    assert not Document.objects.exists()
    assert files_on_disk(media_root) == []


def test_a_document_entered_in_error_keeps_its_file(front_desk, patient, media_root):
    # given
    doc = services.document_upload(
        actor=front_desk, patient=patient, uploaded_file=SimpleUploadedFile("a.png", png_bytes())
    )
    # when
    services.document_enter_in_error(actor=front_desk, document=doc, reason="Wrong patient")
    # then
    doc.refresh_from_db()
    assert doc.status == "entered-in-error"
    assert len(files_on_disk(media_root)) == 1


def test_document_details_can_be_corrected_with_history(front_desk, patient):
    doc = services.document_upload(
        actor=front_desk, patient=patient, uploaded_file=SimpleUploadedFile("a.png", png_bytes())
    )
    services.document_update(actor=front_desk, document=doc, title="Insurance card", kind="image")
    doc.refresh_from_db()
    assert doc.title == "Insurance card"
    row = ChartHistory.objects.filter(item_id=doc.public_id).order_by("version").last()
    assert row.changes["title"] == {"before": "a", "after": "Insurance card"}
