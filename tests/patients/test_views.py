"""Patient screens: search, registration, chart summary, edit, add insurance."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from medassist.core.errors import ValidationFailed
from medassist.frontdesk.models import CheckIn, Checkout
from medassist.patients.models import Coverage, Patient
from medassist.practice.models import Payer
from medassist.scheduling.models import StatusChange
from tests import factories

ROLES = [*factories.STAFF_ROLES, "other_clinic_physician", None]  # None: nobody logged in
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def user_for(cast):
    return lambda role: cast[role] if role else None


@pytest.fixture
def other_clinic_front_desk(other_clinic):
    return factories.make_user(other_clinic, "front_desk", "otherdesk")


@pytest.fixture
def payer(clinic):
    return Payer.objects.get(clinic=clinic, name="Acme Health")


def snapshot(patient=None) -> dict:
    """Everything a refused request must leave as it was."""
    state = {
        "patients": Patient.objects.count(),
        "coverages": Coverage.objects.count(),
        "check_ins": CheckIn.objects.count(),
        "checkouts": Checkout.objects.count(),
        "status_changes": StatusChange.objects.count(),
    }
    if patient is not None:
        state["patient"] = Patient.objects.filter(pk=patient.pk).values().get()
    return state


def assert_status(response, expected):
    assert response.status_code == expected
    if expected == 302:
        assert response.url.startswith("/login/")


def registration(payer_obj=None, **over) -> dict:
    data = {
        "first_name": "Maria",
        "last_name": "Lopez",
        "date_of_birth": "1975-03-09",
        "sex": "F",
        "phone_mobile": "518-555-0177",
        "email": "maria@example.org",
        "preferred_language": "Spanish",
        "address_line1": "4 Oak Ave",
        "city": "Troy",
        "state": "ny",
        "postal_code": "12180",
        "emergency_contact_name": "Luis Lopez",
        "emergency_contact_relationship": "Husband",
        "emergency_contact_phone": "(518) 555-0100",
    }
    if payer_obj is not None:
        data.update(
            {
                "payer": str(payer_obj.public_id),
                "member_id": "ZZ9001",
                "group_number": "G7",
                "relationship": "self",
                "copay": "30",
            }
        )
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def edit_data(patient, **over) -> dict:
    data = {
        "first_name": patient.first_name,
        "last_name": patient.last_name,
        "date_of_birth": patient.date_of_birth.isoformat(),
        "sex": patient.sex,
        "phone_mobile": patient.phone_mobile,
        "preferred_language": patient.preferred_language,
        "address_line1": patient.address_line1,
        "city": patient.city,
        "state": patient.state,
        "postal_code": patient.postal_code,
    }
    data.update(over)
    return data


def coverage_data(payer_obj, **over) -> dict:
    data = {
        "payer": str(payer_obj.public_id),
        "member_id": "SEC-555",
        "relationship": "self",
        "priority": "2",
        "copay": "10.00",
    }
    data.update(over)
    return data


# ---------------------------------------------------------------- role matrix

ALL_STAFF_OWN_CLINIC = {
    "front_desk": 200,
    "medical_assistant": 200,
    "physician": 200,
    "biller": 200,
    "clinic_admin": 200,
    "other_clinic_physician": 404,
    None: 302,
}
REGISTER = {
    "front_desk": 200,
    "medical_assistant": 403,
    "physician": 403,
    "biller": 403,
    "clinic_admin": 200,
    "other_clinic_physician": 403,
    None: 302,
}
EDIT = {**REGISTER, "medical_assistant": 200}
COVERAGE = {**REGISTER, "biller": 200}


@pytest.mark.parametrize("role", ROLES)
def test_search_is_open_to_all_staff_and_shows_only_their_clinics_patients(
    role, user_for, client_for, patient
):
    # when
    response = client_for(user_for(role)).post(reverse("patients:search"), {"q": "reyes"})
    # then
    expected = 302 if role is None else 200
    assert_status(response, expected)
    found = patient.mrn.encode() in response.content
    assert found == (expected == 200 and role != "other_clinic_physician")


@pytest.mark.parametrize("role", ROLES)
def test_register_page_is_for_front_desk_and_admin(role, user_for, client_for):
    response = client_for(user_for(role)).get(reverse("patients:register"))
    assert_status(response, REGISTER[role])


@pytest.mark.parametrize("role", ROLES)
def test_register_post_by_each_role_registers_or_changes_nothing(
    role, user_for, client_for, payer, cast
):
    # given
    before = snapshot()
    # when
    response = client_for(user_for(role)).post(reverse("patients:register"), registration(payer))
    # then
    if REGISTER[role] == 200:
        created = Patient.objects.get(last_name="Lopez")
        assert response.status_code == 302
        assert response.url == reverse("patients:detail", args=[created.public_id])
        assert Coverage.objects.filter(patient=created).count() == 1
    else:
        assert_status(response, REGISTER[role])
        assert snapshot() == before


@pytest.mark.parametrize("role", ROLES)
def test_patient_chart_is_open_to_staff_of_the_patients_clinic_only(
    role, user_for, client_for, patient
):
    response = client_for(user_for(role)).get(reverse("patients:detail", args=[patient.public_id]))
    assert_status(response, ALL_STAFF_OWN_CLINIC[role])


@pytest.mark.parametrize("role", ROLES)
def test_edit_page_is_for_desk_assistant_and_admin(role, user_for, client_for, patient):
    response = client_for(user_for(role)).get(reverse("patients:edit", args=[patient.public_id]))
    assert_status(response, EDIT[role])


@pytest.mark.parametrize("role", ROLES)
def test_edit_post_by_each_role_saves_or_changes_nothing(role, user_for, client_for, patient):
    # given
    before = snapshot(patient)
    # when
    response = client_for(user_for(role)).post(
        reverse("patients:edit", args=[patient.public_id]),
        edit_data(patient, phone_mobile="518 555 0111"),
    )
    # then
    if EDIT[role] == 200:
        assert response.status_code == 302
        patient.refresh_from_db()
        assert patient.phone_mobile == "+15185550111"
    else:
        assert_status(response, EDIT[role])
        assert snapshot(patient) == before


@pytest.mark.parametrize("role", ROLES)
def test_add_coverage_page_is_for_desk_biller_and_admin(role, user_for, client_for, patient):
    response = client_for(user_for(role)).get(
        reverse("patients:coverage_add", args=[patient.public_id])
    )
    assert_status(response, COVERAGE[role])


@pytest.mark.parametrize("role", ROLES)
def test_add_coverage_post_by_each_role_adds_or_changes_nothing(
    role, user_for, client_for, patient, payer
):
    # given
    before = snapshot(patient)
    # when
    response = client_for(user_for(role)).post(
        reverse("patients:coverage_add", args=[patient.public_id]), coverage_data(payer)
    )
    # then
    if COVERAGE[role] == 200:
        assert response.status_code == 302
        assert Coverage.objects.filter(patient=patient).count() == 2
    else:
        assert_status(response, COVERAGE[role])
        assert snapshot(patient) == before


@pytest.mark.parametrize(
    ("name", "method", "data"),
    [
        ("patients:detail", "get", None),
        ("patients:edit", "get", None),
        ("patients:edit", "post", {"first_name": "Hacked"}),
        ("patients:coverage_add", "get", None),
        ("patients:coverage_add", "post", {"member_id": "X"}),
    ],
)
def test_another_clinics_patient_is_not_found_even_for_a_role_that_may_edit(
    name, method, data, client_for, other_clinic_front_desk, patient
):
    # given
    before = snapshot(patient)
    client = client_for(other_clinic_front_desk)
    url = reverse(name, args=[patient.public_id])
    # when
    response = client.get(url) if method == "get" else client.post(url, data)
    # then
    assert response.status_code == 404
    assert snapshot(patient) == before


# ---------------------------------------------------------------- search


def test_search_finds_by_name_mrn_birth_date_and_phone(client_for, front_desk, patient):
    # given
    client = client_for(front_desk)
    url = reverse("patients:search")
    # when / then
    for query in ("reyes, jo", "jordan reyes", patient.mrn, "05/17/1980", "518-555-0142"):
        html = client.post(url, {"q": query}).content.decode()
        assert patient.mrn in html, query
        assert reverse("patients:detail", args=[patient.public_id]) in html, query
        assert "(518) 555-0142" in html
        assert "05/17/1980" in html


def test_search_row_shows_age(client_for, front_desk, patient):
    response = client_for(front_desk).post(reverse("patients:search"), {"q": "reyes"})
    age = response.context["rows"][0]["age"]
    assert f"({age} y)" in response.content.decode()  # an adult: years
    assert 40 <= age <= 60


def test_search_page_updates_results_as_you_type_with_htmx(client_for, front_desk):
    # when
    html = client_for(front_desk).get(reverse("patients:search")).content.decode()
    # then
    assert 'hx-trigger="input changed delay:250ms, search"' in html
    assert 'hx-target="#results"' in html
    assert "Register new patient" in html


def test_search_htmx_request_returns_only_the_results(client_for, front_desk, patient):
    # when
    response = client_for(front_desk).post(reverse("patients:search"), {"q": "reyes"}, **HTMX)
    # then
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="results"')
    assert patient.mrn in html
    for outside in ("<html", "<h1", 'name="q"', "Log out"):
        assert outside not in html


def test_search_with_no_match_says_so(client_for, front_desk, patient):
    html = client_for(front_desk).post(reverse("patients:search"), {"q": "zzzz"}).content.decode()
    assert "No patient matches “zzzz”." in html


def test_register_button_is_hidden_from_roles_that_cannot_register(client_for, physician):
    html = client_for(physician).get(reverse("patients:search")).content.decode()
    assert "Register new patient" not in html


@pytest.mark.parametrize("rows", [1, 10])
def test_search_query_count_does_not_grow_with_results(
    rows, client_for, front_desk, django_assert_max_num_queries
):
    # given
    for _ in range(rows):
        factories.make_patient(front_desk, last_name="Smithson")
    client = client_for(front_desk)
    # when
    with django_assert_max_num_queries(13):
        response = client.post(reverse("patients:search"), {"q": "smithson"})
    # then
    assert len(response.context["rows"]) == rows


# ---------------------------------------------------------------- registration


def test_registration_saves_patient_and_insurance_and_opens_the_chart(
    client_for, front_desk, payer
):
    # when
    response = client_for(front_desk).post(
        reverse("patients:register"), registration(payer), follow=True
    )
    # then
    patient = Patient.objects.get(last_name="Lopez")
    assert patient.phone_mobile == "+15185550177"
    assert patient.emergency_contact_phone == "+15185550100"
    assert patient.state == "NY" and patient.preferred_language == "Spanish"
    coverage = Coverage.objects.get(patient=patient)
    assert coverage.payer == payer and coverage.member_id == "ZZ9001"
    assert coverage.copay == Decimal("30.00")
    assert coverage.subscriber_name == "Maria Lopez"
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("patients:detail", args=[patient.public_id])
    assert f"Registered Lopez, Maria, MRN {patient.mrn}." in html
    assert "Acme Health" in html and "$30.00" in html and "(518) 555-0177" in html


def test_registration_without_insurance_registers_a_self_pay_patient(client_for, front_desk):
    # when
    response = client_for(front_desk).post(reverse("patients:register"), registration())
    # then
    assert response.status_code == 302
    patient = Patient.objects.get(last_name="Lopez")
    assert not Coverage.objects.filter(patient=patient).exists()


def test_a_possible_duplicate_is_shown_with_links_and_saved_only_when_confirmed(
    client_for, front_desk, patient
):
    # given: the same name and date of birth as the registered Jordan Reyes
    client = client_for(front_desk)
    data = registration(first_name="jordan", last_name="REYES", date_of_birth="1980-05-17")
    before = snapshot()
    # when
    first = client.post(reverse("patients:register"), data)
    # then
    html = first.content.decode()
    assert first.status_code == 200
    assert "Possible duplicate" in html
    assert reverse("patients:detail", args=[patient.public_id]) in html
    assert patient.mrn in html
    assert 'name="allow_duplicate"' in html
    assert snapshot() == before
    # when: the clerk confirms this is a different person
    second = client.post(reverse("patients:register"), {**data, "allow_duplicate": "on"})
    # then
    assert second.status_code == 302
    assert Patient.objects.filter(last_name__iexact="reyes").count() == 2


def test_the_different_person_box_is_not_offered_before_a_duplicate_is_found(
    client_for, front_desk
):
    html = client_for(front_desk).get(reverse("patients:register")).content.decode()
    assert 'name="allow_duplicate"' not in html


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"phone_mobile": "555-12"}, "phone_mobile", "is not a valid phone number"),
        ({"phone_mobile": "call me"}, "phone_mobile", "is not a phone number"),
        ({"emergency_contact_phone": "123"}, "emergency_contact_phone", "phone number"),
        ({"date_of_birth": "FUTURE"}, "date_of_birth", "Date of birth cannot be in the future."),
        ({"date_of_birth": "1980-02-30"}, "date_of_birth", "Enter the date of birth as"),
        ({"first_name": ""}, "first_name", "This field is required."),
        ({"sex": "Q"}, "sex", "Select a valid choice."),
        ({"postal_code": "ABCDE"}, "postal_code", "Enter a 5-digit ZIP code"),
        ({"state": "New York"}, "state", "at most 2 characters"),
        ({"copay": "-5"}, "copay", "Copay cannot be negative."),
        ({"copay": "NaN"}, "copay", "Copay must be an amount like 25.00."),
        ({"member_id": ""}, "member_id", "Member id is required for insurance."),
        ({"payer": ""}, "payer", "Choose the insurer, or clear the insurance fields."),
    ],
)
def test_registration_with_bad_input_shows_the_message_at_the_field_and_saves_nothing(
    change, field, message, client_for, front_desk, payer
):
    # given
    if change.get("date_of_birth") == "FUTURE":
        change = {"date_of_birth": (timezone.localdate() + timedelta(days=1)).isoformat()}
    before = snapshot()
    # when
    response = client_for(front_desk).post(
        reverse("patients:register"), registration(payer, **change)
    )
    # then
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in e for e in form.errors[field]), form.errors
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert "Nothing was saved." in html
    assert snapshot() == before


def test_registration_rolls_back_the_patient_when_the_insurance_is_refused(
    client_for, front_desk, payer, monkeypatch
):
    # given: the coverage service refuses after the patient was written
    def refuse(**kwargs):
        raise ValidationFailed("Member id does not match this payer's format.", field="member_id")

    monkeypatch.setattr("medassist.patients.views.coverage_add", refuse)
    before = snapshot()
    # when
    response = client_for(front_desk).post(reverse("patients:register"), registration(payer))
    # then
    assert response.status_code == 200
    assert response.context["form"].errors["member_id"] == [
        "Member id does not match this payer's format."
    ]
    assert snapshot() == before


# ---------------------------------------------------------------- chart


def test_chart_shows_demographics_contact_coverage_and_appointments(
    client_for, front_desk, patient, appointment
):
    # when the page opens and loads its appointments (an htmx fragment)
    client = client_for(front_desk)
    response = client.get(reverse("patients:detail", args=[patient.public_id]))
    visits = client.get(reverse("scheduling:patient_visits", args=[patient.public_id]), **HTMX)
    # then
    html = response.content.decode() + visits.content.decode()
    assert "Reyes, Jordan" in html and patient.mrn in html
    assert "05/17/1980" in html and "(518) 555-0142" in html and "12 Elm St" in html
    assert "Acme Health" in html and "XJH123456789" in html and "$25.00" in html
    assert "not verified" in html
    assert "Paul Osler, MD" in html and "Booked" in html
    assert reverse("patients:edit", args=[patient.public_id]) in html
    assert reverse("patients:coverage_add", args=[patient.public_id]) in html


def test_chart_hides_edit_links_from_roles_that_cannot_edit(client_for, physician, patient):
    html = (
        client_for(physician)
        .get(reverse("patients:detail", args=[patient.public_id]))
        .content.decode()
    )
    assert reverse("patients:edit", args=[patient.public_id]) not in html
    assert reverse("patients:coverage_add", args=[patient.public_id]) not in html


def test_opening_a_chart_is_audited(client_for, biller, patient):
    from medassist.audit.models import AuditEvent

    client_for(biller).get(reverse("patients:detail", args=[patient.public_id]))
    assert AuditEvent.objects.filter(patient=patient, action="read", actor=biller).exists()


# ---------------------------------------------------------------- edit


def test_edit_form_shows_phones_as_people_write_them(client_for, front_desk, patient):
    html = (
        client_for(front_desk)
        .get(reverse("patients:edit", args=[patient.public_id]))
        .content.decode()
    )
    assert 'value="(518) 555-0142"' in html


def test_edit_returns_to_a_safe_next_address_only(client_for, front_desk, patient):
    # given
    client = client_for(front_desk)
    url = reverse("patients:edit", args=[patient.public_id])
    # when
    inside = client.post(url, {**edit_data(patient), "next": "/desk/board/"})
    outside = client.post(url, {**edit_data(patient), "next": "https://evil.example/"})
    # then
    assert inside.url == "/desk/board/"
    assert outside.url == reverse("patients:detail", args=[patient.public_id])


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"phone_mobile": "555-12"}, "phone_mobile", "is not a valid phone number"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth", "cannot be in the future"),
        ({"last_name": ""}, "last_name", "This field is required."),
    ],
)
def test_edit_with_bad_input_explains_and_changes_nothing(
    change, field, message, client_for, front_desk, patient
):
    # given
    before = snapshot(patient)
    # when
    response = client_for(front_desk).post(
        reverse("patients:edit", args=[patient.public_id]), edit_data(patient, **change)
    )
    # then
    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors[field])
    assert snapshot(patient) == before
    assert "Reyes" in response.content.decode()


# ---------------------------------------------------------------- add coverage


def test_adding_a_second_insurance_defaults_to_secondary_and_shows_on_the_chart(
    client_for, biller, patient, payer
):
    # given
    client = client_for(biller)
    url = reverse("patients:coverage_add", args=[patient.public_id])
    # when
    page = client.get(url)
    response = client.post(url, coverage_data(payer), follow=True)
    # then
    assert page.context["form"].initial["priority"] == 2
    added = Coverage.objects.get(patient=patient, member_id="SEC-555")
    assert added.priority == 2 and added.copay == Decimal("10.00")
    assert "Added Acme Health (Secondary)." in response.content.decode()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"copay": "-1"}, "copay", "Copay cannot be negative."),
        ({"copay": "12.345"}, "copay", "two decimal places"),
        ({"member_id": ""}, "member_id", "This field is required."),
        ({"payer": "00000000-0000-4000-8000-000000000000"}, "payer", "Select a valid choice."),
        ({"subscriber_date_of_birth": "31/31/2000"}, "subscriber_date_of_birth", "YYYY-MM-DD"),
    ],
)
def test_add_coverage_with_bad_input_explains_and_saves_nothing(
    change, field, message, client_for, front_desk, patient, payer
):
    # given
    before = snapshot(patient)
    # when
    response = client_for(front_desk).post(
        reverse("patients:coverage_add", args=[patient.public_id]),
        coverage_data(payer, **change),
    )
    # then
    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors[field])
    assert snapshot(patient) == before


def test_a_payer_of_another_clinic_cannot_be_chosen(client_for, front_desk, patient, other_clinic):
    # given
    foreign = Payer.objects.get(clinic=other_clinic)
    before = snapshot(patient)
    # when
    response = client_for(front_desk).post(
        reverse("patients:coverage_add", args=[patient.public_id]), coverage_data(foreign)
    )
    # then
    assert "Select a valid choice." in response.context["form"].errors["payer"][0]
    assert snapshot(patient) == before


def test_the_patient_page_opens_the_chart(client_for, medical_assistant, patient):
    # when
    html = (
        client_for(medical_assistant)
        .get(reverse("patients:detail", args=[patient.public_id]))
        .content.decode()
    )
    # then the chart is one click away, and that link opens it
    chart = reverse("records:chart", args=[patient.public_id])
    assert f'href="{chart}"' in html
    assert client_for(medical_assistant).get(chart).status_code == 200


def test_every_problem_of_a_registration_shows_in_one_round(client_for, front_desk, payer):
    # given a bad phone, a bad ZIP and a state that is no state, sent together
    before = snapshot()
    response = client_for(front_desk).post(
        reverse("patients:register"),
        registration(payer, phone_mobile="555-12", postal_code="ABCDE", state="ZZ"),
    )
    # then all three are named at once, and nothing is saved
    errors = response.context["form"].errors
    assert {"phone_mobile", "postal_code", "state"} <= set(errors), errors
    assert "not a US state" in errors["state"][0]
    assert snapshot() == before


def test_the_state_box_does_not_cut_what_is_typed(client_for, front_desk):
    html = client_for(front_desk).get(reverse("patients:register")).content.decode()
    box = html[html.index('name="state"') - 200 : html.index('name="state"') + 200]
    assert 'maxlength="2"' not in box
