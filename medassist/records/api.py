"""The chart for API clients: read it, add to it, write/sign/amend notes, withdraw items.
Same services and selectors as the screens."""

from __future__ import annotations

import uuid

from ninja import Router
from ninja.responses import codes_4xx

from medassist.practice.schemas import ErrorOut, as_local
from medassist.records import selectors, services
from medassist.records.models import Encounter, SmokingStatus
from medassist.records.schemas import (
    AllergyIn,
    AllergyOut,
    AmendIn,
    ChartHistoryOut,
    ChartOut,
    EncounterIn,
    EncounterOut,
    EncounterPageOut,
    ImmunizationIn,
    ImmunizationOut,
    ItemStateOut,
    MedicationIn,
    MedicationOut,
    NkaOut,
    NoteIn,
    NoteOut,
    ProblemIn,
    ProblemOut,
    ReasonIn,
)

router = Router()

ERRORS = {codes_4xx: ErrorOut}


def _coded(item) -> dict:
    return {"system": item.code_system, "code": item.code, "display": item.display}


def problem_data(p) -> dict:
    return {
        "id": p.public_id,
        "coding": _coded(p),
        "clinical_status": p.clinical_status,
        "verification_status": p.verification_status,
        "onset_date": p.onset_date,
        "abatement_date": p.abatement_date,
        "note": p.note,
        "version": p.version,
    }


def allergy_data(a) -> dict:
    return {
        "id": a.public_id,
        "substance": a.display,
        "coding": _coded(a),
        "category": a.category,
        "reaction": a.reaction,
        "severity": a.severity,
        "criticality": a.criticality,
        "status": a.status,
        "onset_date": a.onset_date,
        "version": a.version,
    }


def nka_data(n, tz) -> dict:
    who = n.recorded_by
    return {
        "id": n.public_id,
        "status": n.status,
        "recorded_at": as_local(n.recorded_at, tz),
        "recorded_by": (who.get_full_name() or who.username) if who else "",
    }


def medication_data(m) -> dict:
    return {
        "id": m.public_id,
        "drug_name": m.display,
        "coding": _coded(m),
        "strength": m.strength,
        "dose": m.dose,
        "route": m.route,
        "frequency": m.frequency,
        "prescriber": m.prescriber_name,
        "start_date": m.start_date,
        "stop_date": m.stop_date,
        "status": m.status,
        "version": m.version,
    }


def immunization_data(i) -> dict:
    return {
        "id": i.public_id,
        "vaccine": _coded(i),
        "occurrence_date": i.occurrence_date,
        "lot_number": i.lot_number,
        "expiration_date": i.expiration_date,
        "site": i.site,
        "route": i.route,
        "dose_quantity": i.dose_quantity,
        "status": i.status,
        "primary_source": i.primary_source,
        "version": i.version,
    }


def _name(user) -> str | None:
    return (user.get_full_name() or user.username) if user else None


def note_data(n, tz, encounter_id) -> dict:
    return {
        "id": n.public_id,
        "encounter": encounter_id,
        "note_type": n.note_type,
        "title": n.title,
        "body": n.body,
        "status": n.status,
        "author": _name(n.author),
        "signed_at": as_local(n.signed_at, tz),
        "signed_by": _name(n.signed_by),
        "amends": n.amends.public_id if n.amends_id else None,
        "amendment_reason": n.amendment_reason,
        "version": n.version,
    }


def encounter_data(e: Encounter, tz, *, with_notes: bool = True) -> dict:
    return {
        "id": e.public_id,
        "start": as_local(e.start, tz),
        "end": as_local(e.end, tz),
        "class_code": e.class_code,
        "type_display": e.type_display,
        "status": e.status,
        "reason_text": e.reason_text,
        "provider": e.provider.display_name if e.provider is not None else None,
        "notes": [note_data(n, tz, e.public_id) for n in e.notes.all()] if with_notes else [],
    }


@router.get("/patients/{patient_id}/chart", response={200: ChartOut, **ERRORS})
def chart(request, patient_id: uuid.UUID):
    """The patient's chart summary: problems, allergies (or NKA), medications, immunizations,
    histories and social history. Entered-in-error items are left out."""
    user = request.auth
    patient = selectors.access_chart_patient(user=user, id=patient_id)
    s = selectors.chart_summary(patient)
    tz = user.clinic.tz
    social = s.social
    return {
        "patient": {"id": patient.public_id, "mrn": patient.mrn, "name": patient.display_name},
        "allergy_state": s.allergy_state,
        "nka": nka_data(s.nka, tz) if s.nka else None,
        "problems": [problem_data(p) for p in s.problems],
        "allergies": [allergy_data(a) for a in s.allergies],
        "medications": [medication_data(m) for m in s.medications],
        "immunizations": [immunization_data(i) for i in s.immunizations],
        "history": [
            {
                "id": h.public_id,
                "kind": h.kind,
                "coding": _coded(h),
                "date": h.date,
                "date_text": h.date_text,
                "relation": h.relation,
                "onset_age": h.onset_age,
            }
            for entries in s.history.values()
            for h in entries
        ],
        "social": (
            {
                "id": social.public_id,
                "smoking_status": (
                    {
                        "system": "snomed",
                        "code": social.smoking_status,
                        "display": SmokingStatus(social.smoking_status).label,
                    }
                    if social.smoking_status
                    else None
                ),
                "pack_years": social.pack_years,
                "alcohol_use": social.alcohol_use,
                "drug_use": social.drug_use,
                "occupation": social.occupation,
                "living_situation": social.living_situation,
            }
            if social
            else None
        ),
        "encounter_count": Encounter.objects.filter(patient=patient).count(),
    }


def _patient(request, patient_id):
    return selectors.access_chart_patient(user=request.auth, id=patient_id, audit=False)


@router.post("/patients/{patient_id}/problems", response={201: ProblemOut, **ERRORS})
def add_problem(request, patient_id: uuid.UUID, payload: ProblemIn):
    """Add a problem with a billable ICD-10-CM code."""
    p = services.problem_create(
        actor=request.auth, patient=_patient(request, patient_id), **payload.dict()
    )
    return 201, problem_data(p)


@router.post("/patients/{patient_id}/allergies", response={201: AllergyOut, **ERRORS})
def add_allergy(request, patient_id: uuid.UUID, payload: AllergyIn):
    """Add an allergy; a current "no known allergies" statement is ended."""
    a = services.allergy_create(
        actor=request.auth, patient=_patient(request, patient_id), **payload.dict()
    )
    return 201, allergy_data(a)


@router.post("/patients/{patient_id}/nka", response={201: NkaOut, **ERRORS})
def record_nka(request, patient_id: uuid.UUID):
    """Record "no known allergies" (refused while an allergy is active)."""
    n = services.nka_record(actor=request.auth, patient=_patient(request, patient_id))
    return 201, nka_data(n, request.auth.clinic.tz)


@router.post("/patients/{patient_id}/medications", response={201: MedicationOut, **ERRORS})
def add_medication(request, patient_id: uuid.UUID, payload: MedicationIn):
    m = services.medication_create(
        actor=request.auth, patient=_patient(request, patient_id), **payload.dict()
    )
    return 201, medication_data(m)


@router.post("/patients/{patient_id}/immunizations", response={201: ImmunizationOut, **ERRORS})
def add_immunization(request, patient_id: uuid.UUID, payload: ImmunizationIn):
    """Record a vaccine by CVX code."""
    i = services.immunization_create(
        actor=request.auth, patient=_patient(request, patient_id), **payload.dict()
    )
    return 201, immunization_data(i)


@router.post("/patients/{patient_id}/encounters", response={201: EncounterOut, **ERRORS})
def add_encounter(request, patient_id: uuid.UUID, payload: EncounterIn):
    user = request.auth
    e = services.encounter_create(
        actor=user,
        patient=_patient(request, patient_id),
        provider=getattr(user, "provider", None) if hasattr(user, "provider") else None,
        **payload.dict(),
    )
    return 201, encounter_data(e, user.clinic.tz, with_notes=False)


@router.get("/patients/{patient_id}/encounters", response={200: EncounterPageOut, **ERRORS})
def list_encounters(request, patient_id: uuid.UUID, page: int = 1):
    """Encounters, newest first, 10 a page, each with its notes."""
    user = request.auth
    patient = selectors.access_chart_patient(user=user, id=patient_id)
    p = selectors.encounter_page(patient, page)
    return {
        "count": p.paginator.count,
        "page": p.number,
        "pages": p.paginator.num_pages,
        "items": [encounter_data(e, user.clinic.tz) for e in p.object_list],
    }


@router.post("/encounters/{encounter_id}/notes", response={201: NoteOut, **ERRORS})
def add_note(request, encounter_id: uuid.UUID, payload: NoteIn):
    """Write a draft note."""
    user = request.auth
    encounter = selectors.access_encounter(user=user, id=encounter_id)
    n = services.note_create(actor=user, encounter=encounter, **payload.dict())
    return 201, note_data(n, user.clinic.tz, encounter.public_id)


@router.post("/notes/{note_id}/sign", response={200: NoteOut, **ERRORS})
def sign_note(request, note_id: uuid.UUID):
    user = request.auth
    note = selectors.access_note(user=user, id=note_id)
    n = services.note_sign(actor=user, note=note)
    return note_data(n, user.clinic.tz, note.encounter.public_id)


@router.post("/notes/{note_id}/amend", response={201: NoteOut, **ERRORS})
def amend_note(request, note_id: uuid.UUID, payload: AmendIn):
    """Amend a signed note: returns the new, signed amendment."""
    user = request.auth
    note = selectors.access_note(user=user, id=note_id)
    n = services.note_amend(actor=user, note=note, **payload.dict())
    return 201, note_data(n, user.clinic.tz, note.encounter.public_id)


@router.post(
    "/items/{item_type}/{item_id}/entered-in-error", response={200: ItemStateOut, **ERRORS}
)
def enter_in_error(request, item_type: str, item_id: uuid.UUID, payload: ReasonIn):
    """Withdraw any chart item (problem, allergy, nka, medication, immunization, history,
    social, procedure, observation, encounter, note, document) with a reason."""
    user = request.auth
    item = selectors.access_item(user=user, item_type=item_type, id=item_id)
    withdrawn = services.item_enter_in_error(actor=user, item=item, reason=payload.reason)
    return {
        "type": item_type,
        "id": withdrawn.public_id,
        "status": getattr(withdrawn, withdrawn.STATUS_FIELD),
        "version": withdrawn.version,
        "error_reason": withdrawn.error_reason,
    }


@router.get("/items/{item_type}/{item_id}/history", response={200: list[ChartHistoryOut], **ERRORS})
def item_history(request, item_type: str, item_id: uuid.UUID):
    """Every version of one chart item: who, when, what changed, why."""
    user = request.auth
    item = selectors.access_item(user=user, item_type=item_type, id=item_id)
    tz = user.clinic.tz
    return [
        {
            "item_type": r.item_type,
            "item_id": r.item_id,
            "version": r.version,
            "action": r.action,
            "at": as_local(r.at, tz),
            "actor": r.actor_name,
            "reason": r.reason,
            "changes": r.changes,
        }
        for r in selectors.item_history(item, user=user)
    ]
