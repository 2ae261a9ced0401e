"""Every write of the pharmacy app: stock, orders, dispensing and administration, refills,
handouts. Views, the API and the assistant call these; none saves rows itself."""

from medassist.pharmacy.services.handouts import handout_create, handout_discussed
from medassist.pharmacy.services.orders import (
    five_rights,
    medication_administer,
    medication_dispense,
    medication_order_cancel,
    medication_order_create,
)
from medassist.pharmacy.services.refills import (
    protocol_checks,
    refill_approve,
    refill_deny,
    refill_pharmacy_told,
    refill_prepare,
    refill_request_create,
)
from medassist.pharmacy.services.stock import (
    stock_count,
    stock_item_create,
    stock_receive,
    stock_return,
    stock_take,
    stock_waste,
)

__all__ = [
    "five_rights",
    "handout_create",
    "handout_discussed",
    "medication_administer",
    "medication_dispense",
    "medication_order_cancel",
    "medication_order_create",
    "protocol_checks",
    "refill_approve",
    "refill_deny",
    "refill_pharmacy_told",
    "refill_prepare",
    "refill_request_create",
    "stock_count",
    "stock_item_create",
    "stock_receive",
    "stock_return",
    "stock_take",
    "stock_waste",
]
