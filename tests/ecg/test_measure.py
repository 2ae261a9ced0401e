"""The measurement core on synthetic ECGs with known answers."""

import math

import numpy as np
import pytest

from medassist.ecg import measure
from medassist.ecg.errors import BadSamplingRate, NotAnEcg, TooShort
from tests.ecg.synth import make_ecg


def _matched(found, truth, fs, tol_s=0.05):
    found = np.asarray(found)
    hits = sum(bool(found.size) and np.min(np.abs(found - t)) <= tol_s * fs for t in truth)
    return hits


@pytest.mark.parametrize("fs", [128, 250, 360, 500, 1000])
@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"noise_mv": 0.05, "wander_mv": 0.5},
        {"pvc_every": 4, "noise_mv": 0.03},
        {"rr_jitter": 0.25, "noise_mv": 0.02, "mains_mv": 0.05},
    ],
    ids=["clean", "noise+wander", "pvc", "irregular+mains"],
)
def test_every_beat_found_once(fs, kw):
    s = make_ecg(fs=fs, **kw)
    beats = measure.detect_r_peaks(s.signal, fs)
    assert len(beats) == len(s.r_samples)
    assert _matched(beats, s.r_samples, fs) == len(s.r_samples)
    assert len(s.pvc_samples) == 0 or _matched(beats, s.pvc_samples, fs) == len(s.pvc_samples)


def test_amplitude_change_and_inverted_beats_still_found():
    s = make_ecg(fs=360, seconds=40)
    x = s.signal.copy()
    half = x.size // 2
    x[half:] *= -0.3  # the lead flips and shrinks mid-record
    beats = measure.detect_r_peaks(x, 360)
    assert _matched(beats, s.r_samples, 360, 0.075) >= len(s.r_samples) - 1
    assert len(beats) <= len(s.r_samples) + 1


@pytest.mark.parametrize("fs", [250, 500, 1000])
def test_intervals_of_the_median_beat(fs):
    s = make_ecg(fs=fs, noise_mv=0.02, wander_mv=0.3)
    r = measure.measure_lead(s.signal, fs, "II")
    iv = r.intervals
    assert r.hr_bpm == pytest.approx(72, abs=1.5)
    assert r.rhythm == "regular"
    assert abs(iv.pr_ms - s.pr_ms) <= 25
    assert abs(iv.qrs_ms - s.qrs_ms) <= 12
    assert abs(iv.qt_ms - s.qt_ms) <= 20
    rr = r.rr_ms / 1000
    assert iv.qtc_bazett_ms == pytest.approx(iv.qt_ms / math.sqrt(rr), abs=0.2)
    assert iv.qtc_fridericia_ms == pytest.approx(iv.qt_ms / rr ** (1 / 3), abs=0.2)
    assert r.flags == []


def test_pvcs_are_left_out_of_the_median_beat():
    s = make_ecg(fs=500, pvc_every=4, noise_mv=0.02)
    iv = measure.measure_lead(s.signal, 500).intervals
    assert abs(iv.qrs_ms - s.qrs_ms) <= 12  # not the 150+ ms of the wide beats
    assert abs(iv.qt_ms - s.qt_ms) <= 20


def test_rr_variability_and_regularity():
    regular = measure.measure_lead(make_ecg(fs=250).signal, 250)
    assert regular.sdnn_ms < 5 and regular.rmssd_ms < 5
    irregular = measure.measure_lead(make_ecg(fs=250, rr_jitter=0.35, seed=3).signal, 250)
    assert irregular.rhythm == "irregular"
    assert irregular.sdnn_ms > 40 and irregular.rmssd_ms > 40


def test_heart_rate_follows_the_rate():
    for hr in (45, 110, 160):
        r = measure.measure_lead(make_ecg(fs=500, hr=hr).signal, 500)
        assert r.hr_bpm == pytest.approx(hr, rel=0.03)


def test_flat_line_is_not_measurable():
    r = measure.measure_lead(np.zeros(5000), 500)
    assert r.flags == [measure.FLAG_FLAT]
    assert r.beats == [] and r.hr_bpm is None
    assert r.intervals.qt_ms is None and "qt_ms" in r.intervals.not_measured
    assert list(measure.detect_r_peaks(np.full(5000, 3.0), 500)) == []


def test_lead_off_part_of_the_record_is_flat():
    s = make_ecg(fs=500)
    x = s.signal.copy()
    x[: int(x.size * 0.6)] = 0.0
    assert measure.FLAG_FLAT in measure.measure_lead(x, 500).flags


def test_saturation_flag():
    s = make_ecg(fs=500, wander_mv=1.5)
    clipped = np.clip(s.signal, -0.4, 0.6)
    assert measure.FLAG_SATURATION in measure.measure_lead(clipped, 500).flags


def test_noise_flag_and_noise_only_record_is_unacceptable():
    s = make_ecg(fs=500, noise_mv=0.4)
    assert measure.FLAG_NOISE in measure.measure_lead(s.signal, 500).flags
    noise = np.random.default_rng(0).normal(0, 1, 500 * 20)
    rec = measure.measure_record({"I": noise}, 500)
    assert rec.acceptable is False


def test_record_combines_leads_and_leaves_out_bad_ones():
    s = make_ecg(fs=500, noise_mv=0.02)
    leads = {"I": s.signal, "II": s.signal * 0.8, "V1": np.zeros(s.signal.size)}
    rec = measure.measure_record(leads, 500)
    assert rec.acceptable is False  # V1 is off
    assert rec.leads[2].flags == [measure.FLAG_FLAT]
    assert abs(rec.qt_ms - s.qt_ms) <= 20
    assert rec.hr_bpm == pytest.approx(72, abs=1.5)


@pytest.mark.parametrize("fs", [0, 20, 49.9, 10001, 1e6, float("nan"), float("inf"), "abc"])
def test_absurd_sampling_rate_is_refused(fs):
    with pytest.raises(BadSamplingRate):
        measure.measure_lead(np.zeros(10000), fs)


def test_too_short_and_empty_are_refused():
    with pytest.raises(TooShort):
        measure.measure_lead(make_ecg(fs=500).signal[:1000], 500)
    with pytest.raises(NotAnEcg):
        measure.detect_r_peaks([], 500)


def test_gaps_are_bridged_but_mostly_missing_is_refused():
    s = make_ecg(fs=500)
    x = s.signal.copy()
    x[100:110] = np.nan
    assert len(measure.detect_r_peaks(x, 500)) == len(s.r_samples)
    x[: int(x.size * 0.7)] = np.nan
    with pytest.raises(NotAnEcg):
        measure.detect_r_peaks(x, 500)
