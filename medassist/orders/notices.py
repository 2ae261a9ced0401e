"""The reviewed messages a clinician may pick to tell a patient about a result.

Only these texts, filled with the patient's and clinic's names and, where a template asks for
it, the clinician's own words, ever reach a patient. Nothing is generated."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NoticeTemplate:
    key: str
    label: str  # what the clinician sees when picking
    subject: str
    body: str
    needs_text: bool = False  # the clinician must write the message


TEMPLATES: dict[str, NoticeTemplate] = {
    t.key: t
    for t in (
        NoticeTemplate(
            "normal",
            "Normal, no action needed",
            "Your test result from {clinic}",
            "Hello {first_name}, your {test} result has been reviewed by {clinician} and is "
            "normal. No action is needed. Call {clinic} if you have questions.",
        ),
        NoticeTemplate(
            "follow_up_visit",
            "Please book a follow-up visit",
            "Your test result from {clinic}",
            "Hello {first_name}, {clinician} has reviewed your {test} result and would like to "
            "discuss it with you at a follow-up visit. Please call {clinic} to book one.",
        ),
        NoticeTemplate(
            "call_office",
            "Please call the office",
            "Please call {clinic}",
            "Hello {first_name}, {clinician} has reviewed your {test} result. Please call "
            "{clinic} so we can talk with you about it.",
        ),
        NoticeTemplate(
            "clinician_message",
            "My own message",
            "Your test result from {clinic}",
            "Hello {first_name}, {clinician} has reviewed your {test} result:\n\n"
            "{clinician_text}\n\nCall {clinic} if you have questions.",
            needs_text=True,
        ),
    )
}


PREP_SENT_NOTE = "Preparation instructions sent"  # how the order's history records it
PREP_SUBJECT = "Getting ready for your {test} at {clinic}"
PREP_BODY = (
    "Hello {first_name}, {clinician} ordered a {test} for you. Before it, please read the "
    "instructions from {clinic}:\n\n{instructions}\n\nCall {clinic} if you have questions."
)


def render(key: str, *, first_name: str, clinic: str, test: str, clinician: str, text: str):
    t = TEMPLATES[key]
    values = {
        "first_name": first_name,
        "clinic": clinic,
        "test": test,
        "clinician": clinician,
        "clinician_text": text.strip(),
    }
    return t.subject.format(**values), t.body.format(**values)
