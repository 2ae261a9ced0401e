"""The clinic admin's set-up screens: staff accounts (role, home location, active, a sign-in
link instead of a typed password), online-booking settings, and changing an hours session."""

from __future__ import annotations

from datetime import time

import pytest

from medassist.audit.models import AuditEvent
from medassist.availability.models import WeeklySession
from medassist.portal.models import PortalSettings
from medassist.practice.models import Location, User, VisitType


def test_the_set_up_page_lists_the_screens_for_the_clinic_admin_only(client_for, clinic_admin,
                                                                      front_desk):  # fmt: skip
    page = client_for(clinic_admin).get("/setup/")
    assert page.status_code == 200
    html = page.content.decode()
    for title in ("Staff", "Hours", "Online booking", "Scope of practice", "Audit report"):
        assert f"<strong>{title}</strong>" in html
    assert client_for(front_desk).get("/setup/").status_code == 403


def test_adding_a_staff_member_gives_a_one_time_sign_in_link_and_no_password_field(
    client_for, clinic_admin, clinic
):
    location = Location.objects.filter(clinic=clinic).first()
    client = client_for(clinic_admin)
    page = client.get("/setup/staff/").content.decode()
    assert 'type="password"' not in page and "Staff status" not in page
    response = client.post(
        "/setup/staff/",
        {"username": "nina", "first_name": "Nina", "last_name": "Park", "email": "",
         "role": "medical_assistant", "location": str(location.public_id)},
    )  # fmt: skip
    nina = User.objects.get(username="nina")
    assert response.status_code == 302
    assert (nina.clinic, nina.role, nina.location) == (clinic, "medical_assistant", location)
    assert not nina.has_usable_password()
    edit = client.get(response["Location"]).content.decode()
    assert "/account/reset/" in edit
    # shown once: the next visit of the page has no link
    assert "/account/reset/" not in client.get(response["Location"]).content.decode()
    assert AuditEvent.objects.filter(object_id=str(nina.public_id)).exists()


def test_a_refused_username_shows_the_reason_and_adds_nobody(client_for, clinic_admin):
    response = client_for(clinic_admin).post(
        "/setup/staff/", {"username": clinic_admin.username, "role": "front_desk"}
    )
    assert response.status_code == 422
    assert "is taken" in response.content.decode()
    assert User.objects.filter(username=clinic_admin.username).count() == 1


def test_editing_changes_role_location_and_active_together_with_audit(
    client_for, clinic_admin, front_desk, clinic
):
    other = Location.objects.create(clinic=clinic, name="North Branch")
    response = client_for(clinic_admin).post(
        f"/setup/staff/{front_desk.public_id}/",
        {"username": "frontdesk", "first_name": "Fran", "last_name": "Desk", "email": "",
         "role": "medical_assistant", "location": str(other.public_id)},
    )  # fmt: skip
    assert response.status_code == 302
    front_desk.refresh_from_db()
    assert (front_desk.role, front_desk.location, front_desk.is_active) == (
        "medical_assistant", other, False,
    )  # fmt: skip
    changes = AuditEvent.objects.filter(object_id=str(front_desk.public_id))
    assert changes.count() >= 3  # role, location, active: each its own event


def test_the_last_clinic_admin_cannot_demote_themselves_and_nothing_changes(
    client_for, clinic_admin
):
    response = client_for(clinic_admin).post(
        f"/setup/staff/{clinic_admin.public_id}/",
        {"username": "admin", "first_name": "Changed", "last_name": "Admin", "email": "",
         "role": "front_desk", "active": "on"},
    )  # fmt: skip
    assert response.status_code == 422
    assert "only active clinic admin" in response.content.decode()
    clinic_admin.refresh_from_db()
    assert (clinic_admin.role, clinic_admin.first_name) == ("clinic_admin", "Ada")


def test_another_clinics_staff_member_is_not_found(
    client_for, clinic_admin, other_clinic_physician
):
    client = client_for(clinic_admin)
    assert client.get(f"/setup/staff/{other_clinic_physician.public_id}/").status_code == 404
    response = client.post(f"/setup/staff/{other_clinic_physician.public_id}/reset-link/")
    assert response.status_code == 404


def test_a_new_sign_in_link_can_be_made_for_a_staff_member(client_for, clinic_admin, front_desk):
    client = client_for(clinic_admin)
    response = client.post(f"/setup/staff/{front_desk.public_id}/reset-link/")
    assert response.status_code == 302
    assert "/account/reset/" in client.get(response["Location"]).content.decode()


def test_portal_settings_are_saved_and_show_where_patients_sign_in(
    client_for, clinic_admin, clinic
):
    visit = VisitType.objects.filter(clinic=clinic).first()
    client = client_for(clinic_admin)
    page = client.get("/portal/settings/").content.decode()
    assert f"/portal/c/{clinic.public_id}/sign-in/" in page
    response = client.post(
        "/portal/settings/",
        {"enabled": "on", "visit_types": [str(visit.pk)], "min_days_ahead": "0",
         "max_days_ahead": "30", "link_valid_days": "7"},
    )  # fmt: skip
    assert response.status_code == 302
    saved = PortalSettings.objects.get(clinic=clinic)
    assert (saved.enabled, saved.max_days_ahead, list(saved.visit_types.all())) == (
        True, 30, [visit],
    )  # fmt: skip


@pytest.mark.parametrize(
    "values, message",
    [
        ({"enabled": "on", "min_days_ahead": "0", "max_days_ahead": "30",
          "link_valid_days": "7"}, "at least one visit type"),
        ({"min_days_ahead": "10", "max_days_ahead": "5", "link_valid_days": "7"},
         "must not be before"),
    ],
)  # fmt: skip
def test_impossible_portal_settings_are_refused_and_nothing_is_saved(
    client_for, clinic_admin, clinic, values, message
):
    response = client_for(clinic_admin).post("/portal/settings/", values)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not PortalSettings.objects.filter(clinic=clinic).exists()


def test_portal_settings_are_the_clinic_admins(client_for, front_desk):
    assert client_for(front_desk).get("/portal/settings/").status_code == 403


def _session(provider) -> WeeklySession:
    return WeeklySession.objects.filter(provider=provider, active=True).order_by("weekday").first()


def test_an_hours_session_is_changed_in_place_and_its_history_kept(client_for, clinic_admin,
                                                                    provider):  # fmt: skip
    session = _session(provider)
    client = client_for(clinic_admin)
    assert client.get(f"/availability/sessions/{session.public_id}/edit/").status_code == 200
    response = client.post(
        f"/availability/sessions/{session.public_id}/edit/",
        {"location": str(session.location.public_id), "weekday": str(session.weekday),
         "start_time": "09:00", "end_time": "12:30"},
    )  # fmt: skip
    assert response.status_code == 302
    session.refresh_from_db()
    assert not session.active
    now = WeeklySession.objects.get(provider=provider, weekday=session.weekday, active=True)
    assert (now.start_time, now.end_time) == (time(9), time(12, 30))


def test_a_changed_session_that_would_overlap_is_refused_and_the_old_one_stays(
    client_for, clinic_admin, provider
):
    session = _session(provider)
    extra = WeeklySession.objects.create(
        clinic=provider.clinic, provider=provider, location=session.location,
        weekday=session.weekday, start_time=time(23, 0), end_time=time(23, 30),
    )  # fmt: skip
    session.end_time = time(22, 0)
    session.save()
    response = client_for(clinic_admin).post(
        f"/availability/sessions/{session.public_id}/edit/",
        {"location": str(session.location.public_id), "weekday": str(session.weekday),
         "start_time": str(session.start_time)[:5], "end_time": "23:15"},
    )  # fmt: skip
    assert response.status_code == 422
    assert "overlaps" in response.content.decode()
    session.refresh_from_db()
    assert session.active and extra.active
