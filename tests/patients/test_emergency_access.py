"""Break-the-glass: a physician or medical assistant opens time-boxed emergency access to a
chart with a reason; it is audited and the clinic admin reviews every one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.patients.errors import ReasonRequired
from medassist.patients.models import EmergencyAccess
from medassist.patients.selectors import emergency_access_in_force
from medassist.patients.services import emergency_access_open
from tests import factories

ROLES = [*factories.STAFF_ROLES, "other_clinic_physician", None]
REASON = "Unconscious patient in the waiting room; need allergies"


def _state() -> tuple[int, int]:
    return EmergencyAccess.objects.count(), AuditEvent.objects.exclude(
        action=AuditEvent.Action.REFUSED
    ).count()


@pytest.mark.parametrize("role", ROLES)
def test_opening_emergency_access_answers_each_role_and_refusals_change_nothing(
    cast, patient, client_for, role
):
    # given
    client = client_for(cast[role] if role else None)
    before = _state()
    # when
    response = client.post(f"/patients/{patient.public_id}/emergency-access/", {"reason": REASON})
    # then
    expected = {
        "physician": 302,
        "medical_assistant": 302,
        "other_clinic_physician": 404,
        None: 302,  # to the login page
    }.get(role, 403)
    assert response.status_code == expected
    if role in ("physician", "medical_assistant"):
        assert (
            response.url == f"/records/patients/{patient.public_id}/" or "records" in response.url
        )
        access = EmergencyAccess.objects.get()
        assert access.user == cast[role] and access.reason == REASON
    else:
        if role is None:
            assert response.url.startswith("/login/")
        assert EmergencyAccess.objects.count() == before[0]
        assert not AuditEvent.objects.filter(object_type="patients.EmergencyAccess").exists()


def test_emergency_access_is_time_boxed_and_audited_with_its_reason(physician, patient, settings):
    # when
    access = emergency_access_open(actor=physician, patient=patient, reason=REASON)
    # then it lasts the configured minutes
    assert access.ends_at - access.starts_at == timedelta(
        minutes=settings.MEDASSIST_EMERGENCY_ACCESS_MINUTES
    )
    assert emergency_access_in_force(user=physician, patient=patient) == access
    event = AuditEvent.objects.get(object_type="patients.EmergencyAccess")
    assert (event.actor, event.patient, event.action) == (physician, patient, "create")
    assert event.detail["reason"] == REASON and event.detail["minutes"] == 60
    # and it is over once its time has passed
    EmergencyAccess.objects.filter(pk=access.pk).update(ends_at=timezone.now())
    assert emergency_access_in_force(user=physician, patient=patient) is None


def test_opening_again_while_in_force_returns_the_same_access(physician, patient):
    first = emergency_access_open(actor=physician, patient=patient, reason=REASON)
    second = emergency_access_open(actor=physician, patient=patient, reason=REASON + " again")
    assert first == second and EmergencyAccess.objects.count() == 1


@pytest.mark.parametrize("reason", ["", "   ", "help"])
def test_a_reason_is_required(physician, patient, client_for, reason):
    # when
    with pytest.raises(ReasonRequired):
        emergency_access_open(actor=physician, patient=patient, reason=reason)
    response = client_for(physician).post(
        f"/patients/{patient.public_id}/emergency-access/", {"reason": reason}
    )
    # then
    assert response.status_code == 422
    assert EmergencyAccess.objects.count() == 0


def test_another_users_access_does_not_count_for_me(physician, medical_assistant, patient):
    emergency_access_open(actor=physician, patient=patient, reason=REASON)
    assert emergency_access_in_force(user=medical_assistant, patient=patient) is None


@pytest.mark.parametrize("role", ROLES)
def test_the_review_list_is_for_the_clinic_admin(cast, patient, client_for, role):
    # given an access by the physician
    emergency_access_open(actor=cast["physician"], patient=patient, reason=REASON)
    # when
    response = client_for(cast[role] if role else None).get("/patients/emergency-access/")
    # then
    expected = {"clinic_admin": 200, None: 302}.get(role, 403)
    assert response.status_code == expected
    if expected == 200:
        page = response.content.decode()
        assert REASON in page and "Paul Osler" in page and "Reyes, Jordan" in page


def test_another_clinics_admin_does_not_see_this_clinics_accesses(
    physician, patient, other_clinic, client_for
):
    emergency_access_open(actor=physician, patient=patient, reason=REASON)
    other_admin = factories.make_user(other_clinic, "clinic_admin", "otheradmin")
    page = client_for(other_admin).get("/patients/emergency-access/").content.decode()
    assert REASON not in page and "No emergency access so far" in page
