import pytest

from medassist.audit.models import AuditEvent
from medassist.practice.models import Provider, VisitType


@pytest.fixture
def staff_admin(clinic_admin):
    clinic_admin.is_staff = True
    clinic_admin.save()
    return clinic_admin


def test_clinic_admin_sees_only_their_own_clinics_providers(
    staff_admin, provider, other_clinic_physician, client_for
):
    # given a provider in each clinic
    other = other_clinic_physician.provider
    # when
    response = client_for(staff_admin).get("/admin/practice/provider/")
    # then
    assert response.status_code == 200
    body = response.content.decode()
    assert provider.last_name in body
    assert other.last_name not in body


def test_clinic_admin_cannot_open_another_clinics_provider(
    staff_admin, other_clinic_physician, client_for
):
    other = other_clinic_physician.provider
    response = client_for(staff_admin).get(f"/admin/practice/provider/{other.pk}/change/")
    assert response.status_code in (302, 404)
    assert response.status_code != 200


def test_a_visit_type_added_by_a_clinic_admin_lands_in_their_clinic(staff_admin, client_for):
    response = client_for(staff_admin).post(
        "/admin/practice/visittype/add/",
        {"name": "Wound check", "code": "wound-check", "duration_minutes": 15, "active": "on"},
    )
    assert response.status_code == 302
    vt = VisitType.objects.get(code="wound-check")
    assert vt.clinic_id == staff_admin.clinic_id and vt.created_by == staff_admin


def test_invalid_npi_is_refused_in_the_admin_and_nothing_saved(staff_admin, client_for):
    before = Provider.objects.count()
    response = client_for(staff_admin).post(
        "/admin/practice/provider/add/",
        {"first_name": "Lee", "last_name": "Wong", "npi": "1234567890", "active": "on"},
    )
    assert response.status_code == 200
    assert "check digit" in response.content.decode()
    assert Provider.objects.count() == before


@pytest.mark.parametrize("role", ["front_desk", "medical_assistant", "physician", "biller"])
def test_other_roles_cannot_use_the_admin_even_if_marked_staff(cast, role, client_for):
    user = cast[role]
    user.is_staff = True
    user.save()
    response = client_for(user).get("/admin/practice/provider/")
    assert response.status_code == 403


def test_audit_log_in_the_admin_is_read_only_and_scoped(
    staff_admin, physician, patient, client_for
):
    from medassist.patients.selectors import access_patient

    access_patient(user=physician, id=patient.public_id)
    event = AuditEvent.objects.filter(action="read").first()
    c = client_for(staff_admin)
    assert c.get("/admin/audit/auditevent/").status_code == 200
    assert c.post(f"/admin/audit/auditevent/{event.pk}/delete/").status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()
