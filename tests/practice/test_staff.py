"""Staff accounts: each privilege change (role, active, password, admin site) is its own
audited act, passwords never reach the audit trail, and a clinic always keeps a clinic admin."""

from __future__ import annotations

import json
import threading

import pytest
from django.db import connection, transaction

from medassist.audit.models import AuditEvent
from medassist.core.errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed
from medassist.practice import services
from medassist.practice.errors import AlreadyExists, Code, LastAdmin
from medassist.practice.models import User
from tests import factories
from tests.practice.state import setup_state

PASSWORD = "a long and unusual phrase 42"


def _events(user) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_id=str(user.public_id)).order_by("id"))


def _trail_text() -> str:
    return json.dumps(
        list(
            AuditEvent.objects.exclude(action=AuditEvent.Action.REFUSED).values_list(
                "detail", flat=True
            )
        )
    )


def test_a_new_staff_account_can_log_in_and_the_audit_never_holds_the_password(
    clinic_admin, clinic
):
    # when
    user = services.staff_user_create(
        actor=clinic_admin,
        clinic=clinic,
        username=" nina ",
        role="medical_assistant",
        first_name="Nina",
        last_name="Park",
        email="Nina@Example.ORG",
        password=PASSWORD,
    )
    # then
    assert (user.username, user.email) == ("nina", "Nina@example.org")
    assert user.check_password(PASSWORD)
    (event,) = _events(user)
    assert event.action == "create" and event.actor == clinic_admin
    assert event.detail == {"username": "nina", "role": "medical_assistant", "password": "set"}
    assert PASSWORD not in _trail_text() and user.password not in _trail_text()


def test_an_account_made_without_a_password_cannot_log_in_until_one_is_set(clinic_admin, clinic):
    user = services.staff_user_create(
        actor=clinic_admin, clinic=clinic, username="temp", role="front_desk"
    )
    assert not user.has_usable_password()
    assert _events(user)[0].detail["password"] == "none"


@pytest.mark.parametrize(
    "values,field",
    [
        ({"username": "ADMIN"}, "username"),  # taken, whatever its case
        ({"username": "bad name!"}, "username"),
        ({"role": "superuser"}, "role"),
        ({"email": "not-an-address"}, "email"),
        ({"password": "password"}, "password"),  # too common, too short
        ({"password": "nina-park-1"}, "password"),  # too like the username
    ],
)
def test_a_bad_new_account_is_refused_with_its_field_and_nothing_saved(
    clinic_admin, clinic, values, field
):
    # given
    before = setup_state()
    data = {"username": "nina-park", "role": "front_desk", "password": PASSWORD, **values}
    # when
    with pytest.raises(ValidationFailed) as err:
        services.staff_user_create(actor=clinic_admin, clinic=clinic, **data)
    # then
    assert field in err.value.errors
    assert setup_state() == before


def test_a_taken_username_has_its_own_error_code(clinic_admin, clinic, front_desk):
    with pytest.raises(AlreadyExists) as err:
        services.staff_user_create(
            actor=clinic_admin, clinic=clinic, username="FrontDesk", role="biller"
        )
    assert err.value.code == Code.ALREADY_EXISTS


def test_a_role_change_is_audited_from_and_to(clinic_admin, front_desk):
    # when
    services.staff_user_change_role(actor=clinic_admin, user=front_desk, role="biller")
    # then
    front_desk.refresh_from_db()
    assert front_desk.role == "biller"
    assert _events(front_desk)[-1].detail == {
        "changed": {"role": {"from": "front_desk", "to": "biller"}}
    }


def test_the_only_clinic_admin_cannot_demote_or_deactivate_themselves(clinic_admin):
    # given
    before = setup_state()
    # when
    with pytest.raises(LastAdmin) as demote:
        services.staff_user_change_role(actor=clinic_admin, user=clinic_admin, role="physician")
    with pytest.raises(LastAdmin) as deactivate:
        services.staff_user_set_active(actor=clinic_admin, user=clinic_admin, active=False)
    # then
    assert demote.value.code == deactivate.value.code == Code.LAST_ADMIN == "last_admin"
    assert "only active clinic admin" in demote.value.message
    assert setup_state() == before
    assert (clinic_admin.role, clinic_admin.is_active) == ("clinic_admin", True)


def test_with_a_second_admin_an_admin_may_step_down(clinic_admin, clinic):
    # given
    second = factories.make_user(clinic, "clinic_admin", "admin2")
    # when
    services.staff_user_change_role(actor=clinic_admin, user=clinic_admin, role="physician")
    # then the second is now the only one, and keeps the role
    with pytest.raises(LastAdmin):
        services.staff_user_set_active(actor=second, user=second, active=False)


def test_a_deactivated_admin_does_not_count_as_the_clinics_admin(clinic_admin, clinic):
    # given
    second = factories.make_user(clinic, "clinic_admin", "admin2")
    services.staff_user_set_active(actor=clinic_admin, user=second, active=False)
    # when / then
    with pytest.raises(LastAdmin):
        services.staff_user_change_role(actor=clinic_admin, user=clinic_admin, role="biller")


def test_deactivation_and_reactivation_are_audited(clinic_admin, biller):
    services.staff_user_set_active(actor=clinic_admin, user=biller, active=False)
    services.staff_user_set_active(actor=clinic_admin, user=biller, active=True)
    assert [e.detail["changed"]["is_active"]["to"] for e in _events(biller)] == [False, True]


def test_a_password_change_is_audited_without_the_password(clinic_admin, physician):
    # when
    services.staff_user_set_password(actor=clinic_admin, user=physician, password=PASSWORD)
    services.staff_user_set_password(actor=clinic_admin, user=physician, password=None)
    # then
    physician.refresh_from_db()
    assert not physician.has_usable_password()
    assert [e.detail for e in _events(physician)] == [
        {"password": "changed"},
        {"password": "disabled"},
    ]
    assert PASSWORD not in _trail_text()


def test_a_weak_password_is_refused_and_the_old_one_still_works(clinic_admin, physician):
    with pytest.raises(ValidationFailed) as err:
        services.staff_user_set_password(actor=clinic_admin, user=physician, password="12345678")
    assert "password" in err.value.errors
    physician.refresh_from_db()
    assert physician.check_password("correct horse battery")


def test_only_clinic_admins_may_use_the_admin_site(clinic_admin, biller):
    with pytest.raises(ValidationFailed, match="Only clinic admins"):
        services.staff_user_set_admin_access(actor=clinic_admin, user=biller, allowed=True)
    services.staff_user_set_admin_access(actor=clinic_admin, user=clinic_admin, allowed=True)
    clinic_admin.refresh_from_db()
    assert clinic_admin.is_staff
    assert _events(clinic_admin)[-1].detail == {
        "changed": {"is_staff": {"from": False, "to": True}}
    }


def test_another_clinics_staff_are_not_found(clinic_admin, other_clinic_physician):
    before = setup_state()
    for change in (
        lambda: services.staff_user_update(
            actor=clinic_admin, user=other_clinic_physician, first_name="X"
        ),
        lambda: services.staff_user_change_role(
            actor=clinic_admin, user=other_clinic_physician, role="biller"
        ),
        lambda: services.staff_user_set_active(
            actor=clinic_admin, user=other_clinic_physician, active=False
        ),
        lambda: services.staff_user_set_password(
            actor=clinic_admin, user=other_clinic_physician, password=PASSWORD
        ),
    ):
        with pytest.raises(NotFound):
            change()
    assert setup_state() == before


@pytest.mark.parametrize("role", ["front_desk", "medical_assistant", "physician", "biller"])
def test_other_roles_cannot_change_accounts_even_their_own(cast, role):
    user = cast[role]
    before = setup_state()
    with pytest.raises(PermissionDenied):
        services.staff_user_change_role(actor=user, user=user, role="clinic_admin")
    with pytest.raises(PermissionDenied):
        services.staff_user_set_password(actor=user, user=user, password=PASSWORD)
    assert setup_state() == before


def test_a_clinic_admin_cannot_change_an_operators_account(clinic_admin, clinic):
    # given an operator who is also on this clinic's books
    operator = User.objects.create_superuser("root", password=PASSWORD, clinic=clinic)
    # when / then
    with pytest.raises(PermissionDenied, match="operator"):
        services.staff_user_set_password(actor=clinic_admin, user=operator, password=None)
    operator.refresh_from_db()
    assert operator.check_password(PASSWORD)


# On SQLite every transaction is BEGIN IMMEDIATE, so two writers queue one after the other (the
# sequential tests above); PostgreSQL runs them at once, where the clinic-row lock decides.
@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_admins_demoting_each_other_at_once_leave_the_clinic_one_admin(clinic_admin, clinic):
    # given
    second = factories.make_user(clinic, "clinic_admin", "admin2")
    done, refused = [], []
    barrier = threading.Barrier(2)

    def demote(actor_pk, user_pk):
        # each request loads its own actor and account
        actor, user = User.objects.get(pk=actor_pk), User.objects.get(pk=user_pk)
        try:
            barrier.wait()
            with transaction.atomic():
                services.staff_user_change_role(actor=actor, user=user, role="physician")
            done.append(user.username)
        except ApplicationError as exc:
            refused.append(exc.code)
        finally:
            connection.close()

    # when
    threads = [
        threading.Thread(target=demote, args=(clinic_admin.pk, second.pk)),
        threading.Thread(target=demote, args=(second.pk, clinic_admin.pk)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then one is refused: the clinic's last admin (or, if it came second, no longer an admin)
    assert len(done) == 1 and len(refused) == 1
    assert refused[0] in {Code.LAST_ADMIN, "permission_denied"}
    admins = User.objects.filter(clinic=clinic, role="clinic_admin", is_active=True)
    assert admins.count() == 1
