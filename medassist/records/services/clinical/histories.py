"""Writes for past medical, surgical and family history, and the social history."""

from __future__ import annotations

from django.db import transaction

from medassist.core.errors import ValidationFailed
from medassist.practice.models import User
from medassist.practice.roles import require
from medassist.records.models import (
    CodeSystem,
    HistoryEntry,
    SocialHistory,
)
from medassist.records.services._common import (
    chart_item_enter_in_error,
    check_fields,
    check_not_future,
    check_patient_in_clinic,
    clean_text,
    clinic_today,
    coded,
    recode,
    save_new,
    update_item,
)

# --- past medical, surgical and family history ------------------------------------------


def validate_history(today):
    def check(h: HistoryEntry) -> None:
        if h.status == HistoryEntry.Status.ENTERED_IN_ERROR:
            raise ValidationFailed("Use entered-in-error to withdraw a history entry.")
        if h.kind not in HistoryEntry.Kind.values:
            raise ValidationFailed("Choose past medical, surgical or family.", field="kind")
        check_not_future(h.date, field="date", label="Date", today=today)
        if h.kind == HistoryEntry.Kind.FAMILY:
            if not h.relation:
                raise ValidationFailed("Choose the family member.", field="relation")
        else:
            if h.relation or h.onset_age is not None or h.deceased is not None:
                raise ValidationFailed(
                    "Relation, onset age and deceased apply to family history only.",
                    field="relation",
                )
        if h.onset_age is not None and h.onset_age > 130:
            raise ValidationFailed("Onset age must be between 0 and 130.", field="onset_age")

    return check


@transaction.atomic
def history_entry_create(
    *,
    actor: User,
    patient,
    kind: str,
    display: str,
    code_system: str = CodeSystem.TEXT,
    code: str = "",
    date=None,
    date_text: str = "",
    relation: str = "",
    onset_age: int | None = None,
    deceased: bool | None = None,
    note: str = "",
    source_identifier: str = "",
) -> HistoryEntry:
    require(actor, "chart.edit")
    check_patient_in_clinic(actor, patient)
    label = "Procedure" if kind == HistoryEntry.Kind.SURGICAL else "Condition"
    system, code, display = coded(code_system, code, display, label=label)
    entry = HistoryEntry(
        patient=patient,
        kind=kind,
        code_system=system,
        code=code,
        display=display,
        date=date,
        date_text=clean_text(date_text, field="date_text", label="When", max_length=60),
        relation=relation or "",
        onset_age=onset_age,
        deceased=deceased,
        note=clean_text(note, field="note", label="Note", max_length=5000),
        source_identifier=source_identifier,
    )
    validate_history(clinic_today(actor))(entry)
    save_new(actor=actor, obj=entry)
    return entry


HISTORY_FIELDS = {
    "display",
    "code",
    "code_system",
    "date",
    "date_text",
    "relation",
    "onset_age",
    "deceased",
    "note",
}


@transaction.atomic
def history_entry_update(*, actor: User, entry: HistoryEntry, reason: str = "", **changes):
    check_fields(changes, HISTORY_FIELDS)
    recode(entry, changes)
    for name in ("relation", "date_text"):
        if name in changes and changes[name] is None:
            changes[name] = ""
    return update_item(
        actor=actor,
        obj=entry,
        changes=changes,
        allowed=HISTORY_FIELDS,
        validate=validate_history(clinic_today(actor)),
        reason=reason,
    )


def history_entry_enter_in_error(*, actor: User, entry: HistoryEntry, reason: str) -> HistoryEntry:
    return chart_item_enter_in_error(actor=actor, item=entry, reason=reason)


# --- social history ---------------------------------------------------------------------

SOCIAL_FIELDS = {
    "smoking_status",
    "pack_years",
    "tobacco_other",
    "alcohol_use",
    "drug_use",
    "occupation",
    "living_situation",
    "sexual_history",
    "exercise",
    "note",
}


def current_social_history(patient) -> SocialHistory | None:
    return SocialHistory.objects.filter(
        patient=patient, status=SocialHistory.Status.CURRENT
    ).first()


def validate_social(s: SocialHistory) -> None:
    if s.pack_years is not None and not (0 <= s.pack_years <= 300):
        raise ValidationFailed("Pack-years must be between 0 and 300.", field="pack_years")


@transaction.atomic
def social_history_save(
    *, actor: User, patient, reason: str = "", source_identifier: str = "", **fields
) -> SocialHistory:
    """Create the patient's social history, or update the current one (with history)."""
    require(actor, "chart.edit")
    check_patient_in_clinic(actor, patient)
    check_fields(fields, SOCIAL_FIELDS)
    for name in SOCIAL_FIELDS - {"pack_years"}:
        if name in fields:
            fields[name] = clean_text(
                fields[name],
                field=name,
                label=name.replace("_", " ").capitalize(),
                max_length=5000 if name == "note" else 300,
            )
    existing = current_social_history(patient)
    if existing is not None:
        return update_item(
            actor=actor,
            obj=existing,
            changes=fields,
            allowed=SOCIAL_FIELDS,
            validate=validate_social,
            reason=reason,
        )
    social = SocialHistory(patient=patient, source_identifier=source_identifier, **fields)
    validate_social(social)
    save_new(actor=actor, obj=social)
    return social


def social_history_enter_in_error(*, actor: User, social: SocialHistory, reason: str):
    return chart_item_enter_in_error(actor=actor, item=social, reason=reason)
