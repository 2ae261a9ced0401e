"""Pharmacy's stable error codes (the API's `code` strings) and the errors that carry them."""

from __future__ import annotations

from enum import StrEnum

from medassist.core.errors import Conflict, PermissionDenied, ValidationFailed


class Code(StrEnum):
    INSUFFICIENT_STOCK = "insufficient_stock"
    LOT_EXPIRED = "lot_expired"
    FIVE_RIGHTS_MISMATCH = "five_rights_mismatch"
    ORDER_NOT_ACTIVE = "order_not_active"
    WITNESS_REQUIRED = "witness_required"
    REFILL_STATE = "refill_state"
    PRESCRIBER_REQUIRED = "prescriber_required"
    BAD_NDC = "bad_ndc"
    DUPLICATE = "duplicate"


class InsufficientStock(Conflict):
    """The lot has fewer units on hand than asked for (nothing was taken)."""

    code = Code.INSUFFICIENT_STOCK


class LotExpired(ValidationFailed):
    """The lot's expiry date has passed: it can be wasted or returned, never used."""

    code = Code.LOT_EXPIRED


class FiveRightsMismatch(ValidationFailed):
    """Patient, drug, dose, route or time differs from the order (nothing was given)."""

    code = Code.FIVE_RIGHTS_MISMATCH


class OrderNotActive(Conflict):
    code = Code.ORDER_NOT_ACTIVE


class WitnessRequired(ValidationFailed):
    """A controlled substance's count or waste needs a second person, not the actor."""

    code = Code.WITNESS_REQUIRED


class RefillState(Conflict):
    """The refill request is not in a state that allows this step."""

    code = Code.REFILL_STATE


class PrescriberRequired(PermissionDenied):
    """Only the prescriber (a physician) may decide this refill."""

    code = Code.PRESCRIBER_REQUIRED


class BadNdc(ValidationFailed):
    code = Code.BAD_NDC


class Duplicate(ValidationFailed):
    code = Code.DUPLICATE
