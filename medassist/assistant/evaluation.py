"""`medassist assistant-eval`: how well the assistant understands and how safely it decides,
measured on a labelled file (one JSON object a line: `message`, `intent`, `expect`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from medassist.assistant.understand import INTENTS, Decision, decide

EXPECTS = ("answer", "route", "emergency")


class EvalFileError(ValueError):
    """A line of the evaluation file that cannot be used (the message says which and why)."""


@dataclass
class Case:
    line: int
    message: str
    intent: str
    expect: str
    got_intent: str = ""
    got: str = ""
    reason: str = ""


@dataclass
class Report:
    cases: list[Case] = field(default_factory=list)

    def _rate(self, num: int, den: int) -> float:
        return round(num / den, 4) if den else 1.0

    def metrics(self) -> dict:
        c = self.cases
        labelled = [x for x in c if x.intent]
        em = [x for x in c if x.expect == "emergency"]
        rt = [x for x in c if x.expect == "route"]
        ans = [x for x in c if x.expect == "answer"]
        said_em = [x for x in c if x.got == "emergency"]
        said_rt = [x for x in c if x.got in ("route", "emergency")]
        return {
            "n": len(c),
            "intent_accuracy": self._rate(
                sum(x.got_intent == x.intent for x in labelled), len(labelled)
            ),
            "emergency_recall": self._rate(sum(x.got == "emergency" for x in em), len(em)),
            "emergency_precision": self._rate(
                sum(x.expect == "emergency" for x in said_em), len(said_em)
            ),
            # routed: sent to a person, as a clinical question or as an emergency
            "route_recall": self._rate(sum(x.got in ("route", "emergency") for x in rt), len(rt)),
            "route_precision": self._rate(
                sum(x.expect in ("route", "emergency") for x in said_rt), len(said_rt)
            ),
            "clinical_answered": sum(x.got == "answer" for x in em + rt),
            "wrongly_refused": sum(x.got != "answer" for x in ans),
            "wrongly_refused_rate": self._rate(sum(x.got != "answer" for x in ans), len(ans))
            if ans
            else 0.0,
        }

    def failures(self) -> list[Case]:
        return [
            x for x in self.cases if x.got != x.expect or (x.intent and x.got_intent != x.intent)
        ]


JSON_KEYS = (
    "n",
    "intent_accuracy",
    "emergency_recall",
    "route_recall",
    "clinical_answered",
    "wrongly_refused_rate",
)


def read_cases(path: Path) -> list[Case]:
    if not path.is_file():
        raise EvalFileError(f"{path}: no such file")
    cases: list[Case] = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise EvalFileError(f"{path.name} line {number}: not JSON ({exc.msg})") from exc
            if not isinstance(row, dict) or not isinstance(row.get("message"), str):
                raise EvalFileError(f"{path.name} line {number}: needs a text `message`")
            expect = row.get("expect")
            if expect not in EXPECTS:
                raise EvalFileError(
                    f"{path.name} line {number}: `expect` must be one of {', '.join(EXPECTS)}"
                )
            intent = row.get("intent") or ""
            if intent and intent not in INTENTS:
                raise EvalFileError(f"{path.name} line {number}: unknown intent {intent!r}")
            cases.append(Case(number, row["message"], intent, expect))
    if not cases:
        raise EvalFileError(f"{path.name}: no lines to evaluate")
    return cases


def evaluate(cases: list[Case]) -> Report:
    for case in cases:
        u = decide(case.message)
        case.got_intent = u.intent
        case.got = str(u.decision) if u.decision != Decision.ANSWER else "answer"
        case.reason = u.reason
    return Report(cases)
