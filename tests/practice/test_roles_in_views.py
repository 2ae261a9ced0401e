"""What a role sees first and may reach: the home page sends each role to its screen, the main
navigation lists only what the role may open, and a user answers `can` from the role table."""

from __future__ import annotations

import pytest
from django.urls import reverse

from medassist.practice.roles import PERMISSIONS
from tests import factories

pytestmark = pytest.mark.django_db

HOME = {
    "front_desk": "scheduling:day",
    "medical_assistant": "frontdesk:board",
    "physician": "intake:worklist",
    "biller": "patients:search",
    "clinic_admin": "scheduling:day",
}


@pytest.mark.parametrize("role", factories.STAFF_ROLES)
def test_home_sends_each_role_to_its_first_screen(role, cast, client_for):
    # when
    response = client_for(cast[role]).get(reverse("home"))
    # then
    assert response.status_code == 302
    assert response.url == reverse(HOME[role])


def test_home_tells_a_user_without_a_role_to_ask_for_one(clinic, client_for):
    # given
    nobody = factories.make_user(clinic, "", "norole")
    # when
    response = client_for(nobody).get(reverse("home"))
    # then
    assert response.status_code == 403
    assert "No role assigned" in response.content.decode()


def test_the_navigation_lists_only_what_the_role_may_open(biller, clinic_admin, client_for):
    # when each opens the patient search
    biller_html = client_for(biller).get(reverse("patients:search")).content.decode()
    admin_html = client_for(clinic_admin).get(reverse("patients:search")).content.decode()
    # then the biller has no flow board or set-up, the clinic admin has both
    assert f'href="{reverse("patients:search")}"' in biller_html
    assert f'href="{reverse("frontdesk:board")}"' not in biller_html
    assert f'href="{reverse("practice:setup")}"' not in biller_html
    assert f'href="{reverse("frontdesk:board")}"' in admin_html
    assert f'href="{reverse("practice:setup")}"' in admin_html


@pytest.mark.parametrize("role", factories.STAFF_ROLES)
def test_a_user_can_what_its_role_is_granted_and_nothing_else(role, cast):
    # given
    user = cast[role]
    # when / then
    for permission, roles in PERMISSIONS.items():
        assert user.can(permission) is (role in roles), permission


def test_a_user_of_no_clinic_can_do_nothing(clinic_admin):
    # given
    clinic_admin.clinic = None
    # when / then
    assert not any(clinic_admin.can(p) for p in PERMISSIONS)


def test_an_unknown_permission_is_a_programming_error(front_desk):
    with pytest.raises(KeyError):
        front_desk.can("patient.teleport")
