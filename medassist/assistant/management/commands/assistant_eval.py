"""medassist assistant-eval FILE.jsonl [--json]"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from medassist.assistant.evaluation import JSON_KEYS, EvalFileError, evaluate, read_cases


class Command(BaseCommand):
    help = (
        "Measure the assistant on a labelled JSONL file (message, intent, expect = "
        "answer|route|emergency): intent accuracy, routing and emergency recall and precision, "
        "operational requests wrongly refused, and the failures."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--failures", type=int, default=50, help="rows of the failure table")

    def handle(self, *args, **opts):
        try:
            cases = read_cases(Path(opts["file"]))
        except EvalFileError as exc:
            raise CommandError(str(exc)) from exc
        report = evaluate(cases)
        m = report.metrics()
        if opts["json"]:
            self.stdout.write(json.dumps({k: m[k] for k in JSON_KEYS}))
            return
        out = self.stdout.write
        out(f"messages                        {m['n']}")
        out(f"intent accuracy                 {m['intent_accuracy']:.1%}")
        out(f"emergency recall / precision    {m['emergency_recall']:.1%} / {m['emergency_precision']:.1%}")  # noqa: E501
        out(f"routing recall / precision      {m['route_recall']:.1%} / {m['route_precision']:.1%}")
        out(f"clinical questions answered     {m['clinical_answered']}")
        out(f"operational wrongly refused     {m['wrongly_refused']} ({m['wrongly_refused_rate']:.1%})")  # noqa: E501
        failures = report.failures()
        out(f"\nfailures: {len(failures)} (first {min(len(failures), opts['failures'])})")
        if failures:
            out(f"{'line':>5}  {'expect':9} {'got':9} {'intent':17} {'got intent':17} message")
            for f in failures[: opts["failures"]]:
                msg = f.message.replace("\n", " ")[:70]
                out(
                    f"{f.line:>5}  {f.expect:9} {f.got:9} {f.intent or '-':17} "
                    f"{f.got_intent:17} {msg}"
                )
