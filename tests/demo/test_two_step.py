"""The demo's admin and biller are enrolled in two-step sign-in, so the tour works without a
phone; `medassist demo --code` prints the code their authenticator would show."""

from __future__ import annotations

from medassist.demo.two_step import current_code, enrol_demo_logins
from medassist.practice.services.two_step import second_step_verify, two_step_enrolled


def test_roles_that_need_the_second_step_are_enrolled_and_their_code_works(
    clinic, clinic_admin, biller, front_desk
):
    # when the demo enrols its logins
    enrolled = enrol_demo_logins(clinic)
    # then the admin and the biller are, the front desk is not
    assert set(enrolled) == {clinic_admin.username, biller.username}
    assert two_step_enrolled(clinic_admin) and not two_step_enrolled(front_desk)
    # and the printed code signs the admin in (later: the enrolment's own code was used up)
    clinic_admin.totp_device.__class__.objects.filter(user=clinic_admin).update(last_step=0)
    assert second_step_verify(user=clinic_admin, code=current_code(clinic, clinic_admin.username))
