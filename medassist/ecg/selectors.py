"""ECG reads, scoped to the user's clinic and audited."""

from __future__ import annotations

from django.db.models import QuerySet

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.access import get_scoped
from medassist.ecg.models import EcgRecording
from medassist.practice.roles import require


def access_ecg_recording(*, user, id, audit: bool = True) -> EcgRecording:
    require(user, "patient.view")
    rec = get_scoped(
        EcgRecording.objects.select_related(
            "patient", "recorded_by", "reviewed_by", "encounter"
        ),
        public_id=id,
        what="ECG recording",
        patient__clinic_id=user.clinic_id,
    )
    if audit:
        audit_record(actor=user, action=AuditEvent.Action.READ, obj=rec, patient=rec.patient)
    return rec


def patient_ecg_recordings(*, user, patient, include_errors: bool = False) -> QuerySet:
    require(user, "patient.view")
    qs = EcgRecording.objects.filter(patient=patient, patient__clinic_id=user.clinic_id)
    if not include_errors:
        qs = qs.exclude(status=EcgRecording.Status.ENTERED_IN_ERROR)
    return qs.select_related("recorded_by", "reviewed_by")
