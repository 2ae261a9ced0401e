"""The orders app's stable error codes (the API's `code` strings) and the errors that carry them."""

from __future__ import annotations

from enum import StrEnum

from medassist.core.errors import Conflict, ValidationFailed


class Code(StrEnum):
    BAD_TRANSITION = "order_bad_transition"
    ALREADY_SENT = "order_already_sent"
    NOT_A_CLINICIAN = "order_not_a_clinician"
    BAD_COMPENDIUM = "order_bad_compendium"
    HL7_MALFORMED = "hl7_malformed"
    HL7_UNSUPPORTED = "hl7_unsupported"
    KIT_EXPIRED = "poc_kit_expired"
    QC_FAILED = "poc_qc_failed"
    QC_MISSING = "poc_qc_missing"
    FASTING_NOT_MET = "specimen_fasting_not_met"
    UNKNOWN_TEMPLATE = "notice_unknown_template"


class BadTransition(Conflict):
    code = Code.BAD_TRANSITION


class AlreadySent(BadTransition):
    code = Code.ALREADY_SENT


class NotAClinician(ValidationFailed):
    code = Code.NOT_A_CLINICIAN


class BadCompendium(ValidationFailed):
    code = Code.BAD_COMPENDIUM


class HL7Malformed(ValidationFailed):
    code = Code.HL7_MALFORMED


class HL7Unsupported(ValidationFailed):
    code = Code.HL7_UNSUPPORTED


class KitExpired(ValidationFailed):
    code = Code.KIT_EXPIRED


class QcFailed(Conflict):
    code = Code.QC_FAILED


class QcMissing(Conflict):
    code = Code.QC_MISSING


class FastingNotMet(ValidationFailed):
    code = Code.FASTING_NOT_MET


class UnknownTemplate(ValidationFailed):
    code = Code.UNKNOWN_TEMPLATE
