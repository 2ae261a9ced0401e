"""The visit-intake questionnaire every clinic starts with (its admin edits it as data):
reason for visit in the patient's words, symptom details (onset, location, duration, character,
aggravating and relieving factors, timing, severity), review of systems, medications and
allergies, and history changes since the last visit. Two answers signal an emergency: chest
pain right now, and thoughts of harming oneself."""

from __future__ import annotations

from medassist.intake import engine

KEY = "visit-intake"
TITLE = "Visit intake"


def _opts(*pairs: tuple[str, str]) -> list[dict]:
    return [{"valueCoding": {"code": c, "display": d}} for c, d in pairs]


def _when(question: str, **answer) -> list[dict]:
    ((key, value),) = answer.items()
    return [{"question": question, "operator": "=", key: value}]


ITEMS: list[dict] = [
    {
        "linkId": "reason",
        "type": "group",
        "text": "Why you are here today",
        "item": [
            {
                "linkId": "reason.text",
                "type": "string",
                "text": "In your own words, what brings you in today?",
                "required": True,
                "maxLength": 2000,
            },
            {
                "linkId": "reason.chest-pain-now",
                "type": "boolean",
                "text": "Do you have chest pain or pressure right now?",
                "required": True,
                "extension": [{"url": engine.EMERGENCY, "valueBoolean": True}],
            },
            {
                "linkId": "reason.self-harm-now",
                "type": "boolean",
                "text": "Are you having thoughts of harming yourself right now?",
                "required": True,
                "extension": [{"url": engine.EMERGENCY, "valueBoolean": True}],
            },
            {
                "linkId": "reason.new-symptom",
                "type": "boolean",
                "text": "Is this visit about a new or worse symptom?",
                "required": True,
            },
        ],
    },
    {
        "linkId": "symptom",
        "type": "group",
        "text": "About the symptom",
        "enableWhen": _when("reason.new-symptom", answerBoolean=True),
        "item": [
            {
                "linkId": "symptom.onset",
                "type": "date",
                "text": "When did it start?",
                "required": True,
                "extension": [{"url": engine.MAX_VALUE, "valueString": "today"}],
            },
            {
                "linkId": "symptom.location",
                "type": "string",
                "text": "Where is it (which part of the body)?",
                "maxLength": 300,
            },
            {
                "linkId": "symptom.duration-days",
                "type": "integer",
                "text": "How many days has it lasted so far?",
                "extension": [
                    {"url": engine.MIN_VALUE, "valueInteger": 0},
                    {"url": engine.MAX_VALUE, "valueInteger": 36500},
                ],
            },
            {
                "linkId": "symptom.character",
                "type": "choice",
                "text": "What is it like?",
                "repeats": True,
                "answerOption": _opts(
                    ("sharp", "Sharp"),
                    ("dull", "Dull or aching"),
                    ("burning", "Burning"),
                    ("throbbing", "Throbbing"),
                    ("pressure", "Pressure or tightness"),
                    ("other", "Something else"),
                ),
            },
            {
                "linkId": "symptom.aggravating",
                "type": "string",
                "text": "What makes it worse?",
                "maxLength": 500,
            },
            {
                "linkId": "symptom.relieving",
                "type": "string",
                "text": "What makes it better?",
                "maxLength": 500,
            },
            {
                "linkId": "symptom.timing",
                "type": "choice",
                "text": "When does it happen?",
                "answerOption": _opts(
                    ("constant", "All the time"),
                    ("comes-goes", "It comes and goes"),
                    ("morning", "Mostly in the morning"),
                    ("night", "Mostly at night"),
                    ("activity", "With activity"),
                ),
            },
            {
                "linkId": "symptom.severity",
                "type": "integer",
                "text": "How bad is it right now, from 0 (none) to 10 (worst imaginable)?",
                "required": True,
                "extension": [
                    {"url": engine.MIN_VALUE, "valueInteger": 0},
                    {"url": engine.MAX_VALUE, "valueInteger": 10},
                ],
            },
        ],
    },
    {
        "linkId": "ros",
        "type": "group",
        "text": "Review of systems",
        "item": [
            {
                "linkId": "ros.positive",
                "type": "choice",
                "text": "In the past two weeks, have you had any of these? Choose all that apply.",
                "repeats": True,
                "answerOption": _opts(
                    ("fever", "Fever or chills"),
                    ("weight", "Weight change you did not plan"),
                    ("vision", "Vision changes"),
                    ("breathing", "Shortness of breath"),
                    ("cough", "Cough"),
                    ("palpitations", "Racing or pounding heartbeat"),
                    ("stomach", "Nausea, vomiting or stomach pain"),
                    ("bowel", "Change in bowel habits"),
                    ("urinary", "Burning or trouble when urinating"),
                    ("joints", "Joint pain or swelling"),
                    ("skin", "Rash or skin changes"),
                    ("headache", "Headaches"),
                    ("dizziness", "Dizziness or fainting"),
                    ("mood", "Feeling low or anxious"),
                    ("none", "None of these"),
                ),
            },
        ],
    },
    {
        "linkId": "meds",
        "type": "group",
        "text": "Medications and allergies",
        "item": [
            {
                "linkId": "meds.list",
                "type": "string",
                "text": "Which medicines, vitamins or supplements do you take now (name and "
                "how often)?",
                "maxLength": 2000,
            },
            {
                "linkId": "meds.new-allergy",
                "type": "boolean",
                "text": "Have you had a new allergy or reaction to a medicine since your last "
                "visit?",
                "required": True,
            },
            {
                "linkId": "meds.new-allergy-detail",
                "type": "string",
                "text": "What were you allergic to, and what happened?",
                "required": True,
                "maxLength": 500,
                "enableWhen": _when("meds.new-allergy", answerBoolean=True),
            },
        ],
    },
    {
        "linkId": "history",
        "type": "group",
        "text": "Changes since your last visit",
        "item": [
            {
                "linkId": "history.changed",
                "type": "boolean",
                "text": "Since your last visit, have you had a new diagnosis, surgery, hospital "
                "stay or emergency room visit?",
                "required": True,
            },
            {
                "linkId": "history.detail",
                "type": "string",
                "text": "Tell us what happened and when.",
                "required": True,
                "maxLength": 1000,
                "enableWhen": _when("history.changed", answerBoolean=True),
            },
        ],
    },
]
