"""The demo pharmacy: stock with a low and an expired lot, one trained MA and one not, refills."""

from __future__ import annotations

from medassist.demo.pharmacy import pharmacy_demo
from medassist.pharmacy import selectors
from medassist.pharmacy.models import RefillRequest, StockItem
from medassist.practice.scope import task_refusal
from tests import factories


def test_the_demo_pharmacy(clinic, front_desk, physician, clinic_admin, medical_assistant):
    other_ma = factories.make_user(clinic, "medical_assistant")
    for _ in range(6):
        factories.make_patient(front_desk)
    done = pharmacy_demo(clinic)
    assert done == {"stock_items": 4, "refill_requests": 5}
    assert StockItem.objects.filter(clinic=clinic).count() == 4
    low = {line.item.name for line in selectors.low_stock(user=physician)}
    assert "Zoster vaccine recombinant (Shingrix)" in low
    assert any(line.expired for line in selectors.stock_lines(user=physician))
    assert task_refusal(medical_assistant, "injection") is None
    assert task_refusal(other_ma, "injection") is not None
    assert set(RefillRequest.objects.values_list("source", flat=True)) == {
        "phone",
        "portal",
        "front_desk",
        "pharmacy",
        "assistant",
    }
    assert sum(selectors.refill_overdue(r) for r in RefillRequest.objects.all()) == 1
