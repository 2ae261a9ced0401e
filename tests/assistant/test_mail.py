"""Office mail: the watched folder (each PDF stored once by content hash, anything else moved
aside with a reason, never lost), the duplicate and damage checks on upload, the worker's job
and the `office-mail` command."""

from __future__ import annotations

import io
import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from medassist.assistant import mail
from medassist.assistant.models import Task
from medassist.audit.models import AuditEvent
from medassist.records.models import Document
from medassist.worker.loop import run_once


def pdf_bytes(text: str = "Discharge summary from St. Mary's") -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, invariant=1)  # the same text gives the same bytes
    c.drawString(72, 720, text)
    c.save()
    return out.getvalue()


def drop(folder, name: str, data: bytes, age: float = 60.0):
    path = folder / name
    path.write_bytes(data)
    old = time.time() - age
    os.utime(path, (old, old))
    return path


def test_each_pdf_in_the_folder_becomes_inbox_mail_once_and_moves_to_done(db, clinic, tmp_path):
    # given two PDFs, one of them dropped twice under another name
    drop(tmp_path, "fax-001.pdf", pdf_bytes("one"))
    drop(tmp_path, "fax-002.pdf", pdf_bytes("two"))
    drop(tmp_path, "fax-002-again.pdf", pdf_bytes("two"))
    # when the folder is scanned
    result = mail.office_mail_scan_folder(clinic=clinic, folder=tmp_path)
    # then two items wait in the inbox, each with its hash, and every original is kept in done/
    assert result.stored == ["fax-001.pdf", "fax-002-again.pdf"]  # in name order
    assert result.duplicates == ["fax-002.pdf"]
    tasks = list(Task.objects.filter(clinic=clinic, kind=Task.Kind.OFFICE_MAIL).order_by("id"))
    assert [t.source for t in tasks] == ["folder", "folder"]
    assert len({t.content_hash for t in tasks}) == 2
    assert all(len(t.content_hash) == 64 for t in tasks)
    assert tasks[0].file.read() == pdf_bytes("one")
    assert sorted(p.name for p in (tmp_path / "done").iterdir()) == [
        "fax-001.pdf", "fax-002-again.pdf", "fax-002.pdf"
    ]
    assert not [p for p in tmp_path.iterdir() if p.is_file()]
    assert AuditEvent.objects.filter(object_type="assistant.Task", action="create").count() == 2
    # and a second pass with the same file dropped again stores nothing new
    drop(tmp_path, "fax-001.pdf", pdf_bytes("one"))
    again = mail.office_mail_scan_folder(clinic=clinic, folder=tmp_path)
    assert again.stored == [] and again.duplicates == ["fax-001.pdf"]
    assert (tmp_path / "done" / "fax-001-1.pdf").exists()
    assert Task.objects.filter(kind=Task.Kind.OFFICE_MAIL).count() == 2


def test_a_file_that_is_not_a_pdf_or_is_damaged_is_moved_aside_with_its_reason(
    db, clinic, tmp_path
):
    # given a text file, a PDF cut in half, an empty file and a hidden file
    drop(tmp_path, "notes.txt", b"call Mrs Alvarez back")
    drop(tmp_path, "broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\n")
    drop(tmp_path, "empty.pdf", b"")
    drop(tmp_path, ".scanner.lock", b"")
    # when the folder is scanned
    result = mail.office_mail_scan_folder(clinic=clinic, folder=tmp_path)
    # then nothing is stored, each is in rejected/ with a reason file, the hidden one is left
    assert not Task.objects.exists()
    reasons = dict(result.rejected)
    assert set(reasons) == {"notes.txt", "broken.pdf", "empty.pdf"}
    assert "not a PDF" in reasons["notes.txt"]
    assert "damaged" in reasons["broken.pdf"] or "no pages" in reasons["broken.pdf"]
    assert "empty" in reasons["empty.pdf"]
    rejected = tmp_path / "rejected"
    assert (rejected / "notes.txt").read_bytes() == b"call Mrs Alvarez back"
    assert "not a PDF" in (rejected / "notes.txt.reason.txt").read_text()
    assert (tmp_path / ".scanner.lock").exists()
    assert AuditEvent.objects.filter(object_type="assistant.mail_rejected").count() == 3


@override_settings(MEDASSIST_MAX_DOCUMENT_BYTES=1000)
def test_a_file_too_large_is_moved_aside(db, clinic, tmp_path):
    drop(tmp_path, "huge.pdf", b"%PDF-1.4\n" + b"0" * 2000)
    result = mail.office_mail_scan_folder(clinic=clinic, folder=tmp_path)
    assert "too large" in result.rejected[0][1]
    assert (tmp_path / "rejected" / "huge.pdf").exists()
    assert not Task.objects.exists()


def test_a_file_still_being_written_waits_for_the_next_pass(db, clinic, tmp_path):
    drop(tmp_path, "incoming.pdf", pdf_bytes(), age=0)
    result = mail.office_mail_scan_folder(clinic=clinic, folder=tmp_path, settle_seconds=30)
    assert result.waiting == ["incoming.pdf"]
    assert (tmp_path / "incoming.pdf").exists() and not Task.objects.exists()


def test_folder_mail_is_filed_to_the_chart_from_the_inbox(
    front_desk, patient, client_for, tmp_path
):
    # given a fax picked up from the folder
    drop(tmp_path, "referral.pdf", pdf_bytes())
    mail.office_mail_scan_folder(clinic=front_desk.clinic, folder=tmp_path)
    task = Task.objects.get(kind=Task.Kind.OFFICE_MAIL)
    c = client_for(front_desk)
    assert "referral.pdf" in c.get(reverse("assistant:inbox")).content.decode()
    opened = c.get(reverse("assistant:mail_pdf", args=[task.public_id]))
    assert opened.status_code == 200 and opened.content == pdf_bytes()
    assert opened["Content-Type"] == "application/pdf"
    # when the front desk matches it to the patient
    response = c.post(reverse("assistant:task", args=[task.public_id]),
                      {"action": "file", "mrn": patient.mrn, "title": "Referral"})
    # then it is a chart document and the item is done
    assert response.status_code == 302
    doc = Document.objects.get(patient=patient)
    assert doc.title == "Referral" and doc.file.read() == pdf_bytes()
    task.refresh_from_db()
    assert task.status == Task.Status.DONE and task.filed_document_id == doc.public_id


def test_the_same_pdf_uploaded_twice_is_refused_the_second_time(front_desk, client_for):
    c = client_for(front_desk)
    for expected in (302, 422):
        upload = SimpleUploadedFile("fax.pdf", pdf_bytes(), content_type="application/pdf")
        response = c.post(reverse("assistant:mail_upload"), {"file": upload})
        assert response.status_code == expected
    assert "already in the inbox" in response.content.decode()
    assert Task.objects.filter(kind=Task.Kind.OFFICE_MAIL).count() == 1


def test_a_damaged_pdf_upload_is_refused(front_desk, client_for):
    upload = SimpleUploadedFile("cut.pdf", b"%PDF-1.7\n%broken", content_type="application/pdf")
    response = client_for(front_desk).post(reverse("assistant:mail_upload"), {"file": upload})
    assert response.status_code == 422
    assert not Task.objects.exists()


def test_the_worker_scans_each_clinics_folder_under_the_setting(db, clinic, other_clinic, tmp_path):
    # given a folder named after the clinic and one named after nobody
    (tmp_path / clinic.name).mkdir()
    (tmp_path / "Somebody Else").mkdir()
    drop(tmp_path / clinic.name, "a.pdf", pdf_bytes("a"))
    drop(tmp_path / "Somebody Else", "b.pdf", pdf_bytes("b"))
    # when the worker runs a pass
    with override_settings(MEDASSIST_OFFICE_MAIL_DIR=str(tmp_path)):
        done = run_once()
    # then only the clinic's folder was taken in
    assert done["office_mail"] == 1
    assert Task.objects.get(kind=Task.Kind.OFFICE_MAIL).clinic == clinic
    assert (tmp_path / "Somebody Else" / "b.pdf").exists()


def test_the_worker_job_does_nothing_without_the_setting(db, clinic):
    assert mail.office_mail_scan() == 0


def test_the_command_reports_each_file(db, clinic, tmp_path):
    drop(tmp_path, "a.pdf", pdf_bytes())
    drop(tmp_path, "b.txt", b"no")
    out = io.StringIO()
    call_command("office_mail", clinic=clinic.name, folder=str(tmp_path), stdout=out)
    text = out.getvalue()
    assert "stored   a.pdf" in text and "rejected b.txt" in text
    assert "stored 1, duplicates 0, rejected 1, waiting 0" in text


def test_the_command_refuses_an_unknown_clinic_or_folder(db, clinic, tmp_path):
    with pytest.raises(CommandError, match="No clinic named"):
        call_command("office_mail", clinic="Nowhere", folder=str(tmp_path))
    with pytest.raises(CommandError, match="does not exist"):
        call_command("office_mail", clinic=clinic.name, folder=str(tmp_path / "missing"))


def test_another_clinics_mail_pdf_is_404(front_desk, other_clinic, client_for, tmp_path):
    drop(tmp_path, "theirs.pdf", pdf_bytes())
    mail.office_mail_scan_folder(clinic=other_clinic, folder=tmp_path)
    task = Task.objects.get(kind=Task.Kind.OFFICE_MAIL)
    response = client_for(front_desk).get(reverse("assistant:mail_pdf", args=[task.public_id]))
    assert response.status_code == 404


def test_a_link_in_the_folder_is_moved_aside_and_its_target_is_not_read(db, clinic, tmp_path):
    elsewhere = tmp_path.parent / f"{tmp_path.name}-secret.pdf"
    elsewhere.write_bytes(pdf_bytes("not for the inbox"))
    (tmp_path / "link.pdf").symlink_to(elsewhere)
    old = time.time() - 60
    os.utime(tmp_path / "link.pdf", (old, old), follow_symlinks=False)
    result = mail.office_mail_scan_folder(clinic=clinic, folder=tmp_path)
    assert "Not a plain file" in result.rejected[0][1]
    assert not Task.objects.exists()
    assert (tmp_path / "rejected" / "link.pdf").is_symlink() and elsewhere.exists()
