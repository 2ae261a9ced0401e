"""The R-peak detector against the MIT-BIH expert beat annotations in ../shared/data/ecg/
(150 ms window, beat annotations only). Skipped when the shared data is absent."""

from pathlib import Path

import numpy as np
import pytest

from medassist.ecg.measure import detect_r_peaks

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "ecg"
BEATS = set("NLRBAaJSVrFejnE/fQ?")
# The floor this detector reaches on these records (see docs/ecg.md for the measured values).
FLOOR_SE = 99.5
FLOOR_PPV = 99.5


def _records():
    wfdb = pytest.importorskip("wfdb")
    out = []
    base = DATA / "mitdb_100" / "100"
    if base.with_suffix(".atr").exists():
        rec = wfdb.rdrecord(str(base))
        ann = wfdb.rdann(str(base), "atr")
        ref = np.array([s for s, y in zip(ann.sample, ann.symbol, strict=True) if y in BEATS])
        out.append(("100", rec.p_signal[:, 0], ref, rec.fs))
    for hea in sorted((DATA / "mitdb_subset" / "wfdb").glob("*.hea")):
        csv = DATA / "mitdb_subset" / "annotations_csv" / f"{hea.stem}_all.csv"
        if not csv.exists():
            continue
        rec = wfdb.rdrecord(str(hea.with_suffix("")))
        ref = np.array([int(r.split(",")[1]) for r in csv.read_text().splitlines()[1:] if r])
        out.append((hea.stem, rec.p_signal[:, 0], ref, rec.fs))
    return out


def _match(ref, det, fs):
    tol = 0.15 * fs
    det = np.sort(det)
    used = np.zeros(det.size, bool)
    tp = 0
    for r in ref:
        j = int(np.searchsorted(det, r))
        best = min(
            (k for k in (j - 1, j) if 0 <= k < det.size and not used[k] and abs(det[k] - r) <= tol),
            key=lambda k: abs(det[k] - r),
            default=None,
        )
        if best is not None:
            used[best] = True
            tp += 1
    return tp, ref.size - tp, det.size - tp


def test_mit_bih_sensitivity_and_positive_predictivity():
    if not DATA.is_dir():
        pytest.skip("shared ECG data absent")
    records = _records()
    if not records:
        pytest.skip("no annotated MIT-BIH record in the shared data")
    tp = fn = fp = 0
    for _name, sig, ref, fs in records:
        a, b, c = _match(ref, detect_r_peaks(sig, fs), fs)
        tp, fn, fp = tp + a, fn + b, fp + c
    se = 100 * tp / (tp + fn)
    ppv = 100 * tp / (tp + fp)
    assert se >= FLOOR_SE, f"Se {se:.2f} %"
    assert ppv >= FLOOR_PPV, f"+P {ppv:.2f} %"
