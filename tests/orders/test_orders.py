"""Signing orders and following them to closure."""

from __future__ import annotations

import copy
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from medassist.core.errors import NotFound, PermissionDenied, ValidationFailed
from medassist.orders.errors import BadCompendium, BadTransition, FastingNotMet, NotAClinician
from medassist.orders.models import Order, OrderEvent, Specimen
from medassist.orders.services import (
    compendium_load,
    order_cancel,
    order_imaging_create,
    order_lab_create,
    order_referral_create,
    order_schedule,
    specimens_collect,
    tube_list,
)
from tests import factories
from tests.orders.conftest import COMPENDIUM


def test_compendium_loads_and_refuses_bad_data(clinic_admin, lab):
    assert lab.tests.filter(active=True).count() == 11
    good = json.loads(COMPENDIUM.read_text())
    for breaker, words in [
        (lambda d: d["tests"][0].update(loinc="2093-4"), "not a valid LOINC"),
        (lambda d: d["tests"][0].update(tube="purple"), "tube"),
        (lambda d: d["tests"][0].update(volume_ml="lots"), "volume_ml"),
        (lambda d: d["tests"].append(dict(d["tests"][0])), "appears twice"),
        (lambda d: d.pop("lab"), "'lab'"),
    ]:
        data = copy.deepcopy(good)
        breaker(data)
        with pytest.raises(BadCompendium) as exc:
            compendium_load(actor=clinic_admin, data=data)
        assert words in exc.value.message
    assert lab.tests.filter(active=True).count() == 11  # nothing half-loaded


def test_only_a_clinician_signs(medical_assistant, clinic_admin, patient, lab, test_by_code):
    with pytest.raises(PermissionDenied):
        order_lab_create(
            actor=medical_assistant, patient=patient, lab=lab, tests=[test_by_code("CBC")]
        )
    doc_without_provider = factories.make_user(patient.clinic, "physician", "nodoc")
    with pytest.raises(NotAClinician):
        order_lab_create(
            actor=doc_without_provider, patient=patient, lab=lab, tests=[test_by_code("CBC")]
        )


def test_lab_order_signed_and_tube_list_in_order_of_draw(physician, patient, lab, test_by_code):
    order = order_lab_create(
        actor=physician,
        patient=patient,
        lab=lab,
        tests=[test_by_code(c) for c in ("CBC", "GLUF", "LIPID", "PTINR", "BCX", "LITH", "TSH")],
    )
    assert order.status == Order.Status.ORDERED and order.fasting_required
    assert order.signed_by == physician and order.placer_number.startswith("O")
    tubes = tube_list(order)
    assert [t["tube"] for t in tubes] == [
        "blood_culture",
        "citrate",
        "serum",
        "heparin",
        "edta",
        "fluoride",
    ]
    serum = tubes[2]
    assert serum["volume_ml"] == 5 + 3.5 and serum["tests"] == ["Lipid panel", "TSH"]


def test_lab_order_refuses_other_clinic_and_empty(
    physician, other_clinic_physician, patient, lab, test_by_code
):
    with pytest.raises(ValidationFailed):
        order_lab_create(actor=physician, patient=patient, lab=lab, tests=[])
    with pytest.raises(NotFound):
        order_lab_create(
            actor=other_clinic_physician, patient=patient, lab=lab, tests=[test_by_code("CBC")]
        )
    with pytest.raises(ValidationFailed):
        order_lab_create(
            actor=physician,
            patient=patient,
            lab=lab,
            tests=[test_by_code("CBC")],
            due_date="2001-01-01",
        )
    assert not Order.objects.exists()


def test_collect_checks_fasting_and_records_who_when_where(medical_assistant, lipid_order):
    with pytest.raises(FastingNotMet):
        specimens_collect(
            actor=medical_assistant, order=lipid_order, site="left arm", fasting_confirmed=None
        )
    with pytest.raises(FastingNotMet):
        specimens_collect(
            actor=medical_assistant, order=lipid_order, site="left arm", fasting_confirmed=False
        )
    assert not Specimen.objects.exists()
    (s,) = specimens_collect(
        actor=medical_assistant, order=lipid_order, site="left antecubital", fasting_confirmed=True
    )
    assert (
        s.collected_by == medical_assistant and s.site == "left antecubital" and s.tube == "serum"
    )
    lipid_order.refresh_from_db()
    assert lipid_order.status == Order.Status.COLLECTED
    with pytest.raises(BadTransition):
        specimens_collect(
            actor=medical_assistant, order=lipid_order, site="x", fasting_confirmed=True
        )
    assert [e.status for e in OrderEvent.objects.filter(order=lipid_order)] == [
        "ordered",
        "collected",
    ]


def test_imaging_and_referral(physician, medical_assistant, patient):
    img = order_imaging_create(
        actor=physician,
        patient=patient,
        modality="X-ray",
        body_site="chest",
        reason="cough 6 weeks",
    )
    assert img.title == "X-ray chest"
    when = timezone.now() + timedelta(days=3)
    order_schedule(actor=medical_assistant, order=img, appointment_at=when, place="City Imaging")
    assert img.status == Order.Status.SCHEDULED
    doc = None
    ref = order_referral_create(
        actor=physician,
        patient=patient,
        refer_to="Albany Cardiology",
        specialty="Cardiology",
        reason="new murmur",
        priority="urgent",
        documents=[d for d in [doc] if d],
    )
    assert ref.title == "Referral to Albany Cardiology (Cardiology)"
    with pytest.raises(ValidationFailed):
        order_referral_create(actor=physician, patient=patient, refer_to="", reason="x")
    with pytest.raises(ValidationFailed):
        order_referral_create(
            actor=physician, patient=patient, refer_to="X", reason="y", priority="soon"
        )
    order_cancel(actor=physician, order=ref, reason="patient declined")
    with pytest.raises(BadTransition):
        order_schedule(actor=medical_assistant, order=ref, appointment_at=when)
