import pytest

from medassist.audit.models import AuditEvent
from medassist.practice.models import Clinic, Location, Provider, User, VisitType


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


# ---------------------------------------------------------------------------- saved by services


def _user_form(user, **changes) -> dict:
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_an_admin_edit_goes_through_the_service_and_is_audited(staff_admin, clinic, client_for):
    # given
    vt = VisitType.objects.get(clinic=clinic, code="new")
    # when
    response = client_for(staff_admin).post(
        f"/admin/practice/visittype/{vt.pk}/change/",
        {"name": "New patient", "code": "NEW", "duration_minutes": 45, "active": "on"},
    )
    # then
    assert response.status_code == 302
    vt.refresh_from_db()
    assert (vt.code, vt.duration_minutes, vt.updated_by) == ("new", 45, staff_admin)
    event = AuditEvent.objects.get(action="update", object_id=str(vt.public_id))
    assert event.detail == {"changed": {"duration_minutes": {"from": 40, "to": 45}}}


def test_a_service_refusal_shows_on_the_admin_form_and_nothing_is_saved(
    staff_admin, clinic, client_for
):
    # given
    before = (
        Location.objects.count(),
        AuditEvent.objects.exclude(action=AuditEvent.Action.REFUSED).count(),
    )
    # when a second location would take the first one's name
    response = client_for(staff_admin).post(
        "/admin/practice/location/add/", {"name": "maple family medicine main"}
    )
    # then
    assert response.status_code == 200
    assert "already has a location named" in response.content.decode()
    assert (
        Location.objects.count(),
        AuditEvent.objects.exclude(action=AuditEvent.Action.REFUSED).count(),
    ) == before


def test_the_only_clinic_admin_cannot_deactivate_themselves_in_the_admin(staff_admin, client_for):
    # when
    response = client_for(staff_admin).post(
        f"/admin/practice/user/{staff_admin.pk}/change/", _user_form(staff_admin, is_active="")
    )
    # then
    assert response.status_code == 200
    assert "only active clinic admin" in response.content.decode()
    staff_admin.refresh_from_db()
    assert staff_admin.is_active


def test_a_role_change_in_the_admin_is_audited(staff_admin, front_desk, client_for):
    response = client_for(staff_admin).post(
        f"/admin/practice/user/{front_desk.pk}/change/", _user_form(front_desk, role="biller")
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="update", object_id=str(front_desk.public_id))
    assert event.detail == {"changed": {"role": {"from": "front_desk", "to": "biller"}}}


def test_a_staff_account_added_in_the_admin_is_in_the_admins_clinic(staff_admin, client_for):
    # when
    response = client_for(staff_admin).post(
        "/admin/practice/user/add/",
        {
            "username": "newdesk",
            "usable_password": "true",
            "password1": "a long and unusual phrase 42",
            "password2": "a long and unusual phrase 42",
            "role": "front_desk",
        },
    )
    # then
    assert response.status_code == 302
    user = User.objects.get(username="newdesk")
    assert (user.clinic_id, user.role) == (staff_admin.clinic_id, "front_desk")
    assert user.check_password("a long and unusual phrase 42")
    event = AuditEvent.objects.get(action="create", object_id=str(user.public_id))
    assert event.detail["password"] == "set"


def test_a_password_set_in_the_admin_is_audited_without_the_password(
    staff_admin, physician, client_for
):
    # when
    response = client_for(staff_admin).post(
        f"/admin/practice/user/{physician.pk}/password/",
        {
            "usable_password": "true",
            "password1": "another long phrase 77",
            "password2": "another long phrase 77",
        },
    )
    # then
    assert response.status_code == 302
    physician.refresh_from_db()
    assert physician.check_password("another long phrase 77")
    event = AuditEvent.objects.get(object_id=str(physician.public_id))
    assert event.detail == {"password": "changed"}
    assert "another long phrase" not in str(event.detail)


def test_an_operator_opens_a_clinic_in_the_admin(db, client_for):
    # given
    operator = User.objects.create_superuser("root", password="an operator pass 9")
    # when
    response = client_for(operator).post(
        "/admin/practice/clinic/add/",
        {"name": "Lakeside", "timezone": "America/Chicago", "state": "il", "mrn_prefix": "LS"},
    )
    # then
    assert response.status_code == 302
    clinic = Clinic.objects.get(name="Lakeside")
    assert clinic.state == "IL"
    assert AuditEvent.objects.get(clinic=clinic).actor == operator
