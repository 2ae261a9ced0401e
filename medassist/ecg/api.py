"""ECG recordings for API clients: list a patient's, read one (the measurements only for
roles that review ECGs), upload one, sign one as reviewed."""

from __future__ import annotations

import uuid

from ninja import File, Form, Router
from ninja.files import UploadedFile
from ninja.responses import codes_4xx

from medassist.ecg import selectors, services
from medassist.ecg.models import EcgRecording
from medassist.practice.roles import can
from medassist.practice.schemas import ErrorOut
from medassist.records.selectors import access_chart_patient

router = Router()
ERRORS = {codes_4xx: ErrorOut}


def recording_data(rec: EcgRecording, user) -> dict:
    tz = user.clinic.tz
    body = {
        "id": str(rec.public_id),
        "patient": str(rec.patient.public_id),
        "encounter": str(rec.encounter.public_id) if rec.encounter is not None else None,
        "status": rec.status,
        "recorded_at": rec.recorded_at.astimezone(tz).isoformat(),
        "recorded_by": rec.recorded_by.display_name,
        "format": rec.format,
        "sampling_rate": rec.sampling_rate,
        "duration_s": rec.duration_s,
        "leads": rec.lead_names,
        "acceptable": rec.acceptable,
        "quality": rec.quality,
        "reviewed_by": rec.reviewed_by.display_name if rec.reviewed_by is not None else None,
        "reviewed_at": (
            rec.reviewed_at.astimezone(tz).isoformat() if rec.reviewed_at is not None else None
        ),
    }
    if can(user, "ecg.review"):
        body["measurements"] = rec.measurements
    return body


@router.get("/patients/{patient_id}/recordings", response={200: list[dict], **ERRORS})
def patient_recordings(request, patient_id: uuid.UUID):
    """The patient's ECG recordings, newest first."""
    patient = access_chart_patient(user=request.auth, id=patient_id)
    recs = selectors.patient_ecg_recordings(user=request.auth, patient=patient)
    return [recording_data(r, request.auth) for r in recs.select_related("patient", "encounter")]


@router.post("/patients/{patient_id}/recordings", response={201: dict, **ERRORS})
def record(request, patient_id: uuid.UUID, file: File[UploadedFile],
           sampling_rate: Form[float | None] = None, note: Form[str] = ""):
    """Upload a recording (WFDB zip, CSV with `sampling_rate`, HL7 aECG, DICOM)."""
    patient = access_chart_patient(user=request.auth, id=patient_id, audit=False)
    rec = services.ecg_record(actor=request.auth, patient=patient, uploaded_file=file,
                              sampling_rate=sampling_rate, note=note)
    return 201, recording_data(rec, request.auth)


@router.get("/recordings/{recording_id}", response={200: dict, **ERRORS})
def recording(request, recording_id: uuid.UUID):
    return recording_data(selectors.access_ecg_recording(user=request.auth, id=recording_id),
                          request.auth)


@router.post("/recordings/{recording_id}/review", response={200: dict, **ERRORS})
def review(request, recording_id: uuid.UUID):
    """The physician signs the tracing as reviewed."""
    rec = selectors.access_ecg_recording(user=request.auth, id=recording_id, audit=False)
    rec = services.ecg_review(actor=request.auth, recording=rec)
    return recording_data(selectors.access_ecg_recording(user=request.auth, id=rec.public_id,
                                                         audit=False), request.auth)
