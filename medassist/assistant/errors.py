"""The assistant app's stable error codes (the API's `code` strings)."""

from __future__ import annotations

from enum import StrEnum

from medassist.core.errors import ValidationFailed


class Code(StrEnum):
    MESSAGE_INVALID = "message_invalid"
    CONVERSATION_CLOSED = "conversation_closed"
    TASK_STATUS_INVALID = "task_status_invalid"
    MAIL_NOT_PDF = "mail_not_pdf"
    MAIL_FILED = "mail_already_filed"
    MAIL_DUPLICATE = "mail_duplicate"
    LETTER_UNKNOWN = "letter_unknown"
    LETTER_TEMPLATE_INVALID = "letter_template_invalid"
    BACKEND_FAILED = "backend_failed"


class MessageInvalid(ValidationFailed):
    code: str = Code.MESSAGE_INVALID


class MailNotPdf(ValidationFailed):
    code: str = Code.MAIL_NOT_PDF


class LetterTemplateInvalid(ValidationFailed):
    code: str = Code.LETTER_TEMPLATE_INVALID
