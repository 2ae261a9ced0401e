"""The demo's stable error codes."""

from __future__ import annotations

from enum import StrEnum

from medassist.core.errors import Conflict


class Code(StrEnum):
    ALREADY_LOADED = "demo_already_loaded"


class AlreadyLoaded(Conflict):
    code = Code.ALREADY_LOADED
