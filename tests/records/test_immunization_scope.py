"""Recording a vaccine as given here is giving a vaccine: the same scope-of-practice task as
administering one from stock (`vaccine_administration`). A dose reported by the patient or
another provider is history, allowed with chart.edit and marked as reported."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from medassist.audit.models import AuditEvent
from medassist.practice.scope import ScopeRefused
from medassist.records import services
from medassist.records.models import ChartHistory, Immunization
from tests import factories

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 10, 1)


def _record(actor, patient, **extra):
    return services.immunization_create(
        actor=actor, patient=patient, cvx_code="140", occurrence_date=DAY, **extra
    )


def test_an_untrained_ma_may_not_record_a_dose_given_here_and_nothing_is_written(
    medical_assistant, patient
):
    # when
    with pytest.raises(ScopeRefused, match="training") as refused:
        _record(medical_assistant, patient, lot_number="FLU1")
    # then
    assert refused.value.code == "scope_refused"
    assert refused.value.extra == {"task": "vaccine_administration"}
    assert not Immunization.objects.exists() and not ChartHistory.objects.exists()
    assert AuditEvent.objects.filter(
        object_type="practice.scope", object_id="vaccine_administration"
    ).exists()


def test_an_untrained_ma_may_record_a_reported_dose(medical_assistant, patient):
    imm = _record(medical_assistant, patient, primary_source=False)
    assert imm.primary_source is False and imm.supervisor_present is None


def test_a_dose_not_given_is_not_an_act_of_giving(medical_assistant, patient):
    imm = _record(medical_assistant, patient, status="not-done", status_reason="Declined")
    assert imm.status == "not-done"


def test_a_trained_ma_records_a_dose_given_here(medical_assistant, patient):
    factories.make_training(medical_assistant, "vaccine_administration")
    assert _record(medical_assistant, patient).primary_source is True


def test_in_california_the_supervisor_must_be_recorded_and_is_kept(
    medical_assistant, patient, clinic
):
    # given
    clinic.state = "CA"
    clinic.save()
    factories.make_training(medical_assistant, "vaccine_administration")
    # when / then
    with pytest.raises(ScopeRefused, match="supervising physician"):
        _record(medical_assistant, patient)
    imm = _record(medical_assistant, patient, supervisor_present=True)
    assert imm.supervisor_present is True


def test_turning_a_reported_dose_into_one_given_here_needs_the_task(
    medical_assistant, physician, patient
):
    # given
    imm = _record(medical_assistant, patient, primary_source=False)
    # when / then
    with pytest.raises(ScopeRefused):
        services.immunization_update(actor=medical_assistant, immunization=imm, primary_source=True)
    imm.refresh_from_db()
    assert imm.primary_source is False and imm.version == 1
    # an ordinary correction of a reported dose stays allowed
    fixed = services.immunization_update(actor=medical_assistant, immunization=imm, lot_number="L2")
    assert fixed.lot_number == "L2"
    # and a physician may
    given = services.immunization_update(actor=physician, immunization=fixed, primary_source=True)
    assert given.primary_source is True


def test_the_chart_form_shows_the_reason_and_saves_nothing(medical_assistant, patient, client_for):
    # when
    response = client_for(medical_assistant).post(
        f"/records/patients/{patient.public_id}/immunizations/new/",
        {
            "cvx_code": "140",
            "occurrence_date": "2025-10-01",
            "status": "completed",
            "primary_source": "True",
        },
        HTTP_HX_REQUEST="true",
    )
    # then
    assert response.status_code == 403
    html = response.content.decode()
    assert "give a vaccine" in html and "training" in html
    assert 'name="cvx_code"' in html  # the form, with the reason on it
    assert not Immunization.objects.exists()


def test_the_chart_form_defaults_to_reported_and_the_chart_says_so(
    medical_assistant, patient, client_for
):
    # given
    client = client_for(medical_assistant)
    url = f"/records/patients/{patient.public_id}/immunizations/new/"
    form = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert re.search(r'value="False"[^>]*checked', form)
    # when
    client.post(
        url,
        {"cvx_code": "140", "occurrence_date": "2025-10-01", "status": "completed"},
        HTTP_HX_REQUEST="true",
    )
    # then
    assert Immunization.objects.get().primary_source is False
    chart = client.get(f"/records/patients/{patient.public_id}/").content.decode()
    assert "reported, not given here" in chart


def test_editing_a_dose_given_here_shows_it_as_given_here(physician, patient, client_for):
    # given
    imm = _record(physician, patient)
    # when
    form = client_for(physician).get(
        f"/records/items/immunizations/{imm.public_id}/edit/", HTTP_HX_REQUEST="true"
    )
    # then
    assert form.status_code == 200
    assert re.search(r'value="True"[^>]*checked', form.content.decode())
