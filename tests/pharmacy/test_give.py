"""Dispensing and administration against an order: the five rights, scope, vaccines."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from medassist.audit.models import AuditEvent
from medassist.core.clock import clinic_today
from medassist.core.errors import PermissionDenied
from medassist.pharmacy import services
from medassist.pharmacy.errors import FiveRightsMismatch, OrderNotActive
from medassist.pharmacy.models import Administration, Dispense, MedicationOrder, StockLot
from medassist.practice.scope import ScopeRefused
from medassist.records.models import Immunization
from tests import factories
from tests.pharmacy.conftest import VIS_DATE

TDAP_SCAN = "(01)00358160842110(10)TD123"


def _give(actor, order, patient, **extra):
    values = {
        "scan": TDAP_SCAN,
        "dose_amount": "0.5",
        "dose_unit": "mL",
        "route": "intramuscular",
        "site": "left deltoid",
        "vis_date": VIS_DATE,
    }
    values.update(extra)
    return services.medication_administer(actor=actor, order=order, patient=patient, **values)


def test_a_trained_ma_gives_a_vaccine_from_stock_and_the_chart_gets_the_immunization(
    trained_ma, vaccine_order, vaccine_lot, patient, clinic
):
    # when
    given = _give(trained_ma, vaccine_order, patient)
    # then
    assert StockLot.objects.get(pk=vaccine_lot.pk).on_hand == 9
    assert given.movement.quantity == -1 and given.movement.patient == patient
    immunization = Immunization.objects.get(patient=patient)
    assert given.immunization == immunization
    assert (immunization.code, immunization.lot_number, immunization.site) == (
        "115",
        "TD123",
        "left deltoid",
    )
    assert immunization.occurrence_date == clinic_today(clinic)
    assert "VIS edition 2021-08-06" in immunization.note
    vaccine_order.refresh_from_db()
    assert vaccine_order.status == MedicationOrder.Status.COMPLETED
    with pytest.raises(OrderNotActive):
        _give(trained_ma, vaccine_order, patient)


@pytest.mark.parametrize(
    "change,says",
    [
        ({"dose_amount": "1"}, "Wrong dose"),
        ({"route": "subcutaneous"}, "Wrong route"),
        ({"scan": "(01)00358160842110(10)NOPE"}, "No lot NOPE"),
        ({"scan": "(01)00358160842110(17)330101(10)TD123"}, "differs from lot"),
    ],
)
def test_a_five_rights_mismatch_is_refused_logged_and_nothing_is_given(
    trained_ma, vaccine_order, vaccine_lot, patient, change, says
):
    with pytest.raises(FiveRightsMismatch) as refused:
        _give(trained_ma, vaccine_order, patient, **change)
    assert says in refused.value.message
    assert StockLot.objects.get(pk=vaccine_lot.pk).on_hand == 10
    assert not Administration.objects.exists() and not Immunization.objects.exists()
    event = AuditEvent.objects.get(object_type="pharmacy.five_rights")
    assert event.action == "refused" and event.patient == patient
    assert any(says in r for r in event.detail["reasons"])


def test_the_wrong_patient_is_refused(trained_ma, vaccine_order, vaccine_lot, front_desk):
    other = factories.make_patient(front_desk, first_name="Other", last_name="Person")
    with pytest.raises(FiveRightsMismatch, match="Wrong patient"):
        _give(trained_ma, vaccine_order, other)
    assert StockLot.objects.get(pk=vaccine_lot.pk).on_hand == 10


def test_an_expired_lot_is_refused(trained_ma, vaccine_order, vaccine_lot, patient, clinic):
    StockLot.objects.filter(pk=vaccine_lot.pk).update(
        expires_on=clinic_today(clinic) - timedelta(days=1)
    )
    with pytest.raises(FiveRightsMismatch, match="Expired lot"):
        _give(trained_ma, vaccine_order, patient)
    assert StockLot.objects.get(pk=vaccine_lot.pk).on_hand == 10


def test_outside_the_orders_window_is_the_wrong_time(
    trained_ma, vaccine_order, vaccine_lot, patient
):
    MedicationOrder.objects.filter(pk=vaccine_order.pk).update(
        not_before=timezone.now() + timedelta(hours=2),
        not_after=timezone.now() + timedelta(hours=4),
    )
    vaccine_order.refresh_from_db()
    with pytest.raises(FiveRightsMismatch, match="Wrong time"):
        _give(trained_ma, vaccine_order, patient)


def test_the_wrong_drug_is_refused(trained_ma, patient, physician, vaccine_lot, tablet_lot):
    order = services.medication_order_create(
        actor=physician,
        patient=patient,
        kind="administer",
        drug_name="lisinopril",
        rxnorm="314076",
        dose_amount="0.5",
        dose_unit="mL",
        route="intramuscular",
    )
    with pytest.raises(FiveRightsMismatch, match="Wrong drug"):
        _give(trained_ma, order, patient)


def test_a_vaccine_needs_its_site_and_vis_date(trained_ma, vaccine_order, vaccine_lot, patient):
    with pytest.raises(Exception, match="site"):
        _give(trained_ma, vaccine_order, patient, site="")
    with pytest.raises(Exception, match="VIS"):
        _give(trained_ma, vaccine_order, patient, vis_date=None)
    assert StockLot.objects.get(pk=vaccine_lot.pk).on_hand == 10


def test_an_untrained_ma_is_refused_by_scope_and_nothing_is_given(
    medical_assistant, vaccine_order, vaccine_lot, patient
):
    with pytest.raises(ScopeRefused) as refused:
        _give(medical_assistant, vaccine_order, patient)
    assert refused.value.code == "scope_refused"
    assert StockLot.objects.get(pk=vaccine_lot.pk).on_hand == 10
    assert AuditEvent.objects.filter(object_type="practice.scope").exists()


def test_in_california_the_supervising_physician_must_be_recorded(
    trained_ma, vaccine_order, vaccine_lot, patient, clinic
):
    clinic.state = "CA"
    clinic.save()
    with pytest.raises(ScopeRefused, match="supervising physician"):
        _give(trained_ma, vaccine_order, patient)
    given = _give(trained_ma, vaccine_order, patient, supervisor_present=True)
    assert given.supervisor_present is True


def test_front_desk_may_not_give(front_desk, vaccine_order, vaccine_lot, patient):
    with pytest.raises(PermissionDenied):
        _give(front_desk, vaccine_order, patient)


def test_dispensing_hands_over_the_ordered_quantity_by_typed_ndc_and_lot(
    trained_ma, dispense_order, tablet_lot, patient
):
    dispense = services.medication_dispense(
        actor=trained_ma,
        order=dispense_order,
        patient=patient,
        scan="68180-0513-01",
        lot_number="LS9",
    )
    assert dispense.quantity == 7
    assert StockLot.objects.get(pk=tablet_lot.pk).on_hand == 23
    assert Dispense.objects.count() == 1
    dispense_order.refresh_from_db()
    assert dispense_order.status == "completed"


def test_an_ma_may_not_dispense_a_controlled_substance_in_california(
    trained_ma, physician, patient, clinic, medical_assistant
):
    clinic.state = "CA"
    clinic.save()
    item = services.stock_item_create(
        actor=physician,
        name="Diazepam 5 mg",
        ndc="00591-5620-01",
        rxnorm="197591",
        controlled_schedule="IV",
        unit="tablet",
    )
    lot = services.stock_receive(
        actor=physician,
        item=item,
        lot_number="D1",
        quantity=20,
        expires_on=clinic_today(clinic) + timedelta(days=30),
        witness=trained_ma,
    )
    order = services.medication_order_create(
        actor=physician,
        patient=patient,
        kind="dispense",
        drug_name="diazepam",
        rxnorm="197591",
        dose_amount="5",
        dose_unit="mg",
        route="oral",
        quantity=2,
    )
    with pytest.raises(ScopeRefused, match="controlled substance"):
        services.medication_dispense(
            actor=trained_ma,
            order=order,
            patient=patient,
            scan="00591-5620-01",
            lot_number="D1",
            supervisor_present=True,
        )
    assert StockLot.objects.get(pk=lot.pk).on_hand == 20
    services.medication_dispense(
        actor=physician, order=order, patient=patient, scan="00591-5620-01", lot_number="D1"
    )
    assert StockLot.objects.get(pk=lot.pk).on_hand == 18


def test_only_a_clinician_orders(medical_assistant, patient):
    with pytest.raises(PermissionDenied):
        services.medication_order_create(
            actor=medical_assistant,
            patient=patient,
            kind="administer",
            drug_name="x",
            dose_amount="1",
            dose_unit="mL",
            route="im",
        )


@pytest.mark.parametrize(
    "values",
    [
        {"kind": "inject"},
        {"dose_amount": "0"},
        {"dose_amount": "abc"},
        {"route": ""},
        {"rxnorm": "12a"},
        {"ndc": "1-2-3"},
        {"quantity": 0},
        {"refills": -1},
        {"not_before": "2026-01-01T10:00", "not_after": "2026-01-02T10:00+00:00"},
    ],
)
def test_bad_order_input_is_refused_and_nothing_is_written(physician, patient, values):
    given = {
        "kind": "administer",
        "drug_name": "Tdap",
        "dose_amount": "0.5",
        "dose_unit": "mL",
        "route": "im",
    }
    given.update(values)
    with pytest.raises(Exception) as refused:
        services.medication_order_create(actor=physician, patient=patient, **given)
    assert getattr(refused.value, "status", None) in {400, 422}
    assert not MedicationOrder.objects.exists()
