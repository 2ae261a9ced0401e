"""R-peak accuracy of medassist.ecg.measure against the MIT-BIH expert beat annotations,
side by side with wfdb.processing.XQRS and neurokit2.ecg_peaks, in the same run.

For every annotated MIT-BIH record in ../shared/data/ecg/ (mitdb_100 with its .atr file, and
mitdb_subset's WFDB records with annotations_csv/NNN_all.csv) the first channel is given to
each detector. A detection matches an annotated beat within 150 ms (one to one). Reported
per record and overall: sensitivity Se = TP/(TP+FN), positive predictivity +P = TP/(TP+FP),
and the time each detector took. Then the time to measure a 30-minute two-lead record
(MIT-BIH 100, both leads): ours (detection only, and the full measurement with intervals
and quality flags), XQRS and neurokit2.

Run: PYTHONPATH=$PWD .venv/bin/python bench/ecg_accuracy.py [--ours-only] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "ecg"
BEAT_SYMBOLS = set("NLRBAaJSVrFejnE/fQ?")
TOLERANCE_S = 0.150


def records() -> list[tuple[str, np.ndarray, np.ndarray, float]]:
    """(name, first-channel signal in mV, annotated beat samples, fs) per annotated record."""
    import wfdb

    out = []
    atr = DATA / "mitdb_100" / "100"
    if atr.with_suffix(".atr").exists():
        rec = wfdb.rdrecord(str(atr))
        ann = wfdb.rdann(str(atr), "atr")
        beats = np.array([s for s, sym in zip(ann.sample, ann.symbol, strict=True)
                          if sym in BEAT_SYMBOLS])
        out.append(("100", rec.p_signal[:, 0], beats, float(rec.fs)))
    csv_dir = DATA / "mitdb_subset" / "annotations_csv"
    for hea in sorted((DATA / "mitdb_subset" / "wfdb").glob("*.hea")):
        name = hea.stem
        ann_csv = csv_dir / f"{name}_all.csv"
        if not ann_csv.exists() or name == "100" and out and out[0][0] == "100":
            continue
        rec = wfdb.rdrecord(str(hea.with_suffix("")))
        rows = ann_csv.read_text().splitlines()[1:]
        beats = np.array([int(r.split(",")[1]) for r in rows if r.strip()])
        out.append((name, rec.p_signal[:, 0], beats, float(rec.fs)))
    return out


def match(ref: np.ndarray, det: np.ndarray, fs: float) -> tuple[int, int, int]:
    """(TP, FN, FP): each annotation matched to the nearest free detection within 150 ms."""
    tol = TOLERANCE_S * fs
    det = np.sort(np.asarray(det, dtype=float))
    used = np.zeros(det.size, dtype=bool)
    tp = 0
    for r in np.sort(ref):
        j = int(np.searchsorted(det, r))
        best, best_d = -1, tol + 1
        for k in (j - 2, j - 1, j, j + 1):
            if 0 <= k < det.size and not used[k]:
                d = abs(det[k] - r)
                if d <= tol and d < best_d:
                    best, best_d = k, d
        if best >= 0:
            used[best] = True
            tp += 1
    return tp, ref.size - tp, det.size - tp


def ours(sig: np.ndarray, fs: float) -> np.ndarray:
    from medassist.ecg.measure import detect_r_peaks

    return detect_r_peaks(sig, fs)


def xqrs(sig: np.ndarray, fs: float) -> np.ndarray:
    from wfdb import processing

    return processing.xqrs_detect(sig=sig, fs=fs, verbose=False)


def neurokit(sig: np.ndarray, fs: float) -> np.ndarray:
    import neurokit2 as nk

    clean = nk.ecg_clean(sig, sampling_rate=int(fs))
    _, info = nk.ecg_peaks(clean, sampling_rate=int(fs))
    return np.asarray(info["ECG_R_Peaks"])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ours-only", action="store_true")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    warnings.filterwarnings("ignore")
    if not DATA.is_dir():
        print(f"no data at {DATA}")
        return 1
    sys.path.insert(0, str(ROOT))
    detectors = {"ours": ours} if args.ours_only else {
        "ours": ours, "xqrs": xqrs, "neurokit2": neurokit}
    recs = records()
    for fn in detectors.values():  # warm-up: imports and first calls are not timed
        fn(recs[0][1][:20000], recs[0][3])
    totals = {k: [0, 0, 0, 0.0] for k in detectors}
    rows = []
    print(f"{'record':>6} {'beats':>6} | " + " | ".join(
        f"{k:>9} Se%   +P%   FN   FP   s" for k in detectors))
    for name, sig, ref, fs in recs:
        line = f"{name:>6} {ref.size:>6} | "
        row: dict = {"record": name, "beats": int(ref.size)}
        parts = []
        for key, fn in detectors.items():
            t0 = time.perf_counter()
            det = fn(sig, fs)
            dt = time.perf_counter() - t0
            tp, fn_, fp = match(ref, det, fs)
            t = totals[key]
            t[0] += tp
            t[1] += fn_
            t[2] += fp
            t[3] += dt
            se = 100.0 * tp / max(1, tp + fn_)
            pp = 100.0 * tp / max(1, tp + fp)
            row[key] = {"se": round(se, 2), "ppv": round(pp, 2), "fn": fn_, "fp": fp,
                        "seconds": round(dt, 3)}
            parts.append(f"{'':>9} {se:5.2f} {pp:6.2f} {fn_:4d} {fp:4d} {dt:4.2f}")
        print(line + " | ".join(parts), flush=True)
        rows.append(row)
    summary = {}
    parts = []
    for key, (tp, fn_, fp, dt) in totals.items():
        se = 100.0 * tp / max(1, tp + fn_)
        pp = 100.0 * tp / max(1, tp + fp)
        summary[key] = {"se": round(se, 3), "ppv": round(pp, 3), "fn": fn_, "fp": fp,
                        "seconds": round(dt, 2)}
        parts.append(f"{'':>9} {se:5.2f} {pp:6.2f} {fn_:4d} {fp:4d} {dt:4.1f}")
    print(f"{'all':>6} {sum(r['beats'] for r in rows):>6} | " + " | ".join(parts))

    timing = {}
    two_lead = DATA / "mitdb_100" / "100"
    if two_lead.with_suffix(".hea").exists():
        import wfdb

        from medassist.ecg.measure import measure_record

        rec = wfdb.rdrecord(str(two_lead))
        fs = float(rec.fs)
        minutes = rec.p_signal.shape[0] / fs / 60
        leads = {n: rec.p_signal[:, i] for i, n in enumerate(rec.sig_name)}
        runs = {"ours (R peaks)": lambda: [ours(s, fs) for s in leads.values()],
                "ours (full measurement)": lambda: measure_record(leads, fs)}
        if not args.ours_only:
            runs["xqrs"] = lambda: [xqrs(s, fs) for s in leads.values()]
            runs["neurokit2"] = lambda: [neurokit(s, fs) for s in leads.values()]
        print(f"\n{minutes:.1f}-minute two-lead record (MIT-BIH 100, {rec.sig_name}):")
        for label, run in runs.items():
            best = min(_timed(run) for _ in range(3))
            timing[label] = round(best, 3)
            print(f"  {label:<26} {best:6.3f} s (best of 3)")
    if args.json:
        args.json.write_text(json.dumps({"records": rows, "overall": summary,
                                         "thirty_minutes_two_leads": timing}, indent=2))
    return 0


def _timed(run) -> float:
    t0 = time.perf_counter()
    run()
    return time.perf_counter() - t0


if __name__ == "__main__":
    raise SystemExit(main())
