"""The billing app's stable error codes (the API's `code` strings)."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    X12_NOT_X12 = "x12_not_x12"
    X12_MALFORMED = "x12_malformed"
    X12_TRUNCATED = "x12_truncated"
    X12_WRONG_TRANSACTION = "x12_wrong_transaction"
    X12_WRONG_VERSION = "x12_wrong_version"
    X12_UNBALANCED = "x12_unbalanced"
    UNKNOWN_PAYER = "unknown_payer"
    DUPLICATE_REMITTANCE = "duplicate_remittance"
    INVALID_NPI = "invalid_npi"
    INVALID_CODE = "invalid_code"
    CLAIM_NOT_READY = "claim_not_ready"
    SCRUB_FAILED = "scrub_failed"
    NOT_FOUND = "not_found"
