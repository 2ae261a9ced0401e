"""The questionnaire engine (pure): definitions, coercion, enableWhen, validation of arbitrary
answer sets (hypothesis), emergencies and the FHIR answer shape."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medassist.intake import engine, instruments, starter

TODAY = dt.date(2026, 3, 15)
CTX = engine.Context(today=TODAY, birth_date=dt.date(1980, 5, 1))

SIMPLE = [
    {"linkId": "pain", "type": "boolean", "text": "Pain?", "required": True},
    {
        "linkId": "pain.score",
        "type": "integer",
        "text": "How bad (0-10)?",
        "required": True,
        "enableWhen": [{"question": "pain", "operator": "=", "answerBoolean": True}],
        "extension": [
            {"url": engine.MIN_VALUE, "valueInteger": 0},
            {"url": engine.MAX_VALUE, "valueInteger": 10},
        ],
    },
    {"linkId": "onset", "type": "date", "text": "Since when?"},
    {
        "linkId": "kind",
        "type": "choice",
        "text": "Kind",
        "repeats": True,
        "answerOption": [{"valueCoding": {"code": c}} for c in ("a", "b", "c")],
    },
    {"linkId": "temp", "type": "decimal", "text": "Temperature"},
    {"linkId": "note", "type": "string", "text": "Anything else?", "maxLength": 20},
]


def test_every_shipped_definition_is_valid():
    for inst in instruments.INSTRUMENTS.values():
        engine.validate_definition(inst.items)
    engine.validate_definition(starter.ITEMS)


@pytest.mark.parametrize(
    ("items", "fragment"),
    [
        ([], "at least one item"),
        ([{"linkId": "a", "type": "weird", "text": "x"}], "type must be"),
        ([{"linkId": "a b", "type": "string", "text": "x"}], "linkId"),
        ([{"linkId": "a", "type": "string", "text": "x"}] * 2, "used twice"),
        ([{"linkId": "a", "type": "choice", "text": "x"}], "answer options"),
        (
            [
                {
                    "linkId": "a",
                    "type": "string",
                    "text": "x",
                    "enableWhen": [{"question": "b", "operator": "exists", "answerBoolean": True}],
                },
                {"linkId": "b", "type": "string", "text": "y"},
            ],
            "earlier question",
        ),
        (
            [
                {"linkId": "a", "type": "boolean", "text": "x"},
                {
                    "linkId": "b",
                    "type": "string",
                    "text": "y",
                    "enableWhen": [{"question": "a", "operator": "=", "answerInteger": 1}],
                },
            ],
            "answerBoolean",
        ),
        (
            [
                {
                    "linkId": "a",
                    "type": "integer",
                    "text": "x",
                    "extension": [
                        {"url": engine.MIN_VALUE, "valueInteger": 5},
                        {"url": engine.MAX_VALUE, "valueInteger": 1},
                    ],
                }
            ],
            "minValue is above",
        ),
    ],
)
def test_bad_definitions_are_refused_with_the_reason(items, fragment):
    with pytest.raises(engine.DefinitionError) as exc:
        engine.validate_definition(items)
    assert any(fragment in e for e in exc.value.errors)


def test_coerce_form_text_and_json():
    by = engine.answerable(SIMPLE)
    assert engine.coerce(by["pain"], "yes") is True
    assert engine.coerce(by["pain"], False) is False
    assert engine.coerce(by["pain.score"], "7") == 7
    assert engine.coerce(by["temp"], "38.50") == "38.5"
    assert engine.coerce(by["kind"], ["a", "c", "a"]) == ["a", "c"]
    assert engine.coerce(by["onset"], "2026-03-01") == "2026-03-01"
    assert engine.coerce(by["note"], "  ") is None
    for item, raw, msg in [
        (by["pain.score"], "7.5", "whole number"),
        (by["pain.score"], True, "whole number"),
        (by["kind"], "z", "answers shown"),
        (by["onset"], "03/01/2026", "YYYY-MM-DD"),
        (by["note"], "x" * 21, "20 characters"),
        (by["pain"], "maybe", "yes or no"),
    ]:
        with pytest.raises(ValueError, match=msg):
            engine.coerce(item, raw)


def test_impossible_and_contradictory_answers_have_clear_messages():
    errors = engine.validate_answers(
        SIMPLE, {"pain": False, "pain.score": 8, "onset": "2026-04-01"}, CTX
    )
    assert "does not apply" in errors["pain.score"] and "“No”" in errors["pain.score"]
    assert errors["onset"] == "This date cannot be in the future."
    errors = engine.validate_answers(SIMPLE, {"pain": True, "pain.score": 11}, CTX)
    assert errors == {"pain.score": "Enter a number from 0 to 10."}
    errors = engine.validate_answers(SIMPLE, {"pain": True, "onset": "1970-01-01"}, CTX)
    assert errors["onset"] == "This date is before your date of birth."
    assert errors["pain.score"] == "Please answer this question."
    assert engine.validate_answers(SIMPLE, {"pain": True, "pain.score": 3}, CTX) == {}
    assert engine.validate_answers(SIMPLE, {"nope": 1, "pain": False}, CTX) == {
        "nope": "This questionnaire has no such question."
    }


def test_enable_when_any_all_and_exists():
    items = [
        {"linkId": "a", "type": "integer", "text": "a"},
        {"linkId": "b", "type": "boolean", "text": "b"},
        {
            "linkId": "c",
            "type": "string",
            "text": "c",
            "enableBehavior": "any",
            "enableWhen": [
                {"question": "a", "operator": ">=", "answerInteger": 5},
                {"question": "b", "operator": "exists", "answerBoolean": True},
            ],
        },
        {
            "linkId": "d",
            "type": "group",
            "text": "d",
            "enableWhen": [{"question": "c", "operator": "exists", "answerBoolean": True}],
            "item": [{"linkId": "d1", "type": "string", "text": "d1"}],
        },
    ]
    engine.validate_definition(items)
    assert engine.enabled(items, {}) == {"a", "b"}
    assert {"c"} <= engine.enabled(items, {"a": 5})
    assert "c" not in engine.enabled(items, {"a": 4})
    assert {"c"} <= engine.enabled(items, {"b": False})
    # d depends on c, which is off: an answer left in c does not turn d on
    assert "d1" not in engine.enabled(items, {"a": 1, "c": "x"})
    assert {"d", "d1"} <= engine.enabled(items, {"a": 9, "c": "x"})
    assert engine.drop_disabled(items, {"a": 1, "c": "x", "d1": "y"}) == {"a": 1}


def test_pages_follow_top_level_groups():
    assert [p.key for p in engine.pages(starter.ITEMS)] == [
        "reason",
        "symptom",
        "ros",
        "meds",
        "history",
    ]
    assert [p.key for p in engine.pages(SIMPLE)] == ["pain"]


def test_emergencies_and_fhir_answers():
    phq9 = instruments.INSTRUMENTS["phq-9"].items
    answers = {code: "LA6568-5" for code, _ in instruments.PHQ9_ITEMS}
    assert engine.emergencies(phq9, answers) == []
    answers["44260-8"] = "LA6569-3"
    assert engine.emergencies(phq9, answers) == ["44260-8"]
    assert engine.emergencies(starter.ITEMS, {"reason.chest-pain-now": True}) == [
        "reason.chest-pain-now"
    ]
    assert engine.emergencies(starter.ITEMS, {"reason.chest-pain-now": False}) == []
    out = engine.to_fhir_answers(phq9, answers)
    assert out[0]["linkId"] == "phq9" and len(out[0]["item"]) == 9
    assert out[0]["item"][8]["answer"][0]["valueCoding"]["code"] == "LA6569-3"


# ----------------------------------------------------------------- arbitrary answer sets

ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.dates().map(dt.date.isoformat),
    st.lists(st.sampled_from(["a", "b", "c", "z"]), max_size=4),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
)
LINKS = [i["linkId"] for i in engine.walk(starter.ITEMS) if i["type"] in engine.ANSWER_TYPES]
QUESTIONS = engine.answerable(starter.ITEMS)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from([*LINKS, "unknown"]), ANY_VALUE, max_size=12))
def test_arbitrary_raw_answers_are_coerced_or_refused_never_crash(raw):
    """Any input either coerces (then validates to messages, never an exception) or is refused
    with a ValueError carrying a plain message."""
    answers = {}
    for link, value in raw.items():
        item = QUESTIONS.get(link)
        if item is None:
            answers[link] = value
            continue
        try:
            coerced = engine.coerce(item, value)
        except ValueError as exc:
            assert str(exc)
            continue
        if coerced is not None:
            answers[link] = coerced
    errors = engine.validate_answers(starter.ITEMS, answers, CTX)
    assert all(isinstance(m, str) and m for m in errors.values())
    if "unknown" in answers:
        assert "unknown" in errors
    # Dropping disabled answers never adds errors of contradiction
    kept = engine.drop_disabled(starter.ITEMS, {k: v for k, v in answers.items() if k in QUESTIONS})
    again = engine.validate_answers(starter.ITEMS, kept, CTX)
    assert not any("does not apply" in m for m in again.values())


def _valid_answer(item):
    kind = item["type"]
    lo = engine.ext(item, engine.MIN_VALUE)
    hi = engine.ext(item, engine.MAX_VALUE)
    if kind == "choice":
        codes = engine.option_codes(item)
        if item.get("repeats"):
            return st.lists(st.sampled_from(codes), min_size=1, unique=True)
        return st.sampled_from(codes)
    if kind == "integer":
        return st.integers(min_value=lo if lo is not None else -1000, max_value=hi or 1000)
    if kind == "boolean":
        return st.booleans()
    if kind == "date":
        return st.dates(min_value=CTX.birth_date, max_value=TODAY).map(dt.date.isoformat)
    if kind == "decimal":
        return st.decimals(min_value=-100, max_value=100, places=2).map(
            lambda d: str(d.normalize())
        )
    return st.text(min_size=1, max_size=item.get("maxLength", 50)).filter(
        lambda t: t.strip() == t and t and "\x00" not in t
    )


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_valid_answer_sets_pass_and_completeness_is_exact(data):
    """Answering exactly the enabled questions, with valid values, validates clean; removing a
    required enabled answer yields exactly "Please answer this question." for it."""
    answers: dict = {}
    for link in LINKS:
        item = QUESTIONS[link]
        if link not in engine.enabled(starter.ITEMS, answers):
            continue
        if item.get("required") or data.draw(st.booleans()):
            answers[link] = engine.coerce(item, data.draw(_valid_answer(item)))
    assert engine.validate_answers(starter.ITEMS, answers, CTX) == {}
    required = [k for k in answers if QUESTIONS[k].get("required")]
    victim = data.draw(st.sampled_from(required))
    rest = engine.drop_disabled(starter.ITEMS, {k: v for k, v in answers.items() if k != victim})
    errors = engine.validate_answers(starter.ITEMS, rest, CTX)
    assert errors.get(victim) == "Please answer this question."
