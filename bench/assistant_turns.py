"""The assistant's per-turn cost without the optional backend: training time of the intent
classifier, then median and p95 of one understanding turn (safety layer + classifier + entity
extraction, `understand.decide`) over every message of the evaluation set, after one warm-up.

Run: PYTHONPATH=$PWD /work/main/.venv/bin/python bench/assistant_turns.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3, help="passes over the evaluation set")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from medassist.assistant import understand

    started = time.perf_counter()
    import sklearn.feature_extraction.text  # noqa: F401 - import time is not training time
    import sklearn.linear_model  # noqa: F401

    imported = time.perf_counter() - started
    started = time.perf_counter()
    model = understand.train()
    trained = time.perf_counter() - started
    understand.model.cache_clear()
    understand.model()  # the cached model the turns use
    messages = [
        json.loads(line)["message"]
        for line in (understand.DATA / "eval.jsonl").open(encoding="utf-8")
        if line.strip()
    ]
    now = datetime(2026, 12, 3, 10, 0, tzinfo=ZoneInfo("America/New_York"))
    understand.decide("warm up: book me next tuesday", now=now)
    times = []
    for _ in range(args.repeat):
        for message in messages:
            t0 = time.perf_counter()
            understand.decide(message, now=now)
            times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"scikit-learn import: {imported:.2f} s")
    print(f"training: {model.examples} examples in {trained:.2f} s")
    print(
        f"turns: {len(times)} ({len(messages)} messages x {args.repeat}); "
        f"median {statistics.median(times):.2f} ms, p95 {p95:.2f} ms, max {times[-1]:.2f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
