"""Writes for patients and their coverage. Every write is audited in its own transaction."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.errors import NotFound, ValidationFailed, from_django_validation
from medassist.core.normalize import name_key, phone_e164, us_state
from medassist.patients.errors import DuplicatePatient, ReasonRequired
from medassist.patients.models import Coverage, EmergencyAccess, Patient
from medassist.patients.selectors import patient_duplicates
from medassist.practice.models import Clinic, Payer, User
from medassist.practice.roles import require, staff_clinic

PATIENT_FIELDS = (
    "first_name",
    "middle_name",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "sex",
    "phone_mobile",
    "phone_home",
    "email",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "postal_code",
    "preferred_language",
    "emergency_contact_name",
    "emergency_contact_relationship",
    "emergency_contact_phone",
)
PHONE_FIELDS = ("phone_mobile", "phone_home", "emergency_contact_phone")


def _clean_patient_values(values: dict) -> dict:
    unknown = set(values) - set(PATIENT_FIELDS)
    if unknown:
        raise ValidationFailed(f"Unknown patient field(s): {', '.join(sorted(unknown))}.")
    cleaned = {}
    errors: dict[str, list[str]] = {}
    for key, value in values.items():
        if isinstance(value, str):
            value = value.strip()
        if key in PHONE_FIELDS:
            try:
                value = phone_e164(value or "", field=key)
            except ValidationFailed as exc:
                errors[key] = [exc.message]
                continue
        if key == "state" and value:
            try:
                value = us_state(value)
            except ValidationFailed as exc:
                errors[key] = [exc.message]
                continue
        cleaned[key] = value
    dob = cleaned.get("date_of_birth")
    if dob is not None:
        if not isinstance(dob, date):
            errors["date_of_birth"] = ["Enter the date of birth as YYYY-MM-DD."]
        elif dob > timezone.localdate():
            errors["date_of_birth"] = ["Date of birth cannot be in the future."]
        elif dob.year < 1890:
            errors["date_of_birth"] = ["Date of birth is too far in the past; please re-check."]
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first, errors=errors)
    return cleaned


def _validate(obj, exclude=None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise from_django_validation(exc) from exc


def _next_mrn(clinic: Clinic) -> str:
    # Lock the clinic row (PostgreSQL) / hold the write lock (SQLite) while taking the number.
    locked = Clinic.objects.select_for_update().get(pk=clinic.pk)
    number = locked.next_mrn
    Clinic.objects.filter(pk=clinic.pk).update(next_mrn=number + 1)
    return f"{locked.mrn_prefix}{number:06d}"


@transaction.atomic
def patient_register(*, actor: User, allow_duplicate: bool = False, **values) -> Patient:
    """Register a patient. Refuses a likely duplicate (same name and date of birth) unless the
    caller has looked at the candidates and says this is a different person."""
    require(actor, "patient.register")
    values = _clean_patient_values(values)
    for required in ("first_name", "last_name", "date_of_birth", "sex"):
        if not values.get(required):
            raise ValidationFailed(
                f"{required.replace('_', ' ').capitalize()} is required.", field=required
            )
    clinic = staff_clinic(actor)
    patient = Patient(clinic=clinic, **values)
    patient.first_name_key = name_key(patient.first_name)
    patient.last_name_key = name_key(patient.last_name)
    _validate(patient, exclude=["mrn", "clinic"])
    if not allow_duplicate:
        candidates = list(
            patient_duplicates(
                clinic_id=clinic.pk,
                first_name=patient.first_name,
                last_name=patient.last_name,
                date_of_birth=patient.date_of_birth,
            )
        )
        if candidates:
            raise DuplicatePatient(
                "A patient with this name and date of birth is already registered: "
                + "; ".join(f"{c.display_name} ({c.mrn})" for c in candidates)
                + ". Open that chart, or confirm this is a different person.",
                extra={"candidates": [{"id": str(c.public_id), "mrn": c.mrn} for c in candidates]},
            )
    patient.mrn = _next_mrn(clinic)
    patient.stamp(actor)
    patient.save()
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, obj=patient, patient=patient)
    return patient


@transaction.atomic
def patient_update(*, actor: User, patient: Patient, **values) -> Patient:
    require(actor, "patient.edit")
    values = _clean_patient_values(values)
    changed = {}
    for key, value in values.items():
        old = getattr(patient, key)
        if old != value:
            changed[key] = {"from": str(old), "to": str(value)}
            setattr(patient, key, value)
    if not changed:
        return patient
    patient.first_name_key = name_key(patient.first_name)
    patient.last_name_key = name_key(patient.last_name)
    _validate(patient, exclude=["mrn", "clinic"])
    patient.stamp(actor)
    patient.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=patient,
        patient=patient,
        detail={"changed": sorted(changed)},
    )
    return patient


@transaction.atomic
def patient_confirm_demographics(*, actor: User, patient: Patient) -> Patient:
    require(actor, "appointment.check_in")
    patient.demographics_confirmed_at = timezone.now()
    patient.stamp(actor)
    patient.save(update_fields=["demographics_confirmed_at", "updated_at", "updated_by"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=patient,
        patient=patient,
        detail={"confirmed": "demographics"},
    )
    return patient


@transaction.atomic
def patient_mark_deceased(
    *, actor: User, patient: Patient, deceased_on: date | None = None
) -> Patient:
    """Record that the patient has died: they become inactive, so no reminder, recall or
    waitlist offer reaches them and name searches leave them out (their MRN still finds
    them). The chart is kept as it is. Already inactive: nothing changes."""
    require(actor, "patient.edit")
    if patient.clinic_id != actor.clinic_id:
        raise ValidationFailed("Unknown patient.")
    if deceased_on is not None and deceased_on > timezone.localdate(
        timezone=staff_clinic(actor).tz
    ):
        raise ValidationFailed("The date of death cannot be in the future.", field="deceased_on")
    if not patient.active:
        return patient
    patient.active = False
    patient.stamp(actor)
    patient.save(update_fields=["active", "updated_at", "updated_by"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=patient,
        patient=patient,
        detail={
            "changed": ["active"],
            "deceased": deceased_on.isoformat() if deceased_on else True,
        },
    )
    return patient


COVERAGE_FIELDS = (
    "member_id",
    "group_number",
    "subscriber_name",
    "subscriber_date_of_birth",
    "relationship",
    "priority",
    "copay",
    "active",
)


def _coverage_values(values: dict) -> dict:
    unknown = set(values) - set(COVERAGE_FIELDS)
    if unknown:
        raise ValidationFailed(f"Unknown coverage field(s): {', '.join(sorted(unknown))}.")
    cleaned = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}
    copay = cleaned.get("copay")
    if copay not in (None, ""):
        try:
            copay = Decimal(str(copay))
        except ArithmeticError as exc:
            raise ValidationFailed("Copay must be an amount like 25.00.", field="copay") from exc
        if copay < 0 or copay > Decimal("10000"):
            raise ValidationFailed("Copay must be between 0 and 10,000.", field="copay")
        cleaned["copay"] = copay
    elif "copay" in cleaned:
        cleaned["copay"] = None
    return cleaned


def _payer_for(actor: User, payer) -> Payer:
    if isinstance(payer, Payer):
        if payer.clinic_id != actor.clinic_id:
            raise ValidationFailed("Unknown payer.", field="payer")
        return payer
    try:
        return Payer.objects.get(public_id=payer, clinic=staff_clinic(actor), active=True)
    except (Payer.DoesNotExist, ValidationError, ValueError) as exc:
        raise ValidationFailed("Unknown payer.", field="payer") from exc


@transaction.atomic
def coverage_add(*, actor: User, patient: Patient, payer, **values) -> Coverage:
    require(actor, "coverage.edit")
    values = _coverage_values(values)
    if not values.get("member_id"):
        raise ValidationFailed("Member id is required.", field="member_id")
    coverage = Coverage(patient=patient, payer=_payer_for(actor, payer), **values)
    if coverage.relationship == Coverage.Relationship.SELF and not coverage.subscriber_name:
        coverage.subscriber_name = f"{patient.first_name} {patient.last_name}"
        coverage.subscriber_date_of_birth = patient.date_of_birth
    _validate(coverage, exclude=["patient", "payer"])
    coverage.stamp(actor)
    coverage.save()
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, obj=coverage, patient=patient)
    return coverage


@transaction.atomic
def coverage_update(*, actor: User, coverage: Coverage, payer=None, **values) -> Coverage:
    require(actor, "coverage.edit")
    values = _coverage_values(values)
    if payer is not None:
        coverage.payer = _payer_for(actor, payer)
    for key, value in values.items():
        setattr(coverage, key, value)
    if not coverage.member_id:
        raise ValidationFailed("Member id is required.", field="member_id")
    _validate(coverage, exclude=["patient", "payer"])
    coverage.stamp(actor)
    coverage.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=coverage,
        patient=coverage.patient,
        detail={"changed": sorted(values) + (["payer"] if payer is not None else [])},
    )
    return coverage


@transaction.atomic
def coverage_verify(*, actor: User, coverage: Coverage) -> Coverage:
    require(actor, "appointment.check_in")
    coverage.verified_at = timezone.now()
    coverage.stamp(actor)
    coverage.save(update_fields=["verified_at", "updated_at", "updated_by"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=coverage,
        patient=coverage.patient,
        detail={"confirmed": "insurance"},
    )
    return coverage


# ---------------------------------------------------------------------------- break-the-glass

REASON_MIN = 10


@transaction.atomic
def emergency_access_open(*, actor: User, patient: Patient, reason: str) -> EmergencyAccess:
    """Open emergency access to the patient's chart for the actor, for
    MEDASSIST_EMERGENCY_ACCESS_MINUTES (60 by default), with a reason a clinic admin will
    review. Physicians and medical assistants (`emergency_access.open`). Audited with the
    reason; one still in force is returned as it is (it is not stretched)."""
    require(actor, "emergency_access.open")
    if patient.clinic_id != actor.clinic_id:
        raise NotFound("No such patient.")
    reason = " ".join((reason or "").split())
    if len(reason) < REASON_MIN:
        raise ReasonRequired(
            "Say why you need emergency access (at least a few words); a clinic admin reviews "
            "every one.",
            field="reason",
        )
    now = timezone.now()
    current = EmergencyAccess.objects.filter(user=actor, patient=patient, ends_at__gt=now).first()
    if current is not None:
        return current
    minutes = settings.MEDASSIST_EMERGENCY_ACCESS_MINUTES
    access = EmergencyAccess(
        clinic_id=patient.clinic_id,
        patient=patient,
        user=actor,
        reason=reason[:2000],
        starts_at=now,
        ends_at=now + timedelta(minutes=minutes),
    )
    access.stamp(actor)
    access.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=access,
        patient=patient,
        detail={"emergency_access": "opened", "reason": access.reason, "minutes": minutes},
    )
    return access
