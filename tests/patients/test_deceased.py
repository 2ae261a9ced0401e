"""A patient who has died: marked inactive through one audited service, left out of name
searches, and still found by their own MRN (flagged inactive)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from medassist.audit.models import AuditEvent
from medassist.core.errors import PermissionDenied, ValidationFailed
from medassist.patients.models import Patient
from medassist.patients.selectors import patient_search
from medassist.patients.services import patient_mark_deceased
from tests import factories


@pytest.fixture
def deceased(clinic_admin, patient):
    return patient_mark_deceased(actor=clinic_admin, patient=patient, deceased_on=date(2024, 5, 1))


def _state(patient) -> tuple:
    row = Patient.objects.get(pk=patient.pk)
    return row.active, row.updated_at, AuditEvent.objects.count()


def test_marking_a_patient_deceased_makes_them_inactive_and_is_audited(clinic_admin, patient):
    # when
    marked = patient_mark_deceased(
        actor=clinic_admin, patient=patient, deceased_on=date(2024, 5, 1)
    )
    # then
    assert marked.active is False
    assert Patient.objects.get(pk=patient.pk).active is False
    event = AuditEvent.objects.filter(object_type="patients.Patient").latest("id")
    assert (event.action, event.actor_username) == ("update", clinic_admin.username)
    assert event.detail == {"changed": ["active"], "deceased": "2024-05-01"}


def test_marking_an_inactive_patient_again_changes_nothing(clinic_admin, deceased):
    before = _state(deceased)
    patient_mark_deceased(actor=clinic_admin, patient=deceased)
    assert _state(deceased) == before


@pytest.mark.parametrize("role", ["biller", "physician"])
def test_a_role_that_may_not_edit_patients_cannot_mark_one_deceased(request, role, patient):
    # given
    before = _state(patient)
    # when / then
    with pytest.raises(PermissionDenied):
        patient_mark_deceased(actor=request.getfixturevalue(role), patient=patient)
    assert _state(patient) == before


def test_a_date_of_death_in_the_future_is_refused(clinic_admin, patient):
    before = _state(patient)
    with pytest.raises(ValidationFailed) as refused:
        patient_mark_deceased(
            actor=clinic_admin, patient=patient, deceased_on=date.today() + timedelta(days=2)
        )
    assert refused.value.field == "deceased_on"
    assert _state(patient) == before


def test_another_clinics_patient_cannot_be_marked(other_clinic, patient):
    admin = factories.make_user(other_clinic, "clinic_admin", "harbor_admin")
    before = _state(patient)
    with pytest.raises(ValidationFailed):
        patient_mark_deceased(actor=admin, patient=patient)
    assert _state(patient) == before


def test_the_exact_mrn_finds_an_inactive_patient(front_desk, deceased):
    # when the front desk searches by the patient's own MRN, in any case
    found = patient_search(user=front_desk, query=deceased.mrn.lower())
    # then the patient is found, and the row says inactive
    assert [(p.pk, p.active) for p in found] == [(deceased.pk, False)]


def test_names_and_partial_mrns_find_only_active_patients(front_desk, deceased):
    # given an active patient with the same last name and an MRN starting alike
    alive = factories.make_patient(front_desk, last_name=deceased.last_name, first_name="Robin")
    # when / then
    assert patient_search(user=front_desk, query=deceased.last_name) == [alive]
    assert patient_search(user=front_desk, query=deceased.mrn[:-1]) == [alive]
    by_birth_date = patient_search(user=front_desk, query=deceased.date_of_birth.isoformat())
    assert deceased not in by_birth_date and alive in by_birth_date


def test_another_clinics_mrn_finds_nobody(other_clinic, deceased):
    desk = factories.make_user(other_clinic, "front_desk", "harbor_desk")
    assert patient_search(user=desk, query=deceased.mrn) == []
