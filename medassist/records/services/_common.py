"""What every chart write shares: validation helpers (the coded triple, text, dates), the
history row, the audit event, and the generic create / update / entered-in-error steps."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.errors import Conflict, ValidationFailed, from_django_validation
from medassist.practice.models import User
from medassist.practice.roles import require
from medassist.records.codes import cvx_check, icd10_check
from medassist.records.models import ENTERED_IN_ERROR, ChartHistory, CodeSystem

# fields never shown as "changed" in history
_SKIP = {"id", "public_id", "created_at", "updated_at", "created_by", "updated_by", "version"}
REASON_MAX = 500


def _json_value(value):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return str(getattr(value, "public_id", value.pk))
    if hasattr(value, "name"):  # FieldFile
        return value.name or None
    return str(value)


_TRACKED: dict[type[models.Model], tuple[tuple[str, str, bool], ...]] = {}
_FOREIGN_KEYS: dict[type[models.Model], tuple[str, ...]] = {}


def _tracked(model: type[models.Model]) -> tuple[tuple[str, str, bool], ...]:
    """(name, attribute, is a foreign key) of each field a model's history records."""
    if model not in _TRACKED:
        fields = []
        for f in model._meta.concrete_fields:
            if f.name in _SKIP:
                continue
            foreign = isinstance(f, models.ForeignKey)
            if foreign and f.name == "patient":
                continue
            fields.append((f.name, f.attname, foreign))
        _TRACKED[model] = tuple(fields)
    return _TRACKED[model]


def tracked_fields(obj) -> list[str]:
    return [name for name, _attname, _foreign in _tracked(type(obj))]


def snapshot(obj) -> dict:
    """The item's tracked values, JSON-ready. Foreign keys are recorded by their raw id."""
    return {
        name: getattr(obj, attname) if foreign else _json_value(getattr(obj, name))
        for name, attname, foreign in _tracked(type(obj))
    }


def diff(before: dict, after: dict) -> dict:
    return {
        k: {"before": before.get(k), "after": v}
        for k, v in after.items()
        if before.get(k) != v and not (before.get(k) in (None, "") and v in (None, ""))
    }


def clean_text(value, *, field: str, label: str, max_length: int, required: bool = False) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value)
    if required and not text:
        raise ValidationFailed(f"{label} is required.", field=field)
    if len(text) > max_length:
        raise ValidationFailed(f"{label} is limited to {max_length:,} characters.", field=field)
    return text


def clean_reason(reason: str | None) -> str:
    return clean_text(
        reason, field="reason", label="A reason", max_length=REASON_MAX, required=True
    )


def check_not_future(value, *, field: str, label: str, today: dt.date) -> None:
    if value is None:
        return
    day = value.date() if isinstance(value, dt.datetime) else value
    if day > today:
        raise ValidationFailed(f"{label} cannot be in the future.", field=field)


def check_order(first, second, *, field: str, message: str) -> None:
    if first is not None and second is not None and second < first:
        raise ValidationFailed(message, field=field)


def check_patient_in_clinic(actor: User, patient) -> None:
    if patient is None or patient.clinic_id != actor.clinic_id:
        raise ValidationFailed("Unknown patient.", field="patient")


_CODE_SHAPES: dict[str, tuple[re.Pattern[str], str]] = {
    CodeSystem.RXNORM: (re.compile(r"^\d{1,10}$"), "RxNorm codes are digits only"),
    CodeSystem.LOINC: (re.compile(r"^\d{1,7}-\d$"), "LOINC codes look like 8480-6"),
    CodeSystem.SNOMED: (re.compile(r"^\d{6,18}$"), "SNOMED CT codes are 6 to 18 digits"),
    CodeSystem.CPT: (re.compile(r"^[0-9A-Z]{5}$"), "CPT codes are 5 characters"),
}


def coded(
    code_system: str, code: str, display: str, *, label: str = "Description"
) -> tuple[str, str, str]:
    """Check a (system, code, display) triple and return it cleaned. ICD-10-CM and CVX codes
    must exist; the display defaults to the official description when left blank."""
    system = code_system or CodeSystem.TEXT
    if system not in CodeSystem.values:
        raise ValidationFailed(f"Unknown code system {system!r}.", field="code_system")
    code = (code or "").strip()
    display = clean_text(display, field="display", label=label, max_length=300)
    if system == CodeSystem.ICD10CM:
        code, official = icd10_check(code)
        display = display or official
    elif system == CodeSystem.CVX:
        vaccine = cvx_check(code)
        code, display = vaccine.cvx, display or vaccine.name
    elif system == CodeSystem.TEXT:
        code = ""
    elif code:
        pattern, message = _CODE_SHAPES[system]
        if not pattern.match(code.upper()):
            raise ValidationFailed(f"{code} is not valid: {message}.", field="code")
        code = code.upper()
    if not display:
        raise ValidationFailed(f"{label} is required.", field="display")
    return system, code, display


def recode(obj, changes: dict, label: str = "Description") -> None:
    """When an update touches the code, re-check the coded triple."""
    if {"code", "code_system", "display"} & set(changes):
        code_changed = "code" in changes and changes["code"] != obj.code
        system = changes.pop("code_system", obj.code_system)
        code = changes.pop("code", obj.code)
        display = changes.pop("display", "" if code_changed else obj.display)
        changes["code_system"], changes["code"], changes["display"] = coded(
            system, code, display, label=label
        )


def check_encounter(encounter, patient) -> None:
    if encounter is not None and encounter.patient_id != patient.pk:
        raise ValidationFailed("That encounter belongs to another patient.", field="encounter")


def clinic_today(actor: User) -> dt.date:
    tz = getattr(getattr(actor, "clinic", None), "tz", None)
    return timezone.localdate(timezone=tz) if tz else timezone.localdate()


def _foreign_keys(model: type[models.Model]) -> tuple[str, ...]:
    if model not in _FOREIGN_KEYS:
        fields = model._meta.concrete_fields
        _FOREIGN_KEYS[model] = tuple(f.name for f in fields if isinstance(f, models.ForeignKey))
    return _FOREIGN_KEYS[model]


def full_clean(obj, *, exclude: tuple[str, ...] = ()) -> None:
    try:
        obj.full_clean(
            exclude=[*_foreign_keys(type(obj)), *exclude],
            validate_unique=False,
            validate_constraints=False,
        )
    except DjangoValidationError as exc:
        raise from_django_validation(exc) from exc


def actor_name(actor: User | None) -> str:
    if actor is None or getattr(actor, "pk", None) is None:
        return "system"
    return actor.get_full_name() or actor.username


def history_row(
    *, actor: User, obj, action: str, changes: dict, reason: str = "", at=None
) -> ChartHistory:
    """The (unsaved) history row of one change to one item."""
    return ChartHistory(
        patient_id=obj.patient_id,
        item_type=obj.ITEM_TYPE,
        item_id=obj.public_id,
        item_label=str(obj)[:300],
        version=obj.version,
        action=action,
        changes=changes,
        reason=reason,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=actor_name(actor),
        at=at or timezone.now(),
    )


_AUDIT_ACTION: dict[str, str] = {
    ChartHistory.Action.CREATE: AuditEvent.Action.CREATE,
    ChartHistory.Action.UPDATE: AuditEvent.Action.UPDATE,
    ChartHistory.Action.ENTERED_IN_ERROR: AuditEvent.Action.TRANSITION,
    ChartHistory.Action.SIGN: AuditEvent.Action.TRANSITION,
    ChartHistory.Action.AMEND: AuditEvent.Action.TRANSITION,
}


def record_change(
    *, actor: User, obj, action: str, changes: dict, reason: str = "", patient=None
) -> ChartHistory:
    """History row + audit event, in the caller's transaction."""
    row = history_row(actor=actor, obj=obj, action=action, changes=changes, reason=reason)
    row.save()
    audit_record(
        actor=actor,
        action=_AUDIT_ACTION[action],
        obj=obj,
        patient=patient or obj.patient,
        detail={"chart": action, "item_type": obj.ITEM_TYPE, "version": obj.version},
    )
    return row


def save_new(*, actor: User, obj, patient=None) -> None:
    """Stamp, validate, save a new chart item and record its creation."""
    obj.version = 1
    obj.stamp(actor)
    full_clean(obj)
    obj.save()
    record_change(
        actor=actor,
        obj=obj,
        action=ChartHistory.Action.CREATE,
        changes=diff({}, snapshot(obj)),
        patient=patient,
    )


def lock(obj):
    """Re-read the item under a row lock (PostgreSQL; SQLite writes are serialized)."""
    return type(obj).objects.select_for_update().get(pk=obj.pk)


def apply_update(*, actor: User, obj, changes: dict, validate=None, reason: str = ""):
    """Lock, apply `changes` (field → new value), validate, save; history only if something
    changed. Refused for items entered in error. Returns the fresh object."""
    current = lock(obj)
    if current.is_entered_in_error:
        raise Conflict("This item was marked entered in error and can no longer be changed.")
    before = snapshot(current)
    for name, value in changes.items():
        setattr(current, name, value)
    if validate is not None:
        validate(current)
    full_clean(current)
    changed = diff(before, snapshot(current))
    if not changed:
        return current
    current.version += 1
    current.stamp(actor)
    current.save()
    record_change(
        actor=actor, obj=current, action=ChartHistory.Action.UPDATE, changes=changed, reason=reason
    )
    return current


def check_fields(changes: dict, allowed: set[str]) -> None:
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationFailed(f"These fields cannot be changed here: {', '.join(unknown)}.")


def update_item(
    *,
    actor: User,
    obj,
    changes: dict,
    allowed: set[str],
    validate,
    reason: str = "",
    permission: str = "chart.edit",
):
    require(actor, permission)
    check_patient_in_clinic(actor, obj.patient)
    check_fields(changes, allowed)
    for name in ("display", "note", "reason", "reaction"):
        if name in changes and changes[name] is None:
            changes[name] = ""
    return apply_update(actor=actor, obj=obj, changes=changes, validate=validate, reason=reason)


@transaction.atomic
def chart_item_enter_in_error(*, actor: User, item, reason: str, permission: str = "chart.edit"):
    """Mark any chart item entered-in-error with a reason. Nothing is deleted."""
    require(actor, permission)
    check_patient_in_clinic(actor, item.patient)
    text = clean_reason(reason)
    current = lock(item)
    if current.is_entered_in_error:
        raise Conflict("This item is already marked entered in error.")
    before = snapshot(current)
    setattr(current, current.STATUS_FIELD, ENTERED_IN_ERROR)
    current.error_reason = text
    current.version += 1
    current.stamp(actor)
    current.save()
    record_change(
        actor=actor,
        obj=current,
        action=ChartHistory.Action.ENTERED_IN_ERROR,
        changes=diff(before, snapshot(current)),
        reason=text,
    )
    return current
