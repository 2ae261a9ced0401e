"""In-office stock: receiving, counts, waste, returns, expiry, low stock, the ledger."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import Sum

from medassist.core.clock import clinic_today
from medassist.core.errors import PermissionDenied, ValidationFailed
from medassist.pharmacy import selectors, services
from medassist.pharmacy.errors import Duplicate, InsufficientStock, LotExpired, WitnessRequired
from medassist.pharmacy.models import ControlledCount, StockItem, StockLot, StockMovement
from tests import factories


def _ledger_sum(lot):
    return lot.movements.aggregate(s=Sum("quantity"))["s"] or 0


def test_receiving_twice_adds_to_the_lot_and_the_ledger_matches(physician, vaccine, vaccine_lot):
    # when
    lot = services.stock_receive(
        actor=physician,
        item=vaccine,
        lot_number="TD123",
        quantity=5,
        expires_on=vaccine_lot.expires_on,
    )
    # then
    assert lot.pk == vaccine_lot.pk and lot.on_hand == 15
    assert _ledger_sum(lot) == 15
    assert list(lot.movements.values_list("on_hand_after", flat=True)) == [10, 15]


def test_a_lot_received_with_another_expiry_or_already_expired_is_refused(
    physician, vaccine, vaccine_lot, clinic
):
    with pytest.raises(ValidationFailed, match="on file with expiry"):
        services.stock_receive(
            actor=physician,
            item=vaccine,
            lot_number="TD123",
            quantity=1,
            expires_on=vaccine_lot.expires_on + timedelta(days=1),
        )
    with pytest.raises(LotExpired):
        services.stock_receive(
            actor=physician,
            item=vaccine,
            lot_number="OLD",
            quantity=1,
            expires_on=clinic_today(clinic) - timedelta(days=1),
        )
    assert StockLot.objects.get(pk=vaccine_lot.pk).on_hand == 10
    assert not StockLot.objects.filter(lot_number="OLD").exists()


@pytest.mark.parametrize(
    "values",
    [
        {"ndc": "12-34"},
        {"name": ""},
        {"controlled_schedule": "VI"},
        {"cvx": "ab"},
        {"dose_amount": "-1"},
        {"low_stock_at": "x"},
    ],
)
def test_bad_item_input_is_refused_and_nothing_is_written(physician, values):
    given = {"name": "Thing", "ndc": "12345-6789-01"}
    given.update(values)
    with pytest.raises(ValidationFailed):
        services.stock_item_create(actor=physician, **given)
    assert not StockItem.objects.exists()


def test_the_same_ndc_twice_is_a_duplicate(physician, vaccine):
    with pytest.raises(Duplicate):
        services.stock_item_create(actor=physician, name="again", ndc="58160084211")


@pytest.mark.parametrize("role", ["front_desk", "biller"])
def test_roles_without_stock_permission_are_refused(clinic, role, vaccine, vaccine_lot):
    user = factories.make_user(clinic, role)
    with pytest.raises(PermissionDenied):
        services.stock_waste(actor=user, lot=vaccine_lot, quantity=1, reason="dropped")
    assert StockLot.objects.get(pk=vaccine_lot.pk).on_hand == 10


def test_waste_and_return_need_a_reason_and_never_go_below_zero(medical_assistant, vaccine_lot):
    with pytest.raises(ValidationFailed):
        services.stock_waste(actor=medical_assistant, lot=vaccine_lot, quantity=1, reason="  ")
    services.stock_waste(actor=medical_assistant, lot=vaccine_lot, quantity=2, reason="dropped")
    services.stock_return(
        actor=medical_assistant, lot=vaccine_lot, quantity=3, reason="recall", reference="RMA-1"
    )
    with pytest.raises(InsufficientStock):
        services.stock_waste(actor=medical_assistant, lot=vaccine_lot, quantity=6, reason="x")
    lot = StockLot.objects.get(pk=vaccine_lot.pk)
    assert lot.on_hand == 5 == _ledger_sum(lot)
    assert set(lot.movements.values_list("kind", flat=True)) == {"receive", "waste", "return"}


def test_a_count_sets_the_count_and_writes_the_difference(medical_assistant, vaccine_lot):
    movement = services.stock_count(actor=medical_assistant, lot=vaccine_lot, counted=8)
    assert movement is not None and movement.quantity == -2
    assert services.stock_count(actor=medical_assistant, lot=vaccine_lot, counted=8) is None
    lot = StockLot.objects.get(pk=vaccine_lot.pk)
    assert lot.on_hand == 8 == _ledger_sum(lot)


def test_a_controlled_substance_needs_a_different_witness_and_counts_are_logged(
    physician, medical_assistant, clinic, front_desk
):
    item = services.stock_item_create(
        actor=physician,
        name="Diazepam 5 mg",
        ndc="00591-5620-01",
        controlled_schedule="IV",
        unit="tablet",
    )
    expires = clinic_today(clinic) + timedelta(days=90)
    with pytest.raises(WitnessRequired):
        services.stock_receive(
            actor=physician, item=item, lot_number="D1", quantity=20, expires_on=expires
        )
    with pytest.raises(WitnessRequired):
        services.stock_receive(
            actor=physician,
            item=item,
            lot_number="D1",
            quantity=20,
            expires_on=expires,
            witness=physician,
        )
    with pytest.raises(WitnessRequired):
        services.stock_receive(
            actor=physician,
            item=item,
            lot_number="D1",
            quantity=20,
            expires_on=expires,
            witness=front_desk,
        )
    lot = services.stock_receive(
        actor=physician,
        item=item,
        lot_number="D1",
        quantity=20,
        expires_on=expires,
        witness=medical_assistant,
    )
    with pytest.raises(WitnessRequired):
        services.stock_count(actor=physician, lot=lot, counted=19)
    services.stock_count(
        actor=physician, lot=lot, counted=19, witness=medical_assistant, note="one missing"
    )
    count = ControlledCount.objects.get(lot=lot)
    assert (count.expected, count.counted, count.discrepancy) == (20, 19, -1)
    assert count.witness == medical_assistant and count.counted_by == physician
    assert StockMovement.objects.filter(lot=lot, kind="count").get().witness == medical_assistant


def test_expired_stock_cannot_be_used_but_can_be_wasted(physician, vaccine, vaccine_lot, clinic):
    StockLot.objects.filter(pk=vaccine_lot.pk).update(
        expires_on=clinic_today(clinic) - timedelta(days=1)
    )
    vaccine_lot.refresh_from_db()
    with pytest.raises(LotExpired):
        services.stock_take(actor=physician, lot=vaccine_lot, quantity=1, kind="administer")
    services.stock_waste(actor=physician, lot=vaccine_lot, quantity=10, reason="expired")
    assert StockLot.objects.get(pk=vaccine_lot.pk).on_hand == 0


def test_low_stock_lists_items_at_or_below_their_threshold_counting_only_usable_lots(
    physician, vaccine, vaccine_lot, tablets, tablet_lot, clinic, django_assert_max_num_queries
):
    # given the vaccine's threshold is 3: 10 usable, then 3 usable plus 5 expired
    services.stock_waste(actor=physician, lot=vaccine_lot, quantity=7, reason="broken")
    old = services.stock_receive(
        actor=physician, item=vaccine, lot_number="OLD", quantity=5, expires_on=clinic_today(clinic)
    )
    StockLot.objects.filter(pk=old.pk).update(expires_on=clinic_today(clinic) - timedelta(days=1))
    # when
    with django_assert_max_num_queries(2):
        low = selectors.low_stock(user=physician)
    # then
    assert [(line.item, line.usable, line.expired) for line in low] == [(vaccine, 3, 5)]
