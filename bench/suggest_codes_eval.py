"""Measure `medassist suggest-codes` on the English CodiEsp case reports.

    PYTHONPATH=$PWD python bench/suggest_codes_eval.py [--data FILE.jsonl] [--limit N]

Precision and recall at 5 and 10 against the coders' ICD-10-CM diagnosis codes
(`icd10cm_diagnosis_codes`), for the suggester and for a plain title-match baseline in the same
run; micro-averaged over documents (sum of hits / sum of suggestions or gold codes)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medassist.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--data",
        type=Path,
        default=ROOT / ".." / "shared" / "data" / "coding" / "codiesp_en_train_dev.jsonl",
    )
    parser.add_argument("--limit", type=int, default=0, help="only the first N documents")
    parser.add_argument("--split", default="", help="only this split (train or dev)")
    args = parser.parse_args()
    if not args.data.exists():
        sys.exit(f"{args.data} is absent")
    import django

    django.setup()
    from medassist.billing import suggest

    rows = [json.loads(line) for line in args.data.open(encoding="utf-8") if line.strip()]
    if args.split:
        rows = [r for r in rows if r.get("split") == args.split]
    if args.limit:
        rows = rows[: args.limit]
    started = time.perf_counter()
    suggest.dictionary()
    load = time.perf_counter() - started
    stats = {name: {k: [0, 0, 0] for k in (5, 10)} for name in ("suggester", "baseline")}
    times = []
    for row in rows:
        gold = set(row["icd10cm_diagnosis_codes"])
        t0 = time.perf_counter()
        ours = [s.code for s in suggest.suggest(row["text_en"])]
        times.append(time.perf_counter() - t0)
        base = suggest.title_baseline(row["text_en"])
        for name, ranked in (("suggester", ours), ("baseline", base)):
            for k in (5, 10):
                top = ranked[:k]
                s = stats[name][k]
                s[0] += len(set(top) & gold)
                s[1] += len(top)
                s[2] += len(gold)
    print(f"documents: {len(rows)}  dictionary load: {load:.1f} s")
    times.sort()
    print(
        f"suggester time per document: mean {sum(times) / len(times) * 1000:.0f} ms, "
        f"p95 {times[int(len(times) * 0.95) - 1] * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms"
    )
    print("| method | P@5 | R@5 | P@10 | R@10 |")
    print("|---|---|---|---|---|")
    for name, by_k in stats.items():
        cells = []
        for k in (5, 10):
            hits, shown, gold = by_k[k]
            cells += [f"{hits / shown if shown else 0:.3f}", f"{hits / gold if gold else 0:.3f}"]
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
