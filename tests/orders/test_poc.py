"""Point-of-care tests: kit lot and expiry, daily QC, results filed as Observations."""

from __future__ import annotations

from datetime import timedelta

import pytest

from medassist.core.clock import clinic_today
from medassist.core.errors import PermissionDenied, ValidationFailed
from medassist.orders.errors import KitExpired, QcFailed, QcMissing
from medassist.orders.models import PocKit, PocRun
from medassist.orders.poc import device_add, kit_add, poc_result_record, qc_record
from medassist.records.models import Observation


@pytest.fixture
def today(clinic):
    return clinic_today(clinic)


@pytest.fixture
def meter(medical_assistant):
    return device_add(actor=medical_assistant, test="glucose", name="Glucometer 1")


@pytest.fixture
def strips(medical_assistant, today):
    return kit_add(
        actor=medical_assistant, test="glucose", lot="G123", expires_on=today + timedelta(days=30)
    )


def test_glucose_needs_todays_passing_qc(medical_assistant, patient, meter, strips):
    with pytest.raises(QcMissing):
        poc_result_record(
            actor=medical_assistant,
            patient=patient,
            test="glucose",
            kit=strips,
            device=meter,
            value="110",
        )
    qc_record(actor=medical_assistant, device=meter, passed=True, level="normal")
    run = poc_result_record(
        actor=medical_assistant,
        patient=patient,
        test="glucose",
        kit=strips,
        device=meter,
        value="110",
    )
    obs = run.observation
    assert obs.code == "2345-7" and obs.value_quantity == 110 and obs.value_unit == "mg/dL"
    assert obs.interpretation == "H" and obs.reference_range == "70-99 mg/dL" and "G123" in obs.note
    qc_record(actor=medical_assistant, device=meter, passed=False, note="control out of range")
    with pytest.raises(QcFailed):
        poc_result_record(
            actor=medical_assistant,
            patient=patient,
            test="glucose",
            kit=strips,
            device=meter,
            value="90",
        )
    assert PocRun.objects.count() == 1


def test_expired_kit_refused(medical_assistant, patient, today):
    with pytest.raises(KitExpired):
        kit_add(
            actor=medical_assistant,
            test="rapid_strep",
            lot="OLD",
            expires_on=today - timedelta(days=1),
        )
    kit = kit_add(actor=medical_assistant, test="rapid_strep", lot="S1", expires_on=today)
    PocKit.objects.filter(pk=kit.pk).update(expires_on=today - timedelta(days=1))
    kit.refresh_from_db()
    with pytest.raises(KitExpired):
        poc_result_record(
            actor=medical_assistant, patient=patient, test="rapid_strep", kit=kit, value="Negative"
        )
    assert not Observation.objects.exists()


def test_qualitative_answers_and_bounds(medical_assistant, patient, meter, strips, today):
    kit = kit_add(
        actor=medical_assistant, test="pregnancy", lot="P1", expires_on=today + timedelta(days=5)
    )
    with pytest.raises(ValidationFailed):
        poc_result_record(
            actor=medical_assistant, patient=patient, test="pregnancy", kit=kit, value="maybe"
        )
    run = poc_result_record(
        actor=medical_assistant, patient=patient, test="pregnancy", kit=kit, value="negative"
    )
    assert run.observation.value_string == "Negative" and run.observation.interpretation == ""
    qc_record(actor=medical_assistant, device=meter, passed=True)
    for bad in ("abc", "5000", "NaN"):
        with pytest.raises(ValidationFailed):
            poc_result_record(
                actor=medical_assistant,
                patient=patient,
                test="glucose",
                kit=strips,
                device=meter,
                value=bad,
            )
    with pytest.raises(ValidationFailed):  # a strep kit is not a glucose kit
        poc_result_record(
            actor=medical_assistant,
            patient=patient,
            test="glucose",
            kit=kit,
            device=meter,
            value="90",
        )


def test_front_desk_may_not_run_tests(front_desk, patient, strips, meter):
    with pytest.raises(PermissionDenied):
        poc_result_record(
            actor=front_desk, patient=patient, test="glucose", kit=strips, device=meter, value="90"
        )
