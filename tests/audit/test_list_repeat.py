"""Lists audit each patient shown, once per repeat window per user and kind of list."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_patients_listed
from tests import factories


def _listed_events(user, patient):
    return AuditEvent.objects.filter(
        actor=user, patient=patient, action=AuditEvent.Action.LIST
    ).count()


def test_a_patient_shown_again_within_the_window_is_not_recorded_twice(front_desk, patient):
    # given the patient was shown once
    assert audit_patients_listed(actor=front_desk, patients=[patient], object_type="x.List") == 1
    # when the same list shows them again
    written = audit_patients_listed(actor=front_desk, patients=[patient], object_type="x.List")
    # then nothing new is written
    assert written == 0
    assert _listed_events(front_desk, patient) == 1


def test_a_new_patient_in_the_list_is_recorded_and_the_others_are_not(front_desk, patient):
    # given
    audit_patients_listed(actor=front_desk, patients=[patient], object_type="x.List")
    newcomer = factories.make_patient(front_desk, first_name="Ana", last_name="New")
    # when
    written = audit_patients_listed(
        actor=front_desk, patients=[patient, newcomer], object_type="x.List"
    )
    # then
    assert written == 1
    assert _listed_events(front_desk, newcomer) == 1


def test_a_showing_older_than_the_window_does_not_count(front_desk, patient, settings):
    # given the patient was last shown 11 minutes ago, with a 10-minute window
    settings.MEDASSIST_AUDIT_LIST_REPEAT_MINUTES = 10
    AuditEvent.objects.create(
        at=timezone.now() - timedelta(minutes=11),
        actor=front_desk,
        actor_username=front_desk.username,
        actor_role=front_desk.role,
        clinic_id=front_desk.clinic_id,
        patient=patient,
        action=AuditEvent.Action.LIST,
        object_type="x.List",
        object_id=str(patient.public_id),
    )
    # when the list shows them now
    written = audit_patients_listed(actor=front_desk, patients=[patient], object_type="x.List")
    # then they are recorded again
    assert written == 1
    assert _listed_events(front_desk, patient) == 2


def test_with_the_window_switched_off_every_showing_is_recorded(front_desk, patient, settings):
    # given
    settings.MEDASSIST_AUDIT_LIST_REPEAT_MINUTES = 0
    # when
    for _ in range(3):
        audit_patients_listed(actor=front_desk, patients=[patient], object_type="x.List")
    # then
    assert _listed_events(front_desk, patient) == 3


def test_another_user_or_another_kind_of_list_is_recorded(front_desk, medical_assistant, patient):
    # given
    audit_patients_listed(actor=front_desk, patients=[patient], object_type="x.List")
    # when
    by_other = audit_patients_listed(
        actor=medical_assistant, patients=[patient], object_type="x.List"
    )
    other_list = audit_patients_listed(actor=front_desk, patients=[patient], object_type="y.List")
    # then
    assert (by_other, other_list) == (1, 1)
