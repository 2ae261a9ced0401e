"""Routing of real consumer health questions: every MeQSum message, and a sample of MedQuAD
questions, from ../shared/data/chat/ (not in the repository). None may be answered.

Run: PYTHONPATH=$PWD /work/main/.venv/bin/python bench/assistant_real_questions.py [--sample 2000]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHAT = ROOT / ".." / "shared" / "data" / "chat"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sample", type=int, default=2000, help="MedQuAD questions to sample")
    parser.add_argument("--show", type=int, default=10, help="answered messages to print")
    args = parser.parse_args()
    if not CHAT.is_dir():
        print(f"{CHAT} is absent: nothing to measure")
        return 0
    sys.path.insert(0, str(ROOT))
    from medassist.assistant.understand import decide

    sets: dict[str, list[str]] = {}
    meqsum = CHAT / "meqsum_consumer_questions.jsonl"
    if meqsum.is_file():
        with meqsum.open(encoding="utf-8") as fh:
            sets["meqsum (all)"] = [json.loads(line)["message"] for line in fh if line.strip()]
    medquad = CHAT / "medquad_questions.csv.gz"
    if medquad.is_file():
        with gzip.open(medquad, "rt", encoding="utf-8") as fh:
            questions = sorted({row["question"] for row in csv.DictReader(fh)})
        random.Random(14).shuffle(questions)
        sets[f"medquad (sample of {min(args.sample, len(questions))})"] = questions[: args.sample]
    failed = 0
    for name, messages in sets.items():
        decisions = Counter()
        answered = []
        for message in messages:
            u = decide(message)
            decisions[str(u.decision)] += 1
            if u.decision == "answer":
                answered.append(message)
        failed += len(answered)
        print(
            f"{name}: {len(messages)} messages; routed {decisions['route']}, "
            f"escalated {decisions['emergency']}, answered {decisions['answer']}"
        )
        for message in answered[: args.show]:
            print("   answered:", message.replace("\n", " ")[:160])
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
