"""The questionnaire engine: pure functions over a Questionnaire's items (FHIR R4 shape, stored as
data) and a set of answers. No database, no Django models.

Items: `linkId`, `text`, `type` (group, display, choice, integer, decimal, string, boolean, date),
`required`, `repeats` (choice only: several codes), `answerOption` (choice: `valueCoding`
with `code`/`display`, optional `ordinalValue` extension: the option's published score),
`enableWhen` (+ `enableBehavior` all/any), `maxLength` (string), and the extensions `minValue`
/ `maxValue` (integer, decimal, date: "today" allowed), and medassist's `emergency-answer`
(an answer that signals an emergency: on an answerOption with valueBoolean true, or on a
boolean item with the answer that signals it). Top-level groups are pages; a questionnaire
without groups is one page.

Answers are a dict linkId -> value: choice → code (str, or list of codes if `repeats`),
integer → int, decimal → str of a Decimal, string → str, boolean → bool, date → ISO date str.
`coerce` turns typed input (API JSON) or form text into that shape; `validate_answers`
checks a set against the items and returns per-linkId messages in plain words."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

ANSWER_TYPES = ("choice", "integer", "decimal", "string", "boolean", "date")
ITEM_TYPES = ("group", "display", *ANSWER_TYPES)
OPERATORS = ("exists", "=", "!=", ">", "<", ">=", "<=")
ORDINAL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
EMERGENCY = "https://medassist.dev/fhir/StructureDefinition/emergency-answer"
STRING_MAX = 2000
LINK_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,63}$")
ANSWER_KEY = {
    "choice": "valueCoding",
    "integer": "valueInteger",
    "decimal": "valueDecimal",
    "string": "valueString",
    "boolean": "valueBoolean",
    "date": "valueDate",
}


class DefinitionError(ValueError):
    """A questionnaire definition that cannot be used; `errors` holds every problem found."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class Context:
    """Facts the answers are checked against: today in the clinic, the patient's birth date."""

    today: dt.date
    birth_date: dt.date | None = None


@dataclass
class Page:
    key: str
    title: str
    items: list[dict] = field(default_factory=list)  # answerable and display items, flattened


# ------------------------------------------------------------------------------- definition


def ext(element: dict, url: str) -> Any:
    """The value[x] of an element's first extension with this url (None when absent)."""
    for e in element.get("extension") or []:
        if isinstance(e, dict) and e.get("url") == url:
            for key, value in e.items():
                if key.startswith("value"):
                    return value
    return None


def walk(items: Iterable[dict]) -> Iterator[dict]:
    """Every item, depth first (groups before their children)."""
    for item in items:
        yield item
        yield from walk(item.get("item") or [])


def answerable(items: Iterable[dict]) -> dict[str, dict]:
    return {i["linkId"]: i for i in walk(items) if i.get("type") in ANSWER_TYPES}


def option_codes(item: dict) -> list[str]:
    return [str(o["valueCoding"]["code"]) for o in item.get("answerOption") or []]


def option(item: dict, code: str) -> dict | None:
    for o in item.get("answerOption") or []:
        if str(o["valueCoding"]["code"]) == code:
            return o
    return None


def option_display(item: dict, code: str) -> str:
    o = option(item, code)
    return str(o["valueCoding"].get("display") or code) if o else code


def ordinal(item: dict, code: str) -> Decimal | None:
    o = option(item, code)
    if o is None:
        return None
    value = ext(o, ORDINAL)
    if value is None:
        value = ext(o["valueCoding"], ORDINAL)
    return None if value is None else Decimal(str(value))


def _bound(item: dict, url: str) -> Any:
    value = ext(item, url)
    if value is None:
        return None
    kind = item["type"]
    if kind == "integer":
        return int(value)
    if kind == "decimal":
        return Decimal(str(value))
    if kind == "date":
        return value  # "today" or an ISO date, resolved against the context
    return None


def validate_definition(items: Any) -> list[dict]:
    """Check a Questionnaire's `item` list; raise DefinitionError listing every problem."""
    errors: list[str] = []
    if not isinstance(items, list) or not items:
        raise DefinitionError(["A questionnaire needs at least one item."])
    seen: dict[str, dict] = {}
    order: list[str] = []

    def check(item: Any, depth: int) -> None:
        if not isinstance(item, dict):
            errors.append("Every item must be an object.")
            return
        link = item.get("linkId")
        where = f"Item {link!r}" if isinstance(link, str) else "An item"
        if not isinstance(link, str) or not LINK_ID.match(link):
            errors.append(f"{where}: linkId must be 1-64 letters, digits, '.', '_' or '-'.")
            return
        if link in seen:
            errors.append(f"{where}: linkId is used twice.")
        seen[link] = item
        order.append(link)
        kind = item.get("type")
        if kind not in ITEM_TYPES:
            errors.append(f"{where}: type must be one of {', '.join(ITEM_TYPES)}.")
            return
        if not isinstance(item.get("text", ""), str):
            errors.append(f"{where}: text must be a string.")
        elif kind != "group" and not str(item.get("text", "")).strip():
            errors.append(f"{where}: text is required.")
        if not isinstance(item.get("required", False), bool):
            errors.append(f"{where}: required must be true or false.")
        if item.get("repeats") and kind != "choice":
            errors.append(f"{where}: only choice items may repeat.")
        if kind == "group":
            children = item.get("item")
            if not isinstance(children, list) or not children:
                errors.append(f"{where}: a group needs items.")
            else:
                for child in children:
                    check(child, depth + 1)
        elif item.get("item"):
            errors.append(f"{where}: only groups have nested items.")
        if kind == "choice":
            opts = item.get("answerOption")
            if not isinstance(opts, list) or not opts:
                errors.append(f"{where}: a choice item needs answer options.")
            else:
                codes = []
                for o in opts:
                    coding = o.get("valueCoding") if isinstance(o, dict) else None
                    if not isinstance(coding, dict) or not str(coding.get("code", "")).strip():
                        errors.append(f"{where}: every answer option needs valueCoding.code.")
                        continue
                    codes.append(str(coding["code"]))
                if len(codes) != len(set(codes)):
                    errors.append(f"{where}: answer option codes must differ.")
        elif item.get("answerOption"):
            errors.append(f"{where}: only choice items have answer options.")
        if kind == "string" and "maxLength" in item:
            ml = item["maxLength"]
            if not isinstance(ml, int) or isinstance(ml, bool) or not 1 <= ml <= STRING_MAX:
                errors.append(f"{where}: maxLength must be a whole number from 1 to {STRING_MAX}.")
        if kind in ("integer", "decimal", "date"):
            try:
                lo, hi = _bound(item, MIN_VALUE), _bound(item, MAX_VALUE)
                if kind == "date":
                    for b in (lo, hi):
                        if b not in (None, "today"):
                            dt.date.fromisoformat(b)
                elif lo is not None and hi is not None and lo > hi:
                    errors.append(f"{where}: minValue is above maxValue.")
            except (ValueError, TypeError, InvalidOperation):
                errors.append(f"{where}: minValue/maxValue do not fit the item's type.")

    for item in items:
        check(item, 0)
    if errors:
        raise DefinitionError(errors)
    # enableWhen: refers to an answerable item that comes earlier, with a well-formed answer.
    position = {link: n for n, link in enumerate(order)}
    for link in order:
        item = seen[link]
        conditions = item.get("enableWhen") or []
        if not isinstance(conditions, list):
            errors.append(f"Item {link!r}: enableWhen must be a list.")
            continue
        if item.get("enableBehavior") not in (None, "all", "any"):
            errors.append(f"Item {link!r}: enableBehavior must be all or any.")
        if len(conditions) > 1 and item.get("enableBehavior") is None:
            errors.append(f"Item {link!r}: several enableWhen conditions need enableBehavior.")
        for cond in conditions:
            if not isinstance(cond, dict):
                errors.append(f"Item {link!r}: each enableWhen must be an object.")
                continue
            target = seen.get(cond.get("question", ""))
            if target is None or target.get("type") not in ANSWER_TYPES:
                errors.append(f"Item {link!r}: enableWhen refers to no question.")
                continue
            if position[target["linkId"]] >= position[link]:
                errors.append(f"Item {link!r}: enableWhen must refer to an earlier question.")
            op = cond.get("operator")
            if op not in OPERATORS:
                errors.append(f"Item {link!r}: enableWhen operator must be one of {OPERATORS}.")
                continue
            answers = [k for k in cond if k.startswith("answer")]
            if len(answers) != 1:
                errors.append(f"Item {link!r}: enableWhen needs exactly one answer[x].")
                continue
            key = answers[0]
            if op == "exists":
                if key != "answerBoolean" or not isinstance(cond[key], bool):
                    errors.append(f"Item {link!r}: 'exists' takes answerBoolean.")
                continue
            want = "answer" + ANSWER_KEY[target["type"]][len("value") :]
            if key != want:
                errors.append(f"Item {link!r}: enableWhen on {target['linkId']!r} needs {want}.")
            elif target["type"] == "choice":
                code = (cond[key] or {}).get("code") if isinstance(cond[key], dict) else None
                if str(code) not in option_codes(target):
                    errors.append(f"Item {link!r}: enableWhen code is not an option.")
            if op in (">", "<", ">=", "<=") and target["type"] in ("choice", "boolean", "string"):
                errors.append(f"Item {link!r}: {op} does not apply to {target['type']} answers.")
    if errors:
        raise DefinitionError(errors)
    return items


def pages(items: list[dict]) -> list[Page]:
    """Top-level groups are pages; loose top-level items gather into pages between them."""
    result: list[Page] = []
    loose: list[dict] = []

    def flush() -> None:
        if loose:
            result.append(Page(key=loose[0]["linkId"], title="", items=list(loose)))
            loose.clear()

    for item in items:
        if item.get("type") == "group":
            flush()
            flat = [i for i in walk(item.get("item") or []) if i.get("type") != "group"]
            result.append(Page(key=item["linkId"], title=item.get("text", ""), items=flat))
        else:
            loose.append(item)
    flush()
    return result


# ---------------------------------------------------------------------------------- answers


def _resolve_date(bound: str | None, ctx: Context) -> dt.date | None:
    if bound is None:
        return None
    return ctx.today if bound == "today" else dt.date.fromisoformat(bound)


def coerce(item: dict, raw: Any) -> Any:
    """Turn typed (JSON) or text (form) input into the stored shape; None when left empty.
    Raises ValueError with a message fit for the person answering."""
    kind = item["type"]
    if raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []:
        return None
    if kind == "choice":
        values = raw if isinstance(raw, list) else [raw]
        if len(values) > 1 and not item.get("repeats"):
            raise ValueError("Choose one answer.")
        codes = []
        for v in values:
            code = v.get("code") if isinstance(v, dict) else v
            if isinstance(code, bool) or not isinstance(code, (str, int)):
                raise ValueError("Choose one of the answers shown.")
            code = str(code).strip()
            if code not in option_codes(item):
                raise ValueError("Choose one of the answers shown.")
            if code not in codes:
                codes.append(code)
        return codes if item.get("repeats") else codes[0]
    if kind == "integer":
        if isinstance(raw, bool):
            raise ValueError("Enter a whole number.")
        if isinstance(raw, int):
            return raw
        if isinstance(raw, float):
            if raw != raw or raw in (float("inf"), float("-inf")) or raw != int(raw):
                raise ValueError("Enter a whole number.")
            return int(raw)
        text = str(raw).strip()
        if not re.fullmatch(r"[+-]?\d{1,9}", text):
            raise ValueError("Enter a whole number.")
        return int(text)
    if kind == "decimal":
        if isinstance(raw, bool):
            raise ValueError("Enter a number.")
        text = str(raw).strip()
        if not re.fullmatch(r"[+-]?(\d{1,9}(\.\d{0,6})?|\.\d{1,6})", text):
            raise ValueError("Enter a number.")
        return str(Decimal(text).normalize() if "." in text else Decimal(text))
    if kind == "string":
        if not isinstance(raw, str):
            raise ValueError("Enter text.")
        text = raw.strip()
        limit = item.get("maxLength", STRING_MAX)
        if len(text) > limit:
            raise ValueError(f"Keep this to {limit:,} characters.")
        if "\x00" in text:
            raise ValueError("Enter text.")
        return text
    if kind == "boolean":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("true", "yes", "1", "on"):
            return True
        if text in ("false", "no", "0"):
            return False
        raise ValueError("Answer yes or no.")
    if kind == "date":
        if not isinstance(raw, (str, dt.date)):
            raise ValueError("Enter a date (YYYY-MM-DD).")
        try:
            day = raw if isinstance(raw, dt.date) else dt.date.fromisoformat(raw.strip())
        except ValueError:
            raise ValueError("Enter a date (YYYY-MM-DD).") from None
        return day.isoformat()
    raise ValueError("This item takes no answer.")


def _typed(item: dict, value: Any) -> Any:
    kind = item["type"]
    if kind == "decimal":
        return Decimal(value)
    if kind == "date":
        return dt.date.fromisoformat(value)
    return value


def _cond_value(target: dict, cond: dict) -> Any:
    key = next(k for k in cond if k.startswith("answer"))
    value = cond[key]
    if target["type"] == "choice":
        return str(value["code"])
    if target["type"] == "decimal":
        return Decimal(str(value))
    if target["type"] == "date":
        return dt.date.fromisoformat(value)
    return value


def _holds(cond: dict, target: dict, answers: dict) -> bool:
    present = answers.get(target["linkId"]) not in (None, [])
    op = cond["operator"]
    if op == "exists":
        return present == cond["answerBoolean"]
    if not present:
        return op == "!="  # FHIR: != is true when there is no answer
    want = _cond_value(target, cond)
    got = answers[target["linkId"]]
    if target["type"] == "choice":
        codes = got if isinstance(got, list) else [got]
        return (want in codes) if op == "=" else (want not in codes)
    have = _typed(target, got)
    return {
        "=": have == want,
        "!=": have != want,
        ">": have > want,
        "<": have < want,
        ">=": have >= want,
        "<=": have <= want,
    }[op]


def enabled(items: list[dict], answers: dict) -> set[str]:
    """The linkIds of every item that is enabled by these answers (an item under a disabled
    group, or whose enableWhen refers to a disabled question, is disabled too)."""
    by_link = {i["linkId"]: i for i in walk(items)}
    result: set[str] = set()

    def visit(nodes: list[dict], parent_on: bool) -> None:
        for item in nodes:
            on = parent_on
            conditions = item.get("enableWhen") or []
            if on and conditions:
                # answers to disabled questions do not count (they are dropped)
                live = {k: v for k, v in answers.items() if k in result}
                checks = [_holds(c, by_link[c["question"]], live) for c in conditions]
                on = any(checks) if item.get("enableBehavior") == "any" else all(checks)
            if on:
                result.add(item["linkId"])
            visit(item.get("item") or [], on)

    visit(items, True)
    return result


def validate_answers(
    items: list[dict],
    answers: dict,
    ctx: Context,
    *,
    only: Iterable[str] | None = None,
    require_all: bool = True,
) -> dict[str, str]:
    """Messages per linkId for answers that are impossible (wrong type, out of range, a date in
    the future or before birth), contradictory (an answer to a question that does not apply
    given the other answers), or missing (a required question that applies). `only` limits the
    check to those linkIds (one page); answers must already be coerced."""
    questions = answerable(items)
    on = enabled(items, answers)
    scope = set(only) if only is not None else set(questions)
    errors: dict[str, str] = {}
    for link in answers:
        if link not in questions:
            errors[link] = "This questionnaire has no such question."
    for link, item in questions.items():
        if link not in scope:
            continue
        value = answers.get(link)
        present = value not in (None, [])
        if not present:
            if require_all and item.get("required") and link in on:
                errors[link] = "Please answer this question."
            continue
        if link not in on:
            errors[link] = _contradiction(item, items, answers)
            continue
        try:
            again = coerce(item, value if item["type"] != "decimal" else str(value))
        except ValueError as exc:
            errors[link] = str(exc)
            continue
        if again != value:
            errors[link] = "This answer is not in the expected form."
            continue
        message = _range(item, value, ctx)
        if message:
            errors[link] = message
    return errors


def _contradiction(item: dict, items: list[dict], answers: dict) -> str:
    by_link = {i["linkId"]: i for i in walk(items)}
    for cond in item.get("enableWhen") or []:
        target = by_link.get(cond["question"])
        if target is not None:
            got = answers.get(target["linkId"])
            shown = "no answer" if got in (None, []) else _shown(target, got)
            return (
                f"This question does not apply when “{target.get('text', target['linkId'])}” "
                f"is answered {shown}. Change that answer or clear this one."
            )
    return "This question does not apply given your other answers. Clear it."


def _shown(item: dict, value: Any) -> str:
    if item["type"] == "choice":
        codes = value if isinstance(value, list) else [value]
        return ", ".join(f"“{option_display(item, c)}”" for c in codes)
    if item["type"] == "boolean":
        return "“Yes”" if value else "“No”"
    return f"“{value}”"


def _range(item: dict, value: Any, ctx: Context) -> str:
    kind = item["type"]
    if kind in ("integer", "decimal"):
        lo, hi = _bound(item, MIN_VALUE), _bound(item, MAX_VALUE)
        number = _typed(item, value)
        if lo is not None and number < lo or hi is not None and number > hi:
            if lo is not None and hi is not None:
                return f"Enter a number from {lo} to {hi}."
            return f"Enter a number of at least {lo}." if lo is not None else f"Enter at most {hi}."
    if kind == "date":
        day = dt.date.fromisoformat(value)
        lo = _resolve_date(_bound(item, MIN_VALUE), ctx)
        # A date question without maxValue asks about the past (onset, last dose): not later
        # than today.
        hi = _resolve_date(_bound(item, MAX_VALUE), ctx) if ext(item, MAX_VALUE) else ctx.today
        if hi is not None and day > hi:
            if hi == ctx.today:
                return "This date cannot be in the future."
            return f"Enter a date on or before {hi:%b %-d, %Y}."
        if ctx.birth_date is not None and day < ctx.birth_date:
            return "This date is before your date of birth."
        if lo is not None and day < lo:
            return f"Enter a date on or after {lo:%b %-d, %Y}."
    return ""


def drop_disabled(items: list[dict], answers: dict) -> dict:
    """Answers to questions that no longer apply are removed (their page changed upstream)."""
    on = enabled(items, answers)
    return {k: v for k, v in answers.items() if k in on}


def emergencies(items: list[dict], answers: dict) -> list[str]:
    """The linkIds whose (enabled) answer signals an emergency."""
    on = enabled(items, answers)
    found = []
    for link, item in answerable(items).items():
        value = answers.get(link)
        if link not in on or value in (None, []):
            continue
        if item["type"] == "choice":
            codes = value if isinstance(value, list) else [value]
            if any(ext(option(item, c) or {}, EMERGENCY) is True for c in codes):
                found.append(link)
        elif item["type"] == "boolean":
            signal = ext(item, EMERGENCY)
            if isinstance(signal, bool) and value is signal:
                found.append(link)
    return found


def to_fhir_answers(items: list[dict], answers: dict) -> list[dict]:
    """QuestionnaireResponse.item for these answers, nested like the questionnaire's groups."""

    def build(nodes: list[dict]) -> list[dict]:
        out = []
        for item in nodes:
            link = item["linkId"]
            if item.get("type") == "group":
                children = build(item.get("item") or [])
                if children:
                    out.append({"linkId": link, "text": item.get("text", ""), "item": children})
                continue
            value = answers.get(link)
            if item.get("type") not in ANSWER_TYPES or value in (None, []):
                continue
            values = value if isinstance(value, list) else [value]
            key = ANSWER_KEY[item["type"]]
            rendered: list[dict] = []
            for v in values:
                if item["type"] == "choice":
                    coding = dict(option(item, v)["valueCoding"])  # type: ignore[index]
                    rendered.append({key: coding})
                elif item["type"] == "decimal":
                    rendered.append({key: float(Decimal(v))})
                else:
                    rendered.append({key: v})
            entry = {"linkId": link, "answer": rendered}
            if item.get("text"):
                entry["text"] = item["text"]
            out.append(entry)
        return out

    return build(items)
