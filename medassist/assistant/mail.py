"""Office mail: scanned letters and faxes (PDF) waiting in the inbox to be matched to a
patient and filed to the chart through the records app's document service.

Two ways in, one rule: each file is stored once per clinic (by its SHA-256).
- an upload on the inbox screen (`office_mail_upload`);
- a watched folder (`office_mail_scan_folder`, run by `medassist office-mail` or the worker):
  every PDF dropped into the folder becomes an inbox item and the original moves to
  `done/`; a file that is not a PDF, is damaged, empty or too large moves to `rejected/`
  with a `<name>.reason.txt` beside it. Nothing is deleted."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import time
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from medassist.assistant.errors import Code, MailNotPdf
from medassist.assistant.models import Task
from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.errors import ValidationFailed
from medassist.patients.models import Patient
from medassist.practice.models import Clinic, User
from medassist.practice.roles import require, staff_clinic
from medassist.records.services.documents import document_upload, read_upload

log = logging.getLogger("medassist.assistant.mail")

DONE_DIR, REJECTED_DIR = "done", "rejected"
SETTLE_SECONDS = 10.0  # a file younger than this may still be being written by the scanner


def pdf_problem(data: bytes) -> str:
    """Why these bytes are not a readable PDF ("" when they are)."""
    if not data:
        return "The file is empty."
    if data.lstrip()[:5] != b"%PDF-":
        return "The file is not a PDF (office mail must be a scanned letter or fax as PDF)."
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(BytesIO(data), strict=False)
        if len(reader.pages) < 1:
            return "The PDF has no pages."
        reader.pages[0].mediabox  # noqa: B018 - reading the first page proves it is there
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        return f"The PDF is damaged and cannot be read ({type(exc).__name__})."
    return ""


def _duplicate(clinic: Clinic, digest: str) -> Task | None:
    return (
        Task.objects.filter(clinic=clinic, kind=Task.Kind.OFFICE_MAIL, content_hash=digest)
        .order_by("id")
        .first()
    )


def _store(*, actor: User | None, clinic: Clinic, data: bytes, name: str, title: str,
           source: str) -> Task:
    task = Task(
        clinic=clinic,
        kind=Task.Kind.OFFICE_MAIL,
        title=(title or "").strip()[:200] or f"Office mail: {name}",
        content_hash=hashlib.sha256(data).hexdigest(),
        source=source,
        created_by=actor,
        updated_by=actor,
    )
    task.file.save(name, ContentFile(data), save=False)
    task.save()
    audit_record(
        actor=actor, action=AuditEvent.Action.CREATE, obj=task, clinic=clinic,
        detail={"source": source, "sha256": task.content_hash},
    )
    return task


@transaction.atomic
def office_mail_upload(*, actor: User, uploaded_file, title: str = "") -> Task:
    """A scanned letter or fax (PDF) waiting in the inbox to be matched to a patient."""
    require(actor, "document.upload")
    clinic = staff_clinic(actor)
    data, mime = read_upload(uploaded_file)
    if mime != "application/pdf":
        raise MailNotPdf("Office mail must be a PDF (a scanned letter or fax).", field="file")
    problem = pdf_problem(data)
    if problem:
        raise MailNotPdf(problem, field="file")
    if _duplicate(clinic, hashlib.sha256(data).hexdigest()) is not None:
        raise ValidationFailed(
            "This PDF is already in the inbox (the same file was received before).",
            field="file", code=Code.MAIL_DUPLICATE,
        )
    name = (getattr(uploaded_file, "name", "") or "mail.pdf").rsplit("/", 1)[-1][:100]
    return _store(actor=actor, clinic=clinic, data=data, name=name, title=title, source="upload")


@transaction.atomic
def office_mail_file(*, actor: User, task: Task, patient: Patient, title: str = "") -> Task:
    """File a piece of office mail to the patient's chart (records' document service) and
    mark it done."""
    require(actor, "document.upload")
    clinic = staff_clinic(actor)
    if task.kind != Task.Kind.OFFICE_MAIL or task.clinic_id != clinic.pk:
        raise ValidationFailed("Unknown office mail.", field="task")
    if task.filed_document_id:
        raise ValidationFailed("This mail is already filed.", code=Code.MAIL_FILED)
    if patient.clinic_id != clinic.pk:
        raise ValidationFailed("Unknown patient.", field="patient")
    with task.file.open("rb") as fh:
        data = fh.read()
    upload = ContentFile(data, name=(task.file.name or "mail.pdf").rsplit("/", 1)[-1])
    doc = document_upload(
        actor=actor,
        patient=patient,
        uploaded_file=upload,
        title=(title or task.title)[:200],
        note="Filed from the office mail inbox.",
    )
    task.patient = patient
    task.filed_document_id = doc.public_id
    task.status = Task.Status.DONE
    task.done_at = timezone.now()
    task.updated_by = actor
    task.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=task,
        patient=patient,
        detail={"filed_document": str(doc.public_id)},
    )
    return task


# --- the watched folder ---------------------------------------------------------------------


@dataclass
class ScanResult:
    stored: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    waiting: list[str] = field(default_factory=list)  # still being written: next pass

    def counts(self) -> dict[str, int]:
        return {"stored": len(self.stored), "duplicates": len(self.duplicates),
                "rejected": len(self.rejected), "waiting": len(self.waiting)}


def _free_name(folder: Path, name: str) -> Path:
    target = folder / name
    stem, suffix = os.path.splitext(name)
    n = 1
    while target.exists():
        target = folder / f"{stem}-{n}{suffix}"
        n += 1
    return target


def _move_aside(path: Path, folder: Path, reason: str = "") -> Path:
    folder.mkdir(exist_ok=True)
    target = _free_name(folder, path.name)
    os.replace(path, target)
    if reason:
        stamp = timezone.now().isoformat(timespec="seconds")
        target.with_name(target.name + ".reason.txt").write_text(
            f"{stamp} {path.name}: {reason}\n", encoding="utf-8"
        )
    return target


def office_mail_scan_folder(
    *, clinic: Clinic, folder: str | os.PathLike, settle_seconds: float = SETTLE_SECONDS
) -> ScanResult:
    """Take every file dropped into `folder` (not its subfolders, not hidden files) into the
    clinic's inbox as office mail. A PDF already received (same SHA-256) is not stored again.
    The original then moves to `done/`; a file that cannot be office mail moves to
    `rejected/` with its reason. Files changed in the last `settle_seconds` wait for the next
    pass (a scanner may still be writing them)."""
    root = Path(folder)
    if not root.is_dir():
        raise ValidationFailed(f"The mail folder {root} does not exist.", field="folder")
    result = ScanResult()
    limit = settings.MEDASSIST_MAX_DOCUMENT_BYTES
    now = time.time()
    for path in sorted(root.iterdir()):
        if path.name.startswith(".") or path.is_dir():
            continue
        try:
            info = path.lstat()
            if now - info.st_mtime < settle_seconds:
                result.waiting.append(path.name)
                continue
            if path.is_symlink() or not path.is_file():
                reason = "Not a plain file (a link or a device): put the PDF itself here."
            elif info.st_size > limit:
                reason = f"The file is too large ({info.st_size} bytes; the limit is {limit})."
            else:
                data = path.read_bytes()
                reason = pdf_problem(data)
            if reason:
                _move_aside(path, root / REJECTED_DIR, reason)
        except FileNotFoundError:
            continue  # taken meanwhile (another worker's pass)
        if reason:
            result.rejected.append((path.name, reason))
            audit_record(
                actor=None, action=AuditEvent.Action.CREATE, object_type="assistant.mail_rejected",
                clinic=clinic, detail={"file": path.name[:200], "reason": reason},
            )
            log.warning("office mail %s rejected: %s", path, reason)
            continue
        digest = hashlib.sha256(data).hexdigest()
        with transaction.atomic():
            # one pass at a time per clinic: two workers never store the same file twice
            Clinic.objects.select_for_update().filter(pk=clinic.pk).first()
            if _duplicate(clinic, digest) is None:
                _store(actor=None, clinic=clinic, data=data, name=path.name[:100], title="",
                       source="folder")
                result.stored.append(path.name)
            else:
                result.duplicates.append(path.name)
        # the row is committed: only now does the original leave the folder (a crash in
        # between finds it again next pass, and its hash says it is already stored)
        with contextlib.suppress(FileNotFoundError):
            _move_aside(path, root / DONE_DIR)
    return result


def office_mail_folders() -> list[tuple[Clinic, Path]]:
    """The watched folders the worker scans: `MEDASSIST_OFFICE_MAIL_DIR/<clinic name>/` for
    each clinic that has one (empty setting: none)."""
    base = getattr(settings, "MEDASSIST_OFFICE_MAIL_DIR", "") or os.environ.get(
        "MEDASSIST_OFFICE_MAIL_DIR", ""
    )
    if not base or not Path(base).is_dir():
        return []
    by_name = {p.name.casefold(): p for p in Path(base).iterdir() if p.is_dir()}
    found = []
    for clinic in Clinic.objects.order_by("id"):
        folder = by_name.get(clinic.name.casefold())
        if folder is not None:
            found.append((clinic, folder))
    return found


def office_mail_scan(*, now=None) -> int:
    """The worker's job: scan every clinic's watched folder; returns how many were stored."""
    stored = 0
    for clinic, folder in office_mail_folders():
        stored += len(office_mail_scan_folder(clinic=clinic, folder=folder).stored)
    return stored
