"""The refill queue: each protocol rule, prepare, prescriber-only decisions, patient told."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from medassist.core.errors import PermissionDenied, ValidationFailed
from medassist.core.inbox import InboxItem
from medassist.intake.models import Vitals
from medassist.pharmacy import selectors, services
from medassist.pharmacy.errors import RefillState
from medassist.pharmacy.models import MedicationOrder, RefillRequest
from medassist.records.models import CodeSystem, Observation
from medassist.scheduling.models import Appointment, Status
from tests import factories


@pytest.fixture
def prescription(physician, patient):
    return services.medication_order_create(
        actor=physician,
        patient=patient,
        kind="prescription",
        drug_name="lisinopril 10 MG Oral Tablet",
        rxnorm="314076",
        drug_class="antihypertensive",
        dose_amount="10",
        dose_unit="mg",
        route="oral",
        frequency="once daily",
        quantity=30,
        refills=2,
        instructions="Take one tablet each morning.",
    )


def _visit(patient, days_ago):
    provider = patient.clinic.providers.first()
    appt = factories.book(patient.created_by, patient, provider)
    Appointment.objects.filter(pk=appt.pk).update(
        status=Status.CHECKED_OUT, start=timezone.now() - timedelta(days=days_ago)
    )


def _lab(patient, loinc, days_ago):
    Observation.objects.create(
        patient=patient,
        code_system=CodeSystem.LOINC,
        code=loinc,
        display="Creatinine",
        status="final",
        effective_at=timezone.now() - timedelta(days=days_ago),
        value_quantity=Decimal("1.0"),
        value_unit="mg/dL",
    )


def _bp(patient, user, days_ago):
    Vitals.objects.create(
        patient=patient,
        recorded_by=user,
        bp_systolic=128,
        bp_diastolic=82,
        taken_at=timezone.now() - timedelta(days=days_ago),
    )


def _request(actor, patient, **extra):
    values = {
        "medication_text": "lisinopril 10 mg",
        "source": "phone",
        "pharmacy_text": "Main St Pharmacy, fax 518-555-0111",
    }
    values.update(extra)
    return services.refill_request_create(actor=actor, patient=patient, **values)


def _passed(refill):
    return {c["rule"]: c["passed"] for c in refill.checks}


def test_every_rule_of_the_antihypertensive_protocol_passes_when_all_is_on_file(
    front_desk, medical_assistant, patient, prescription, physician
):
    _visit(patient, 30)
    _lab(patient, "2160-0", 60)
    _bp(patient, medical_assistant, 30)
    refill = _request(front_desk, patient)
    assert refill.order == prescription and refill.drug_class == "antihypertensive"
    assert _passed(refill) == {
        "last_visit": True,
        "bp_on_file": True,
        "lab": True,
        "refills_left": True,
    }
    assert refill.all_passed


@pytest.mark.parametrize("missing", ["last_visit", "bp_on_file", "lab", "refills_left"])
def test_each_rule_fails_on_its_own(front_desk, medical_assistant, patient, prescription, missing):
    _visit(patient, 400 if missing == "last_visit" else 30)
    _lab(patient, "2160-0", 500 if missing == "lab" else 60)
    if missing != "bp_on_file":
        _bp(patient, medical_assistant, 30)
    if missing == "refills_left":
        MedicationOrder.objects.filter(pk=prescription.pk).update(refills_used=2)
    refill = _request(front_desk, patient)
    passed = _passed(refill)
    assert passed.pop(missing) is False
    assert all(passed.values()), passed
    assert not refill.all_passed


def test_a_controlled_substance_always_goes_to_the_prescriber(front_desk, patient):
    refill = _request(front_desk, patient, medication_text="diazepam 5 mg")
    assert refill.drug_class == "controlled"
    assert _passed(refill)["controlled"] is False


def test_an_unknown_drug_uses_the_default_protocol(front_desk, patient):
    refill = _request(front_desk, patient, medication_text="mystery cream")
    assert set(_passed(refill)) == {"last_visit", "refills_left"}


@pytest.mark.parametrize(
    "values", [{"source": "email"}, {"medication_text": " "}, {"medication_text": "x" * 301}]
)
def test_bad_requests_are_refused_and_nothing_is_queued(front_desk, patient, values):
    with pytest.raises(ValidationFailed):
        _request(front_desk, patient, **values)
    assert not RefillRequest.objects.exists()


def test_another_clinics_patient_is_refused(other_clinic_physician, patient):
    with pytest.raises(ValidationFailed):
        _request(other_clinic_physician, patient)


def test_the_ma_prepares_and_the_prescriber_approves_and_everyone_is_told(
    front_desk, medical_assistant, physician, patient, prescription
):
    refill = _request(front_desk, patient)
    with pytest.raises(PermissionDenied):
        services.refill_approve(actor=medical_assistant, refill=refill, quantity=30, refills=1)
    services.refill_prepare(actor=medical_assistant, refill=refill)
    assert refill.status == "prepared" and refill.prepared_by == medical_assistant
    services.refill_approve(actor=physician, refill=refill, quantity=90, refills=1)
    refill.refresh_from_db()
    assert refill.status == "approved" and refill.decided_by == physician
    assert (refill.quantity, refill.refills) == (90, 1)
    assert "approved" in refill.patient_message and "lisinopril 10 mg" in refill.patient_message
    assert "APPROVED" in refill.pharmacy_message and "NPI" in refill.pharmacy_message
    assert refill.new_order is not None and refill.new_order.refills == 1
    prescription.refresh_from_db()
    assert prescription.status == "completed"
    with pytest.raises(RefillState):
        services.refill_deny(actor=physician, refill=refill, reason="changed my mind")


@pytest.mark.parametrize("who", ["front_desk", "medical_assistant", "clinic_admin", "biller"])
def test_no_one_but_the_prescriber_decides(request, who, front_desk, patient):
    refill = _request(front_desk, patient)
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.refill_approve(actor=actor, refill=refill, quantity=30, refills=0)
    with pytest.raises(PermissionDenied):
        services.refill_deny(actor=actor, refill=refill, reason="no")
    refill.refresh_from_db()
    assert refill.status == "new" and refill.decided_by is None


def test_a_denial_needs_a_reason_and_a_spanish_speaker_is_told_in_spanish(
    front_desk, physician, patient
):
    patient.preferred_language = "Spanish"
    patient.save()
    refill = _request(front_desk, patient)
    assert refill.language == "es"
    with pytest.raises(ValidationFailed):
        services.refill_deny(actor=physician, refill=refill, reason=" ")
    services.refill_deny(actor=physician, refill=refill, reason="Necesita una cita primero")
    assert refill.patient_message.startswith("Hola")
    assert "Necesita una cita primero" in refill.patient_message


def test_open_requests_past_48_hours_are_red_and_in_the_inbox(
    front_desk, medical_assistant, physician, patient, clinic
):
    refill = _request(front_desk, patient)
    RefillRequest.objects.filter(pk=refill.pk).update(
        created_at=timezone.now() - timedelta(hours=49)
    )
    refill.refresh_from_db()
    assert selectors.refill_overdue(refill)
    items = selectors.inbox_items(clinic=clinic, user=medical_assistant)
    assert len(items) == 1 and isinstance(items[0], InboxItem)
    assert items[0].kind == "refill" and items[0].sla_hours == 48.0
    assert [i.clinician_only for i in selectors.inbox_items(clinic=clinic, user=physician)] == [
        False
    ]
    services.refill_prepare(actor=medical_assistant, refill=refill)
    assert [i.clinician_only for i in selectors.inbox_items(clinic=clinic, user=physician)] == [
        True
    ]
    assert selectors.inbox_items(clinic=clinic, user=front_desk) == []
    assert (
        selectors.inbox_items(clinic=clinic, user=medical_assistant) == []
    )  # the prescriber's now
