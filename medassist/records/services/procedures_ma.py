"""Procedures the MA assists or performs — exam assist, suture and staple removal, wound care,
dressing changes: the clinic's checklist (every item confirmed), consent where the kind needs
it, wound measurements (length × width × depth, cm), supplies used, photos (stored as chart
documents) and the clinician's co-signature. All or nothing: a refusal writes nothing."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.errors import Conflict, ValidationFailed
from medassist.practice.models import User
from medassist.practice.roles import require
from medassist.records.models import (
    ChartHistory,
    CodeSystem,
    Document,
    MaKind,
    Procedure,
    ProcedureChecklist,
)
from medassist.records.services._common import (
    check_encounter,
    check_patient_in_clinic,
    clean_text,
    diff,
    lock,
    record_change,
    save_new,
    snapshot,
)
from medassist.records.services.clinical.encounters import validate_procedure
from medassist.records.services.documents import document_upload, read_upload

_ID = "Patient identity checked (name and date of birth)"
_HANDS = "Hand hygiene and clean gloves"
_AFTER = "Aftercare explained and written instructions given"
DEFAULT_CHECKLISTS: dict[str, tuple[list[str], bool]] = {
    MaKind.EXAM_ASSIST: (
        [_ID, "Room, instruments and light prepared", "Chaperone offered",
         "Patient positioned and draped", "Specimens labelled at the bedside"],
        False,
    ),
    MaKind.SUTURE_REMOVAL: (
        [_ID, "Clinician's order for removal confirmed", "Wound inspected before removal",
         _HANDS, "Every suture counted and removed", "Adhesive strips applied if needed", _AFTER],
        True,
    ),
    MaKind.STAPLE_REMOVAL: (
        [_ID, "Clinician's order for removal confirmed", "Wound inspected before removal",
         _HANDS, "Every staple counted and removed with the remover",
         "Adhesive strips applied if needed", _AFTER],
        True,
    ),
    MaKind.WOUND_CARE: (
        [_ID, "Clinician's wound-care order confirmed", _HANDS, "Wound measured",
         "Wound cleaned as ordered", "Dressing applied", _AFTER],
        True,
    ),
    MaKind.DRESSING_CHANGE: (
        [_ID, _HANDS, "Old dressing removed and disposed of", "Wound inspected and measured",
         "New dressing applied, dated and initialled", _AFTER],
        False,
    ),
}
# Kinds whose wound must be measured.
WOUND_REQUIRED = frozenset({MaKind.WOUND_CARE, MaKind.DRESSING_CHANGE})
MAX_PHOTOS = 6


def checklist_for(clinic, kind: str) -> tuple[list[str], bool]:
    """(items, consent required) for a kind: the clinic's own, else the built-in one."""
    if kind not in MaKind.values:
        raise ValidationFailed("Choose the kind of procedure.", field="kind")
    own = ProcedureChecklist.objects.filter(clinic=clinic, kind=kind).first()
    if own is not None:
        return list(own.items), own.consent_required
    items, consent = DEFAULT_CHECKLISTS[kind]
    return list(items), consent


@transaction.atomic
def procedure_checklist_set(*, actor: User, kind: str, items: list[str],
                            consent_required: bool) -> ProcedureChecklist:
    """The clinic admin sets a kind's checklist (one item a line) and its consent rule."""
    require(actor, "practice.manage")
    if kind not in MaKind.values:
        raise ValidationFailed("Choose the kind of procedure.", field="kind")
    cleaned = [clean_text(i, field="items", label="Checklist item", max_length=200)
               for i in items]
    cleaned = [i for i in cleaned if i]
    if not cleaned:
        raise ValidationFailed("A checklist needs at least one item.", field="items")
    if len(cleaned) > 30 or len(set(cleaned)) != len(cleaned):
        raise ValidationFailed("At most 30 different items.", field="items")
    obj, created = ProcedureChecklist.objects.update_or_create(
        clinic=actor.clinic, kind=kind,
        defaults={"items": cleaned, "consent_required": bool(consent_required)},
    )
    audit_record(
        actor=actor, action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        obj=obj, clinic=actor.clinic,
        detail={"kind": kind, "items": len(cleaned), "consent_required": obj.consent_required},
    )
    return obj


@transaction.atomic
def procedure_checklist_reset(*, actor: User, kind: str) -> None:
    """The clinic admin drops the clinic's own checklist for a kind: the built-in one applies."""
    require(actor, "practice.manage")
    if kind not in MaKind.values:
        raise ValidationFailed("Choose the kind of procedure.", field="kind")
    own = ProcedureChecklist.objects.filter(clinic=actor.clinic, kind=kind).first()
    if own is None:
        raise Conflict("This kind already uses the built-in checklist.")
    audit_record(actor=actor, action=AuditEvent.Action.UPDATE, obj=own, clinic=actor.clinic,
                 detail={"kind": kind, "reset_to": "built-in", "previous": list(own.items)})
    own.delete()


def _cm(value, field: str, label: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed(f"{label} must be a number of cm.", field=field) from exc
    if not d.is_finite() or d < 0 or d > 100:
        raise ValidationFailed(f"{label} must be 0–100 cm.", field=field)
    return d.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _supplies(rows) -> list[dict]:
    out = []
    for row in rows or []:
        name = clean_text(str(row.get("name", "")), field="supplies", label="Supply",
                          max_length=120)
        if not name:
            continue
        try:
            qty = int(str(row.get("quantity", 1)).strip() or 1)
        except ValueError as exc:
            raise ValidationFailed(f"The quantity of {name} is not a whole number.",
                                   field="supplies") from exc
        if not 1 <= qty <= 999:
            raise ValidationFailed(f"The quantity of {name} must be 1–999.", field="supplies")
        out.append({"name": name, "quantity": qty})
    return out


@transaction.atomic
def ma_procedure_record(
    *,
    actor: User,
    patient,
    kind: str,
    checklist_done: list[str],
    consent_obtained: bool | None = None,
    wound_length_cm=None,
    wound_width_cm=None,
    wound_depth_cm=None,
    supplies: list[dict] | None = None,
    photos: list | None = None,
    body_site: str = "",
    note: str = "",
    encounter=None,
    performed_start=None,
) -> Procedure:
    require(actor, "chart.edit")
    check_patient_in_clinic(actor, patient)
    check_encounter(encounter, patient)
    items, consent_required = checklist_for(actor.clinic, kind)
    done = set(checklist_done or [])
    unknown = done - set(items)
    if unknown:
        raise ValidationFailed(f"Not on this checklist: {sorted(unknown)[0]}.", field="checklist")
    missing = [i for i in items if i not in done]
    if missing:
        raise ValidationFailed(
            f"Confirm every checklist item first; not yet: {missing[0]}.", field="checklist"
        )
    if consent_required and consent_obtained is not True:
        raise ValidationFailed(
            f"{MaKind(kind).label} needs the patient's consent; record it before the procedure.",
            field="consent_obtained",
        )
    dims = [_cm(wound_length_cm, "wound_length_cm", "Length"),
            _cm(wound_width_cm, "wound_width_cm", "Width"),
            _cm(wound_depth_cm, "wound_depth_cm", "Depth")]
    if kind in WOUND_REQUIRED and any(d is None for d in dims):
        raise ValidationFailed("Measure the wound: length, width and depth (cm).",
                               field="wound_length_cm")
    if any(d is not None for d in dims) and any(d is None for d in dims):
        raise ValidationFailed("Give all three wound measurements or none.",
                               field="wound_length_cm")
    if kind == MaKind.EXAM_ASSIST and any(d is not None for d in dims):
        raise ValidationFailed("An exam assist has no wound measurements.",
                               field="wound_length_cm")
    photos = [p for p in (photos or []) if p]
    if len(photos) > MAX_PHOTOS:
        raise ValidationFailed(f"At most {MAX_PHOTOS} photos.", field="photos")
    for photo in photos:  # checked before anything is written
        _data, mime = read_upload(photo)
        if not mime.startswith("image/"):
            raise ValidationFailed("Photos must be PNG, JPEG or TIFF images.", field="photos")
    when = performed_start or timezone.now()
    proc = Procedure(
        patient=patient,
        encounter=encounter,
        code_system=CodeSystem.TEXT,
        code="",
        display=MaKind(kind).label,
        performed_start=when,
        status=Procedure.Status.COMPLETED,
        body_site=clean_text(body_site, field="body_site", label="Body site", max_length=100),
        note=clean_text(note, field="note", label="Note", max_length=5000),
        ma_kind=kind,
        checklist=[{"item": i, "done": True} for i in items],
        consent_obtained=consent_obtained,
        wound_length_cm=dims[0],
        wound_width_cm=dims[1],
        wound_depth_cm=dims[2],
        supplies=_supplies(supplies),
        performed_by=actor,
    )
    validate_procedure(timezone.now())(proc)
    save_new(actor=actor, obj=proc)
    for k, photo in enumerate(photos, start=1):
        doc = document_upload(
            actor=actor, patient=patient, uploaded_file=photo, encounter=encounter,
            kind=Document.Kind.IMAGE, title=f"{MaKind(kind).label} photo {k}",
        )
        proc.photos.add(doc)
    return proc


@transaction.atomic
def procedure_cosign(*, actor: User, procedure: Procedure) -> Procedure:
    """The clinician co-signs an MA procedure (once)."""
    require(actor, "procedure.cosign")
    check_patient_in_clinic(actor, procedure.patient)
    current = lock(procedure)
    if not current.ma_kind:
        raise ValidationFailed("Only a procedure the MA performed is co-signed.")
    if current.is_entered_in_error:
        raise Conflict("This procedure was entered in error.")
    if current.cosigned_by_id:
        raise Conflict("This procedure is already co-signed.")
    before = snapshot(current)
    current.cosigned_by = actor
    current.cosigned_at = timezone.now()
    current.version += 1
    current.stamp(actor)
    current.save()
    record_change(actor=actor, obj=current, action=ChartHistory.Action.SIGN,
                  changes=diff(before, snapshot(current)), reason="co-signed")
    return current
