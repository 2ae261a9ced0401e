"""Age rules: a visit type's ages and the ages a provider sees, kept by `visit_placement` (every
booking path) and by the first-available search; set on the visit-type rules screen."""

from __future__ import annotations

from datetime import date

import pytest

from medassist.audit.models import AuditEvent
from medassist.availability.errors import Code, OutsideAge
from medassist.availability.models import ProviderAgeRule, VisitTypeRule
from medassist.availability.selectors import first_available
from medassist.availability.services import provider_age_rule_save, visit_type_rule_save
from medassist.booking.services import appointment_book
from medassist.core.errors import PermissionDenied, ValidationFailed
from medassist.scheduling.models import Appointment
from tests import factories
from tests.api.conftest import Api
from tests.availability.conftest import at, make_provider, weekday_template

ROLES = [*factories.STAFF_ROLES, "other_clinic_physician", None]


@pytest.fixture
def pediatrician(clinic, clinic_admin):
    doc = make_provider(clinic, first_name="Ada", last_name="Kidd")
    weekday_template(clinic, doc)
    provider_age_rule_save(actor=clinic_admin, provider=doc, max_age=18)
    return doc


@pytest.fixture
def adult(front_desk, monday):
    """38 on the Monday of the tests."""
    return factories.make_patient(
        front_desk, first_name="Max", last_name="Grown", date_of_birth=date(monday.year - 38, 1, 1)
    )


@pytest.fixture
def child(front_desk, monday):
    return factories.make_patient(
        front_desk, first_name="Tim", last_name="Small", date_of_birth=date(monday.year - 6, 1, 1)
    )


def ages_snapshot() -> dict:
    return {
        "visit_type": sorted(VisitTypeRule.objects.values_list("min_age", "max_age")),
        "provider": sorted(ProviderAgeRule.objects.values_list("min_age", "max_age")),
        "audit": AuditEvent.objects.exclude(
            action__in=[AuditEvent.Action.LIST, AuditEvent.Action.REFUSED]
        ).count(),
    }


# ---------------------------------------------------------------------------- booking


def test_the_pediatrician_refuses_an_adult_and_says_why(
    front_desk, clinic, pediatrician, monday, adult, follow_up
):
    # given a pediatrician who sees patients under 18 and a 38-year-old
    # when the desk books the adult with the pediatrician
    with pytest.raises(OutsideAge, match="Ada Kidd, MD sees patients under 18") as caught:
        appointment_book(
            actor=front_desk,
            patient=adult,
            visit_type=follow_up,
            provider=pediatrician,
            start=at(clinic, monday, 9),
        )
    # then it is refused with the stable code and nothing is booked
    assert caught.value.code == Code.OUTSIDE_AGE == "outside_age"
    assert not Appointment.objects.filter(patient=adult).exists()


def test_the_pediatrician_books_a_child(front_desk, clinic, pediatrician, monday, child, follow_up):
    # given a pediatrician who sees patients under 18
    # when the desk books a six-year-old
    appt = appointment_book(
        actor=front_desk,
        patient=child,
        visit_type=follow_up,
        provider=pediatrician,
        start=at(clinic, monday, 9),
    )
    # then the visit is booked
    assert appt.provider == pediatrician


def test_a_visit_types_ages_are_kept_on_the_visits_day(
    front_desk, clinic_admin, clinic, templated, monday, new_visit
):
    # given a visit type for patients from 18 and a patient who turns 18 on the Tuesday
    visit_type_rule_save(actor=clinic_admin, visit_type=new_visit, min_age=18)
    tuesday = date.fromordinal(monday.toordinal() + 1)
    teen = factories.make_patient(
        front_desk, date_of_birth=date(tuesday.year - 18, tuesday.month, tuesday.day)
    )
    book = dict(actor=front_desk, patient=teen, visit_type=new_visit, provider=templated)
    # when the desk books them on the Monday, then on the Tuesday
    with pytest.raises(OutsideAge, match="for patients 18 and over"):
        appointment_book(**book, start=at(clinic, monday, 9))
    appt = appointment_book(**book, start=at(clinic, tuesday, 9))
    # then only the Tuesday visit is booked
    assert list(Appointment.objects.filter(patient=teen)) == [appt]


# ---------------------------------------------------------------------------- search


def test_search_offers_an_adult_no_time_with_the_pediatrician(
    front_desk, clinic, templated, pediatrician, monday, adult, child, follow_up
):
    # given two providers with the same hours, one a pediatrician
    # when the desk searches for an adult and for a child
    for_adult = first_available(
        user=front_desk, visit_type=follow_up, date_from=monday, date_to=monday, patient=adult
    )
    for_child = first_available(
        user=front_desk, visit_type=follow_up, date_from=monday, date_to=monday, patient=child
    )
    # then the adult is offered only the other provider; the child both
    assert for_adult and {s.provider.pk for s in for_adult} == {templated.pk}
    assert {s.provider.pk for s in for_child} == {templated.pk, pediatrician.pk}


def test_search_with_the_pediatrician_named_explains_the_refusal(
    front_desk, pediatrician, monday, adult, follow_up
):
    # given a pediatrician and an adult
    # when the desk searches that provider's times for the adult
    with pytest.raises(OutsideAge, match="sees patients under 18"):
        first_available(
            user=front_desk,
            visit_type=follow_up,
            provider=pediatrician,
            date_from=monday,
            date_to=monday,
            patient=adult,
        )


def test_search_refuses_a_visit_type_outside_the_patients_age(
    front_desk, clinic_admin, templated, monday, adult, new_visit
):
    # given a new-patient visit for children from 2 to 17
    visit_type_rule_save(actor=clinic_admin, visit_type=new_visit, min_age=2, max_age=18)
    # when the desk searches it for a 38-year-old
    with pytest.raises(OutsideAge, match="for patients 2 to 17; Grown, Max is 38"):
        first_available(
            user=front_desk, visit_type=new_visit, date_from=monday, date_to=monday, patient=adult
        )


# ---------------------------------------------------------------------------- set-up


def test_saving_ages_is_audited_and_refuses_nonsense(clinic_admin, provider, new_visit):
    # given the clinic admin
    # when they save ages, then save impossible ones
    provider_age_rule_save(actor=clinic_admin, provider=provider, min_age=0, max_age=18)
    visit_type_rule_save(actor=clinic_admin, visit_type=new_visit, min_age=65)
    before = ages_snapshot()
    for bad in ({"min_age": 18, "max_age": 18}, {"min_age": 200}):
        with pytest.raises(ValidationFailed):
            provider_age_rule_save(actor=clinic_admin, provider=provider, **bad)
        with pytest.raises(ValidationFailed):
            visit_type_rule_save(actor=clinic_admin, visit_type=new_visit, **bad)
    # then the good ones were saved and audited, the bad ones changed nothing
    assert before["provider"] == [(0, 18)] and before["visit_type"] == [(65, None)]
    assert ages_snapshot() == before
    assert AuditEvent.objects.filter(
        object_type="availability.ProviderAgeRule", action=AuditEvent.Action.CREATE
    ).exists()


def test_only_the_clinic_admin_may_set_a_providers_ages(cast, provider):
    # given every other role
    # when each sets the provider's ages
    # then each is refused and no rule exists
    for role, user in cast.items():
        if role == "clinic_admin":
            continue
        with pytest.raises((PermissionDenied, ValidationFailed)):
            provider_age_rule_save(actor=user, provider=provider, max_age=18)
    assert not ProviderAgeRule.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix_of_the_provider_ages_form(role, cast, client_for, provider):
    # given a user in a role (or nobody)
    client = client_for(cast[role] if role else None)
    before = ages_snapshot()
    # when they post ages for the provider
    p = provider.public_id
    response = client.post(
        f"/availability/visit-types/providers/{p}/ages/",
        {f"{p.hex}-min_age": "", f"{p.hex}-max_age": "18"},
    )
    # then only the clinic admin saves them; a refused request changed nothing
    if role == "clinic_admin":
        assert response.status_code == 302
        assert ProviderAgeRule.objects.get(provider=provider).max_age == 18
        return
    if role is None:
        assert response.status_code == 302 and "/login/" in response["Location"]
    else:
        assert response.status_code in (403, 404)
    assert ages_snapshot() == before


def test_the_rules_screen_shows_and_edits_ages(clinic_admin, client_for, provider, new_visit):
    # given the clinic admin on the rules screen
    client = client_for(clinic_admin)
    # when they set the new-patient visit's ages and a bad provider age range
    vt = new_visit.code
    ok = client.post(
        f"/availability/visit-types/{new_visit.public_id}/",
        {f"{vt}-patients": "any", f"{vt}-min_age": "18", f"{vt}-max_age": ""},
    )
    p = provider.public_id
    bad = client.post(
        f"/availability/visit-types/providers/{p}/ages/",
        {f"{p.hex}-min_age": "18", f"{p.hex}-max_age": "5"},
    )
    page = client.get("/availability/visit-types/").content.decode()
    # then the first is saved and shown, the second explained and not saved
    assert ok.status_code == 302 and bad.status_code == 422
    assert "“Under” must be more than “from”" in bad.content.decode()
    assert "18 and over" in page
    assert not ProviderAgeRule.objects.exists()


def test_the_api_puts_and_shows_a_visit_types_ages(clinic_admin, new_visit):
    # given the clinic admin on the API
    api = Api(clinic_admin)
    # when they put a rule with ages
    path = f"/api/availability/visit-types/{new_visit.public_id}/rule"
    response = api.call("put", path, {"patients": "any", "min_age": 0, "max_age": 18})
    # then the rule keeps them and says so
    assert response.status_code == 200
    assert (response.json()["min_age"], response.json()["max_age"]) == (0, 18)
    assert VisitTypeRule.objects.get(visit_type=new_visit).max_age == 18
