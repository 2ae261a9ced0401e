"""The sign-in steps after the password, the staff member's own account, and reset links.

The sign-in steps and the reset link are open by design (nobody is signed in yet); the
account pages are any staff member's own (`account.own`)."""

from django.urls import path

from medassist.core.web import staff_view
from medassist.practice.views import account, scope, setup, signin

app_name = "practice"

urlpatterns = [
    path("login/code/", signin.SecondStepView.as_view(), name="sign-in-code"),
    path("login/two-step/", signin.EnrolView.as_view(), name="sign-in-enrol"),
    path("login/two-step/qr.svg", signin.enrol_qr, name="sign-in-qr"),
    path("account/", account.account, name="account"),
    path(
        "account/two-step/",
        staff_view("account.own")(signin.EnrolView.as_view()),
        name="two-step-enrol",
    ),
    path("account/two-step/recovery-codes/", account.renew_recovery_codes, name="recovery-codes"),
    path("account/two-step/off/", account.turn_off_two_step, name="two-step-off"),
    path("account/password/", account.change_password, name="password-change"),
    path("scope/", scope.scope_home, name="scope"),
    path("setup/", setup.setup_home, name="setup"),
    path("setup/staff/", setup.staff_list, name="staff"),
    path("setup/staff/<uuid:id>/", setup.staff_edit, name="staff_edit"),
    path("setup/staff/<uuid:id>/reset-link/", setup.staff_reset_link, name="staff_reset_link"),
    path("account/reset/<str:user_id>/<str:token>/", account.reset_password, name="reset"),
]
