"""The audit app's stable codes: what `medassist audit-verify` finds wrong with a chain (its
--json output's `problem.code`)."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    CONTENT_EDITED = "content_edited"
    ROW_DELETED = "row_deleted"
    ORDER_CHANGED = "order_changed"
    SEAL_ALTERED = "seal_altered"
    CHECKPOINT_MISMATCH = "checkpoint_mismatch"
    NOT_SEALED = "not_sealed"
    GUARD_OPEN = "guard_open"
