"""The Django admin's user actions: a one-time reset link and a two-step reset, both through
the audited services; another clinic's accounts are out of reach."""

from __future__ import annotations

import pyotp
import pytest
from django.test import Client

from medassist.audit.models import AuditEvent
from medassist.practice.models import TotpDevice
from medassist.practice.services import totp_enrolment_begin, totp_enrolment_confirm


@pytest.fixture
def staff_admin(clinic_admin):
    clinic_admin.is_staff = True
    clinic_admin.save()
    return clinic_admin


def _act(client: Client, action: str, *users):
    return client.post(
        "/admin/practice/user/",
        {"action": action, "_selected_action": [u.pk for u in users]},
        follow=True,
    )


def test_the_admin_issues_a_reset_link_that_works(staff_admin, front_desk, client_for):
    # when
    response = _act(client_for(staff_admin), "issue_reset_link", front_desk)
    # then the link is shown once, works, and the issue is audited
    message = next(str(m) for m in response.context["messages"])
    link = message.split(": ", 1)[1]
    assert "/account/reset/" in link
    assert Client().get(link).status_code == 200
    assert AuditEvent.objects.filter(
        actor=staff_admin, detail__password="reset link issued"
    ).exists()


def test_the_admin_resets_a_colleagues_two_step_sign_in(staff_admin, biller, client_for):
    # given
    device = totp_enrolment_begin(actor=biller)
    totp_enrolment_confirm(actor=biller, code=pyotp.TOTP(device.secret).now())
    # when
    _act(client_for(staff_admin), "reset_two_step", biller)
    # then
    assert not TotpDevice.objects.filter(user=biller).exists()
    assert AuditEvent.objects.filter(actor=staff_admin, detail__two_step="reset").exists()


def test_another_clinics_account_is_out_of_the_admins_reach(
    staff_admin, other_clinic_physician, client_for
):
    before = AuditEvent.objects.exclude(action=AuditEvent.Action.REFUSED).count()
    _act(client_for(staff_admin), "issue_reset_link", other_clinic_physician)
    assert not AuditEvent.objects.filter(detail__password="reset link issued").exists()
    assert AuditEvent.objects.exclude(action=AuditEvent.Action.REFUSED).count() == before
