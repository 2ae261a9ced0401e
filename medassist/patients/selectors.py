"""Reads of patient data. Each read of a patient writes an audit event."""

from __future__ import annotations

import re
from datetime import date, datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_patients_listed, audit_record
from medassist.core.access import get_scoped
from medassist.core.errors import NotFound
from medassist.core.normalize import name_key
from medassist.patients.models import Coverage, EmergencyAccess, Patient
from medassist.practice.roles import require


def access_patient(*, user, id, audit: bool = True) -> Patient:
    require(user, "patient.view")
    patient = get_scoped(
        Patient.objects.all(), public_id=id, what="patient", clinic_id=user.clinic_id
    )
    if audit:
        audit_record(actor=user, action=AuditEvent.Action.READ, obj=patient, patient=patient)
    return patient


def picked_patient(*, user, id, audit: bool = True) -> Patient | None:
    """The patient a form or link names (`access_patient`), or None when it names none or
    one that is not in the user's clinic: a form then asks to choose again."""
    if not id:
        return None
    try:
        return access_patient(user=user, id=id, audit=audit)
    except NotFound:
        return None


def access_coverage(*, user, id) -> Coverage:
    require(user, "patient.view")
    return get_scoped(
        Coverage.objects.select_related("payer", "patient"),
        public_id=id,
        what="coverage",
        patient__clinic_id=user.clinic_id,
    )


def coverage_list(*, patient: Patient, active_only: bool = False) -> QuerySet[Coverage]:
    qs = Coverage.objects.filter(patient=patient).select_related("payer")
    return qs.filter(active=True) if active_only else qs


def patient_duplicates(
    *, clinic_id: int, first_name: str, last_name: str, date_of_birth: date
) -> QuerySet[Patient]:
    return Patient.objects.filter(
        clinic_id=clinic_id,
        first_name_key=name_key(first_name),
        last_name_key=name_key(last_name),
        date_of_birth=date_of_birth,
        active=True,
    )


_DATE_PATTERNS = ("%Y-%m-%d", "%m/%d/%Y", "%m-%d-%Y")


def _as_date(text: str) -> date | None:
    for fmt in _DATE_PATTERNS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def patient_search(*, user, query: str, limit: int = 25) -> list[Patient]:
    """Find active patients by name ("smith", "smith, jo", "jo smith"), MRN, date of birth or
    phone. A patient's exact MRN finds them even when inactive (e.g. deceased): the caller
    shows `active`. The patients shown are audited as listed."""
    require(user, "patient.view")
    query = (query or "").strip()
    if not query:
        return []
    clinic_patients = Patient.objects.filter(clinic_id=user.clinic_id)
    qs = clinic_patients.filter(active=True)
    dob = _as_date(query)
    digits = re.sub(r"\D", "", query)
    if dob:
        qs = qs.filter(date_of_birth=dob)
    elif query.upper().startswith(user.clinic.mrn_prefix.upper()) and digits:
        exact = clinic_patients.filter(mrn__iexact=query)
        qs = qs.filter(mrn__istartswith=query.upper()) | exact
    elif len(digits) >= 7 and len(digits) == len(re.sub(r"[\s()+.-]", "", query)):
        qs = qs.filter(
            Q(phone_mobile__endswith=digits[-10:]) | Q(phone_home__endswith=digits[-10:])
        )
    else:
        if "," in query:
            last, _, first = query.partition(",")
            parts = [(name_key(last), "last"), (name_key(first), "first")]
        else:
            words = [name_key(w) for w in query.split()]
            parts = [(w, "any") for w in words if w]
        for key, which in parts:
            if not key:
                continue
            if which == "last":
                qs = qs.filter(last_name_key__startswith=key)
            elif which == "first":
                qs = qs.filter(first_name_key__startswith=key)
            else:
                qs = qs.filter(Q(last_name_key__startswith=key) | Q(first_name_key__startswith=key))
    results = list(qs.order_by("last_name_key", "first_name_key", "date_of_birth")[:limit])
    audit_patients_listed(
        actor=user, patients=results, object_type="patients.Patient", detail={"search": True}
    )
    return results


def emergency_access_in_force(*, user, patient: Patient) -> EmergencyAccess | None:
    """The user's emergency access to this patient's chart while it lasts, else None. What a
    restriction on a chart asks before it refuses (none exists today)."""
    return EmergencyAccess.objects.filter(
        user_id=user.pk, patient=patient, ends_at__gt=timezone.now()
    ).first()


def emergency_access_list(*, user) -> QuerySet[EmergencyAccess]:
    """Every emergency access of the user's clinic, newest first, for the clinic admin's
    review (`emergency_access.review`)."""
    require(user, "emergency_access.review")
    return EmergencyAccess.objects.filter(clinic_id=user.clinic_id).select_related(
        "patient", "user"
    )
