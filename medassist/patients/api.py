"""Patients and coverage for API clients: the same selectors and services as the screens."""

from __future__ import annotations

import uuid

from ninja import Router
from ninja.responses import codes_4xx

from medassist.core.errors import NotFound
from medassist.patients.errors import SearchByPost
from medassist.patients.models import Coverage, Patient
from medassist.patients.schemas import (
    CoverageIn,
    CoverageOut,
    CoveragePatch,
    DuplicateOut,
    PatientIn,
    PatientOut,
    PatientPatch,
    PatientSearchIn,
    PatientSummaryOut,
)
from medassist.patients.selectors import (
    access_coverage,
    access_patient,
    coverage_list,
    patient_search,
)
from medassist.patients.services import coverage_add, coverage_update, patient_register
from medassist.patients.services import patient_update as patient_update_service
from medassist.practice.roles import require
from medassist.practice.schemas import ErrorOut, as_local, money

router = Router()

ERRORS = {codes_4xx: ErrorOut}


def _tz(request):
    return request.auth.clinic.tz


SUMMARY_FIELDS = tuple(PatientSummaryOut.model_fields)
DETAIL_FIELDS = tuple(PatientOut.model_fields)


def patient_data(patient: Patient, tz, *, full: bool = True) -> dict:
    fields = DETAIL_FIELDS if full else SUMMARY_FIELDS
    data = {name: getattr(patient, name) for name in fields if name != "id"}
    data["id"] = patient.public_id
    if full:
        data["demographics_confirmed_at"] = as_local(patient.demographics_confirmed_at, tz)
    return data


def coverage_data(coverage: Coverage, tz) -> dict:
    return {
        "id": coverage.public_id,
        "payer": {"id": coverage.payer.public_id, "name": coverage.payer.name},
        "member_id": coverage.member_id,
        "group_number": coverage.group_number,
        "subscriber_name": coverage.subscriber_name,
        "subscriber_date_of_birth": coverage.subscriber_date_of_birth,
        "relationship": coverage.relationship,
        "priority": coverage.priority,
        "copay": money(coverage.copay),
        "active": coverage.active,
        "verified_at": as_local(coverage.verified_at, tz),
    }


@router.get("", response={200: list[PatientSummaryOut], **ERRORS})
def list_patients(request):
    """An empty list: patients are found with `POST /api/patients/search`. A search in the
    query string (`?q=`) is refused with 400 `search_by_post` (proxies and logs keep URLs)."""
    if "q" in request.GET:
        raise SearchByPost(
            'Search patients with POST /api/patients/search and {"q": ..., "limit": ...} in the '
            "body: a URL's query string is kept in proxy and access logs."
        )
    return patient_search(user=request.auth, query="")


@router.post("/search", response={200: list[PatientSummaryOut], **ERRORS})
def search_patients(request, payload: PatientSearchIn):
    """Find patients of your clinic by name, MRN, birth date or phone (`q`, in the body).
    Every patient listed is recorded in the audit log."""
    patients = patient_search(user=request.auth, query=payload.q, limit=payload.limit)
    return [patient_data(p, _tz(request), full=False) for p in patients]


@router.post("", response={201: PatientOut, 409: DuplicateOut, **ERRORS})
def register_patient(request, payload: PatientIn):
    """Register a patient. A likely duplicate (same name and date of birth) is refused with
    409 `possible_duplicate` and its candidates, unless `allow_duplicate` is true."""
    require(request.auth, "patient.register")
    values = payload.model_dump()
    allow_duplicate = values.pop("allow_duplicate")
    patient = patient_register(actor=request.auth, allow_duplicate=allow_duplicate, **values)
    return 201, patient_data(patient, _tz(request))


@router.get("/{patient_id}", response={200: PatientOut, **ERRORS})
def get_patient(request, patient_id: uuid.UUID):
    return patient_data(access_patient(user=request.auth, id=patient_id), _tz(request))


@router.patch("/{patient_id}", response={200: PatientOut, **ERRORS})
def update_patient(request, patient_id: uuid.UUID, payload: PatientPatch):
    """Change only the fields sent."""
    patient = access_patient(user=request.auth, id=patient_id)
    require(request.auth, "patient.edit")
    patient = patient_update_service(
        actor=request.auth, patient=patient, **payload.model_dump(exclude_unset=True)
    )
    return patient_data(patient, _tz(request))


@router.get("/{patient_id}/coverages", response={200: list[CoverageOut], **ERRORS})
def list_coverages(request, patient_id: uuid.UUID):
    patient = access_patient(user=request.auth, id=patient_id)
    return [coverage_data(c, _tz(request)) for c in coverage_list(patient=patient)]


@router.post("/{patient_id}/coverages", response={201: CoverageOut, **ERRORS})
def add_coverage(request, patient_id: uuid.UUID, payload: CoverageIn):
    patient = access_patient(user=request.auth, id=patient_id, audit=False)
    require(request.auth, "coverage.edit")
    values = payload.model_dump()
    payer = values.pop("payer")
    coverage = coverage_add(actor=request.auth, patient=patient, payer=payer, **values)
    return 201, coverage_data(coverage, _tz(request))


@router.patch("/{patient_id}/coverages/{coverage_id}", response={200: CoverageOut, **ERRORS})
def update_coverage(request, patient_id: uuid.UUID, coverage_id: uuid.UUID, payload: CoveragePatch):
    """Change only the fields sent; `copay` and `subscriber_date_of_birth` may be cleared."""
    patient = access_patient(user=request.auth, id=patient_id, audit=False)
    coverage = access_coverage(user=request.auth, id=coverage_id)
    if coverage.patient_id != patient.pk:
        raise NotFound("No such coverage.")
    require(request.auth, "coverage.edit")
    values = payload.model_dump(exclude_unset=True)
    payer = values.pop("payer", None)
    coverage = coverage_update(actor=request.auth, coverage=coverage, payer=payer, **values)
    return coverage_data(coverage, _tz(request))
