"""The ECG app's stable error codes (the API's `code` strings) and the errors that carry them."""

from __future__ import annotations

from enum import StrEnum

from medassist.core.errors import ValidationFailed


class Code(StrEnum):
    NOT_AN_ECG = "ecg_not_an_ecg"
    TRUNCATED = "ecg_truncated"
    BAD_SAMPLING_RATE = "ecg_bad_sampling_rate"
    UNKNOWN_LEAD = "ecg_unknown_lead"
    TOO_SHORT = "ecg_too_short"
    FS_REQUIRED = "ecg_fs_required"


class EcgError(ValidationFailed):
    """A recording that cannot be read or measured; the message says why in plain words."""

    code = Code.NOT_AN_ECG


class NotAnEcg(EcgError):
    code = Code.NOT_AN_ECG


class TruncatedRecord(EcgError):
    code = Code.TRUNCATED


class BadSamplingRate(EcgError):
    code = Code.BAD_SAMPLING_RATE


class UnknownLead(EcgError):
    code = Code.UNKNOWN_LEAD


class TooShort(EcgError):
    code = Code.TOO_SHORT


class SamplingRateRequired(EcgError):
    code = Code.FS_REQUIRED
