import pytest

from medassist.audit.models import AuditEvent, AuditImmutable
from medassist.patients.selectors import access_patient


def test_reading_a_patient_writes_an_audit_event(physician, patient):
    before = AuditEvent.objects.filter(action="read").count()
    access_patient(user=physician, id=patient.public_id)
    event = AuditEvent.objects.filter(action="read").first()
    assert AuditEvent.objects.filter(action="read").count() == before + 1
    assert (event.actor, event.actor_role, event.patient) == (physician, "physician", patient)


def test_audit_events_cannot_be_edited_or_deleted(physician, patient):
    access_patient(user=physician, id=patient.public_id)
    event = AuditEvent.objects.first()
    event.action = "update"
    with pytest.raises(AuditImmutable):
        event.save()
    with pytest.raises(AuditImmutable):
        event.delete()
    with pytest.raises(AuditImmutable):
        AuditEvent.objects.all().update(action="x")
    with pytest.raises(AuditImmutable):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(action="read").exists()
