"""Encounter notes: draft → signed; a signed note is amended (new row + reason), never edited."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from medassist.core.errors import Conflict, PermissionDenied, ValidationFailed
from medassist.practice.models import User
from medassist.practice.roles import can, require
from medassist.records.errors import NoteSigned
from medassist.records.models import ChartHistory, Encounter, Note
from medassist.records.services._common import (
    chart_item_enter_in_error,
    check_patient_in_clinic,
    clean_reason,
    clean_text,
    diff,
    full_clean,
    lock,
    record_change,
    save_new,
    snapshot,
)

BODY_MAX = 100_000


def _title(value) -> str:
    return clean_text(value, field="title", label="Title", max_length=200, required=True)


def _body(value) -> str:
    return clean_text(value, field="body", label="The note", max_length=BODY_MAX, required=True)


def validate_note(actor: User, now):
    """The rules of a note written elsewhere and brought in whole (ChartImport): a draft or a
    signed note, by an author of this clinic who may write notes, signed (when signed) by one
    who may sign, no later than now and not before its encounter began."""

    def check(n: Note) -> None:
        _title(n.title)
        _body(n.body)
        if n.status not in (Note.Status.DRAFT, Note.Status.SIGNED):
            raise ValidationFailed("A note is imported as a draft or signed.", field="status")
        if n.amends_id is not None:
            raise ValidationFailed("Amendments are not imported.", field="amends")
        if n.encounter.is_entered_in_error:
            raise Conflict("That encounter was entered in error; notes cannot be added to it.")
        author = n.author
        if author.clinic_id != actor.clinic_id or not can(author, "note.write"):
            raise ValidationFailed(f"{author} may not write notes here.", field="author")
        if n.status == Note.Status.DRAFT:
            if n.signed_at is not None or n.signed_by_id is not None:
                raise ValidationFailed("A draft has no signature.", field="signed_at")
            return
        signer = n.signed_by
        if signer is None or signer.clinic_id != actor.clinic_id or not can(signer, "note.sign"):
            raise ValidationFailed(
                "A signed note needs a physician who signed it.", field="signed_by"
            )
        if n.signed_at is None or n.signed_at > now:
            raise ValidationFailed(
                "Give when the note was signed (not later than now).", field="signed_at"
            )
        if n.signed_at < n.encounter.start:
            raise ValidationFailed(
                "The note is signed before its encounter began.", field="signed_at"
            )

    return check


@transaction.atomic
def note_create(
    *,
    actor: User,
    encounter: Encounter,
    title: str,
    body: str,
    note_type: str = Note.Type.PROGRESS,
    source_identifier: str = "",
) -> Note:
    """Write a draft note on an encounter."""
    require(actor, "note.write")
    check_patient_in_clinic(actor, encounter.patient)
    if encounter.is_entered_in_error:
        raise Conflict("That encounter was entered in error; notes cannot be added to it.")
    note = Note(
        patient_id=encounter.patient_id,
        encounter=encounter,
        author=actor,
        note_type=note_type,
        title=_title(title),
        body=_body(body),
        status=Note.Status.DRAFT,
        source_identifier=source_identifier,
    )
    save_new(actor=actor, obj=note, patient=encounter.patient)
    return note


@transaction.atomic
def note_update(
    *, actor: User, note: Note, title: str | None = None, body: str | None = None, note_type=None
) -> Note:
    """Edit a draft. A signed (or amended, or entered-in-error) note is never changed."""
    require(actor, "note.write")
    check_patient_in_clinic(actor, note.patient)
    current = lock(note)
    if current.status != Note.Status.DRAFT:
        raise NoteSigned(
            "A signed note cannot be edited. Write an amendment with a reason instead."
        )
    before = snapshot(current)
    if title is not None:
        current.title = _title(title)
    if body is not None:
        current.body = _body(body)
    if note_type is not None:
        current.note_type = note_type
    full_clean(current)
    changed = diff(before, snapshot(current))
    if not changed:
        return current
    current.version += 1
    current.stamp(actor)
    current.save()
    record_change(actor=actor, obj=current, action=ChartHistory.Action.UPDATE, changes=changed)
    return current


@transaction.atomic
def note_sign(*, actor: User, note: Note) -> Note:
    """Sign a draft. Physicians only."""
    require(actor, "note.sign")
    check_patient_in_clinic(actor, note.patient)
    current = lock(note)
    if current.status != Note.Status.DRAFT:
        raise Conflict(f"Only a draft can be signed; this note is {current.get_status_display()}.")
    _body(current.body)
    before = snapshot(current)
    current.status = Note.Status.SIGNED
    current.signed_at = timezone.now()
    current.signed_by = actor
    current.version += 1
    current.stamp(actor)
    current.save()
    record_change(
        actor=actor,
        obj=current,
        action=ChartHistory.Action.SIGN,
        changes=diff(before, snapshot(current)),
    )
    return current


@transaction.atomic
def note_amend(
    *, actor: User, note: Note, body: str, reason: str, title: str | None = None
) -> Note:
    """Amend a signed note: a new signed Note row (amends=note) carries the corrected text and
    the reason; the original keeps its text and is marked "amended"."""
    require(actor, "note.sign")
    check_patient_in_clinic(actor, note.patient)
    why = clean_reason(reason)
    original = lock(note)
    if original.status == Note.Status.AMENDED:
        raise Conflict("This note was already amended; amend its latest version.")
    if original.status != Note.Status.SIGNED:
        raise Conflict("Only a signed note can be amended; edit the draft instead.")
    text = _body(body)
    if text == original.body and (title is None or title.strip() == original.title):
        raise ValidationFailed("The amendment does not change the note.", field="body")
    now = timezone.now()
    amendment = Note(
        patient_id=original.patient_id,
        encounter_id=original.encounter_id,
        author=actor,
        note_type=original.note_type,
        title=_title(title if title is not None else original.title),
        body=text,
        status=Note.Status.SIGNED,
        signed_at=now,
        signed_by=actor,
        amends=original,
        amendment_reason=why,
    )
    amendment.version = 1
    amendment.stamp(actor)
    full_clean(amendment)
    amendment.save()
    record_change(
        actor=actor,
        obj=amendment,
        action=ChartHistory.Action.AMEND,
        changes=diff({}, snapshot(amendment)),
        reason=why,
        patient=note.patient,
    )
    before = snapshot(original)
    original.status = Note.Status.AMENDED
    original.version += 1
    original.stamp(actor)
    original.save()
    record_change(
        actor=actor,
        obj=original,
        action=ChartHistory.Action.AMEND,
        changes={
            **diff(before, snapshot(original)),
            "amended_by": {"before": None, "after": str(amendment.public_id)},
        },
        reason=why,
        patient=note.patient,
    )
    return amendment


def note_enter_in_error(*, actor: User, note: Note, reason: str) -> Note:
    """A draft may be withdrawn by its author (or a physician); anything signed needs a
    physician."""
    if note.status == Note.Status.DRAFT and note.author_id == getattr(actor, "pk", None):
        permission = "note.write"
    else:
        permission = "note.sign"
    if not can(actor, permission):
        raise PermissionDenied("Only a physician can withdraw a signed note or another's draft.")
    return chart_item_enter_in_error(actor=actor, item=note, reason=reason, permission=permission)
