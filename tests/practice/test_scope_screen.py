"""The clinic admin's scope-of-practice screen: the role matrix, refusals change nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from medassist.core.clock import clinic_today
from medassist.practice.models import StaffCredential, TrainingRecord
from tests import factories

ROLES = ["front_desk", "medical_assistant", "physician", "biller", "clinic_admin"]


def _training_post(user, **extra):
    data = {
        "form": "training",
        "training-user": str(user.public_id),
        "training-task": "injection",
        "training-hours": "10",
        "training-supervised_procedures": "40",
        "training-certificate": "Signed by Dr. Osler 2024-05-01",
        "training-completed_on": "2024-05-01",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize("role", [*ROLES, "anonymous", "other_clinic_physician"])
def test_only_the_clinic_admin_opens_the_screen_and_a_refused_post_records_nothing(
    request, client_for, cast, medical_assistant, role
):
    user = None if role == "anonymous" else cast[role]
    client = client_for(user)
    expected = 302 if role == "anonymous" else (200 if role == "clinic_admin" else 403)
    assert client.get(reverse("practice:scope")).status_code == expected
    if role != "clinic_admin":
        response = client.post(reverse("practice:scope"), _training_post(medical_assistant))
        assert response.status_code == expected
        assert not TrainingRecord.objects.exists()


def test_the_screen_shows_who_may_do_what_and_what_expires(
    client_for, clinic, clinic_admin, medical_assistant, physician
):
    # given a California clinic in its own time zone
    clinic.state, clinic.timezone = "CA", "America/Los_Angeles"
    clinic.save()
    factories.make_training(medical_assistant, "poc_test")
    StaffCredential.objects.create(
        user=medical_assistant, kind="CMA", expires_on=clinic_today(clinic) + timedelta(days=10)
    )
    # when
    page = client_for(clinic_admin).get(reverse("practice:scope")).content.decode()
    # then
    assert "California" in page and "leginfo.legislature.ca.gov" in page
    assert "Yes, with a physician on the premises" in page
    assert "only after training for it" in page
    assert medical_assistant.display_name in page and physician.display_name in page
    assert "Expires</span> " + medical_assistant.display_name + ": CMA" in page


def test_the_screen_is_a_fixed_number_of_queries(
    client_for, clinic, clinic_admin, django_assert_max_num_queries
):
    for _ in range(8):
        ma = factories.make_user(clinic, "medical_assistant")
        factories.make_training(ma)
        StaffCredential.objects.create(user=ma, kind="RMA")
    client = client_for(clinic_admin)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("practice:scope")).status_code == 200


def test_the_admin_records_training_and_the_ma_then_qualifies(
    client_for, clinic_admin, medical_assistant
):
    response = client_for(clinic_admin).post(
        reverse("practice:scope"), _training_post(medical_assistant)
    )
    assert response.status_code == 302
    record = TrainingRecord.objects.get(user=medical_assistant)
    assert record.certificate.startswith("Signed") and record.created_by == clinic_admin


@pytest.mark.parametrize(
    "bad",
    [
        {"training-hours": "-2"},
        {"training-completed_on": "2024-13-01"},
        {"training-task": "surgery"},
        {"training-user": "not-a-user"},
        {"training-completed_on": "2999-01-01"},
    ],
)
def test_bad_training_input_shows_an_error_and_records_nothing(
    client_for, clinic_admin, medical_assistant, bad
):
    response = client_for(clinic_admin).post(
        reverse("practice:scope"), _training_post(medical_assistant, **bad)
    )
    assert response.status_code == 422
    assert 'class="errorlist"' in response.content.decode()
    assert not TrainingRecord.objects.exists()


def test_a_credential_is_recorded_from_the_screen(client_for, clinic_admin, medical_assistant):
    data = {
        "form": "credential",
        "credential-user": str(medical_assistant.public_id),
        "credential-kind": "CCMA",
        "credential-expires_on": "2030-06-30",
    }
    assert client_for(clinic_admin).post(reverse("practice:scope"), data).status_code == 302
    assert StaffCredential.objects.get(user=medical_assistant).kind == "CCMA"
    data["credential-kind"] = "MD"
    assert client_for(clinic_admin).post(reverse("practice:scope"), data).status_code == 422
    assert StaffCredential.objects.count() == 1
