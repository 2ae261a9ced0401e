"""Measuring an ECG tracing with numpy and scipy only: beats, rate, rhythm regularity,
intervals from a median beat and per-lead signal quality.

Everything here is measurement, never interpretation. A value that cannot be measured is
``None`` with a reason in ``not_measured``; nothing is guessed.

The R-peak detector is a Pan–Tompkins-style energy detector:
  * zero-phase band-pass (5–15 Hz) of the baseline-free signal, derivative, squaring and a
    moving-window integral (the QRS energy);
  * candidate peaks of the energy at least a refractory period (200 ms) apart;
  * adaptive signal and noise levels with the threshold between them, a T-wave test (a
    candidate under 360 ms after a beat with less than half its slope is a T wave), and a
    search-back with half the threshold when no beat came for 1.66 × the recent RR;
  * each detection refined to the largest deflection of the 0.5–40 Hz signal near it.

Intervals come from a median beat of the regular beats: QRS onset and offset where the
slope envelope falls below a fraction of its QRS maximum, P and T waves as the largest
deflections from the isoelectric (PR) level in their windows, P onset where the P wave
rises from that level, T end by the tangent method (steepest descent of the T wave
crossing the isoelectric level).
"""

from __future__ import annotations

import math
import statistics
from dataclasses import asdict, dataclass, field

import numpy as np
from scipy.ndimage import maximum_filter1d, uniform_filter1d
from scipy.signal import butter, find_peaks, sosfiltfilt

from medassist.ecg.errors import BadSamplingRate, NotAnEcg, TooShort

MIN_FS = 50.0
MAX_FS = 10000.0
MIN_SECONDS = 2.5
TH = 0.55  # threshold between the noise and QRS levels
T_SLOPE = 0.5  # a T wave is less than this share of the QRS's slope
SEARCH_BACK = 1.5  # × the recent RR without a beat
SEARCH_BACK_SHARE = 0.4  # of the threshold, for a beat found by searching back
BAND = (8.0, 20.0)  # QRS energy band, Hz
CLOSE_S = 0.3
CLOSE_RATIO = 0.7

# Quality flags (per lead). Names are stable: they are stored and shown.
FLAG_FLAT = "flat"  # lead off or no signal
FLAG_SATURATION = "saturation"  # the amplifier clipped
FLAG_NOISE = "noise"  # high-frequency noise large against the QRS
FLAG_BASELINE = "baseline_wander"  # the baseline moves by more than the QRS is tall
FLAG_NO_BEATS = "no_beats"  # no QRS complexes could be found

FLAG_LABELS = {
    FLAG_FLAT: "Flat line or lead off",
    FLAG_SATURATION: "Signal clipped (saturation)",
    FLAG_NOISE: "High-frequency noise",
    FLAG_BASELINE: "Baseline wander",
    FLAG_NO_BEATS: "No QRS complexes found",
}
# Flags that make a recording technically unacceptable (the MA repeats it).
BLOCKING_FLAGS = frozenset({FLAG_FLAT, FLAG_SATURATION, FLAG_NOISE, FLAG_NO_BEATS})


def check_fs(fs: float) -> float:
    """The sampling rate as a float, or a clear error when it is absurd."""
    try:
        value = float(fs)
    except (TypeError, ValueError) as exc:
        raise BadSamplingRate(f"The sampling rate {fs!r} is not a number.") from exc
    if not math.isfinite(value) or value < MIN_FS or value > MAX_FS:
        raise BadSamplingRate(
            f"A sampling rate of {fs} Hz is not plausible for an ECG "
            f"(expected {MIN_FS:g}–{MAX_FS:g} Hz)."
        )
    return value


def _as_signal(signal, fs: float) -> np.ndarray:
    x = np.asarray(signal, dtype=float).ravel()
    if x.size == 0:
        raise NotAnEcg("The recording holds no samples.")
    if x.size < MIN_SECONDS * fs:
        raise TooShort(
            f"The recording lasts {x.size / fs:.1f} s; at least {MIN_SECONDS:g} s are needed."
        )
    if not np.all(np.isfinite(x)):
        # Gaps (NaN) are bridged by the neighbouring value so that filters stay defined;
        # a signal that is mostly gaps is not an ECG.
        bad = ~np.isfinite(x)
        if bad.mean() > 0.5:
            raise NotAnEcg("More than half of the samples are missing.")
        idx = np.flatnonzero(~bad)
        x = np.interp(np.arange(x.size), idx, x[idx])
    return x


def _sos_band(fs: float, lo: float | None, hi: float | None, order: int = 2):
    nyq = fs / 2.0
    if hi is not None:
        hi = min(hi, 0.45 * fs)
    if lo is not None and hi is not None:
        return butter(order, [lo / nyq, hi / nyq], btype="band", output="sos")
    if lo is not None:
        return butter(order, lo / nyq, btype="high", output="sos")
    assert hi is not None
    return butter(order, hi / nyq, btype="low", output="sos")


def _filt(x: np.ndarray, fs: float, lo: float | None, hi: float | None) -> np.ndarray:
    sos = _sos_band(fs, lo, hi)
    padlen = min(x.size - 1, 3 * int(fs))
    return sosfiltfilt(sos, x, padlen=padlen)


def remove_baseline(x: np.ndarray, fs: float) -> np.ndarray:
    """Baseline wander removed (zero-phase 0.5 Hz high-pass) and noise above 40 Hz cut."""
    return _filt(x, fs, 0.5, 40.0)


# --------------------------------------------------------------------------- detection


def detect_r_peaks(signal, fs: float) -> np.ndarray:
    """Sample indexes of the R peaks of one lead (sorted, unique)."""
    fs = check_fs(fs)
    x = _as_signal(signal, fs)
    if float(np.ptp(x)) == 0.0:
        return np.zeros(0, dtype=int)
    clean = remove_baseline(x, fs)
    return _detect(clean, fs)


def _detect(clean: np.ndarray, fs: float) -> np.ndarray:
    n = clean.size
    bp = _filt(clean, fs, BAND[0], BAND[1])
    deriv = np.gradient(bp) * fs
    abs_d = np.abs(deriv)
    win = max(3, int(round(0.12 * fs)))
    energy = np.maximum(uniform_filter1d(deriv * deriv, win, mode="nearest"), 0.0)
    slope = maximum_filter1d(abs_d, win, mode="nearest")
    refractory = int(round(0.2 * fs))
    t_wave_limit = int(round(0.36 * fs))

    cand, _ = find_peaks(energy, distance=refractory)
    if cand.size == 0:
        return np.zeros(0, dtype=int)
    # Thresholds work on the root of the energy (an rms slope), whose range is narrower.
    heights = np.sqrt(energy[cand])

    # Learning phase: the signal level from the largest candidate of each second of the
    # first eight seconds, the noise level from the smaller candidates there.
    learn = min(n, int(8 * fs))
    sec = max(1, int(fs))
    in_learn = cand < learn
    maxima = [
        float(heights[(cand >= i) & (cand < i + sec)].max())
        for i in range(0, learn - sec + 1, sec)
        if np.any((cand >= i) & (cand < i + sec))
    ] or [float(heights[in_learn].max() if in_learn.any() else heights.max())]
    qrs_buf = list(maxima[-8:])
    level = float(np.median(qrs_buf))
    small = heights[in_learn & (heights < 0.5 * level)]
    noise_buf = [float(v) for v in small[-8:]] if small.size else [0.0]

    beats: list[int] = []
    beat_slopes: list[float] = []
    rr: list[int] = []
    noise_peaks: list[int] = []  # candidate indexes (into cand) rejected since the last beat

    def threshold() -> float:
        q, z = statistics.median(qrs_buf), statistics.median(noise_buf)
        return z + TH * (q - z)

    def accept(k: int) -> None:
        i = int(cand[k])
        if beats:
            rr.append(i - beats[-1])
            del rr[:-8]
        beats.append(i)
        beat_slopes.append(float(slope[i]))
        qrs_buf.append(float(heights[k]))
        del qrs_buf[:-8]

    def rr_mean() -> float:
        return float(statistics.median(rr)) if rr else fs  # 60/min until RR intervals are known

    def search_back(upto: int) -> bool:
        nonlocal noise_peaks
        if not beats or not noise_peaks or upto - beats[-1] <= SEARCH_BACK * rr_mean():
            return False
        last = beats[-1]
        half = SEARCH_BACK_SHARE * threshold()
        options = [
            j for j in noise_peaks
            if cand[j] - last > refractory and heights[j] > half
            and not _is_t_wave(int(cand[j]), last, slope, beat_slopes, t_wave_limit)
        ]
        if not options:
            return False
        best = max(options, key=lambda j: heights[j])
        noise_peaks = [j for j in noise_peaks if j > best]
        accept(best)
        return True

    k = 0
    while k < cand.size:
        i = int(cand[k])
        if search_back(i):
            continue
        h = float(heights[k])
        is_beat = h > threshold() and (not beats or i - beats[-1] > refractory)
        if is_beat and beats and _is_t_wave(i, beats[-1], slope, beat_slopes, t_wave_limit):
            is_beat = False
        if is_beat:
            noise_peaks = []
            accept(k)
        else:
            noise_buf.append(h)
            del noise_buf[:-8]
            noise_peaks.append(k)
        k += 1
    while search_back(n):
        pass
    # The backward T-wave test: a beat followed within the T-wave limit by a complex more
    # than twice as steep was a P wave or an artefact, not a QRS.
    # Two beats closer than 300 ms of which one has clearly less energy: the weaker one is a
    # P wave, a T wave or an artefact.
    close = int(round(CLOSE_S * fs))
    amp = np.sqrt(energy)
    kept: list[int] = []
    for i in beats:
        while kept and (
            (i - kept[-1] < t_wave_limit and slope[kept[-1]] < T_SLOPE * slope[i])
            or (i - kept[-1] < close and amp[kept[-1]] < CLOSE_RATIO * amp[i])
        ):
            kept.pop()
        if kept and (
            (i - kept[-1] < t_wave_limit and slope[i] < T_SLOPE * slope[kept[-1]])
            or (i - kept[-1] < close and amp[i] < CLOSE_RATIO * amp[kept[-1]])
        ):
            continue
        kept.append(i)
    beats = kept

    return _refine(np.asarray(beats, dtype=int), clean, energy, fs)


def _is_t_wave(i: int, last: int, slope: np.ndarray, beat_slopes: list[float], limit: int) -> bool:
    return i - last < limit and bool(beat_slopes) and slope[i] < T_SLOPE * beat_slopes[-1]


def _refine(beats: np.ndarray, clean: np.ndarray, energy: np.ndarray, fs: float) -> np.ndarray:
    """Each detection moved to the largest deflection of the clean signal near it."""
    if beats.size == 0:
        return beats
    half = max(1, int(round(0.09 * fs)))
    n = clean.size
    idx = np.clip(beats[:, None] + np.arange(-half, half + 1)[None, :], 0, n - 1)
    segs = clean[idx]
    dev = np.abs(segs - np.median(segs, axis=1, keepdims=True))
    out = idx[np.arange(beats.size), np.argmax(dev, axis=1)]
    # Two detections refined onto one complex: keep the one with more energy.
    order = np.argsort(out, kind="stable")
    out, beats = out[order], beats[order]
    keep = [0]
    min_gap = int(round(0.2 * fs))
    for m in range(1, out.size):
        if out[m] - out[keep[-1]] < min_gap:
            if energy[beats[m]] > energy[beats[keep[-1]]]:
                keep[-1] = m
        else:
            keep.append(m)
    return out[keep]


# --------------------------------------------------------------------------- intervals


@dataclass
class Intervals:
    pr_ms: float | None = None
    qrs_ms: float | None = None
    qt_ms: float | None = None
    qtc_bazett_ms: float | None = None
    qtc_fridericia_ms: float | None = None
    p_ms: float | None = None
    not_measured: dict[str, str] = field(default_factory=dict)
    # Fiducial points on the median beat, in ms from the R peak (for drawing and checking).
    points_ms: dict[str, float] = field(default_factory=dict)


def median_beat(clean: np.ndarray, beats: np.ndarray, fs: float) -> tuple[np.ndarray, int] | None:
    """The median of the regular beats (RR within 20 % of the median before and after),
    as (samples, index of the R peak), or None when fewer than three beats qualify."""
    if beats.size < 3:
        return None
    rr = np.diff(beats)
    med = float(np.median(rr))
    pre = int(round(min(0.4, 0.75 * med / fs) * fs))
    post = int(round(min(0.7, 0.9 * med / fs) * fs))
    ok = []
    for m in range(1, beats.size - 1):
        b = beats[m]
        if b - pre < 0 or b + post >= clean.size:
            continue
        if abs(rr[m - 1] - med) <= 0.2 * med and abs(rr[m] - med) <= 0.2 * med:
            ok.append(b)
    if len(ok) < 3:
        return None
    stack = np.stack([clean[b - pre : b + post] for b in ok])
    return np.median(stack, axis=0), pre


def delineate(beat: np.ndarray, r: int, fs: float, rr_s: float | None) -> Intervals:
    """PR, QRS, QT and QTc from one median beat whose R peak is at index ``r``."""
    out = Intervals()
    ms = 1000.0 / fs
    n = beat.size
    smooth = uniform_filter1d(beat, max(1, int(round(0.008 * fs))), mode="nearest")
    env = uniform_filter1d(np.abs(np.gradient(smooth)), max(1, int(round(0.016 * fs))),
                           mode="nearest")
    core_lo, core_hi = max(0, r - int(0.1 * fs)), min(n, r + int(0.12 * fs))
    peak = float(env[core_lo:core_hi].max()) if core_hi > core_lo else 0.0
    qrs_amp = float(np.ptp(beat[core_lo:core_hi])) if core_hi > core_lo else 0.0
    if peak <= 0 or qrs_amp <= 0:
        for key in ("pr_ms", "qrs_ms", "qt_ms"):
            out.not_measured[key] = "no QRS complex on the median beat"
        return out
    strong = np.flatnonzero(env[core_lo:core_hi] >= 0.3 * peak) + core_lo
    first, last = int(strong[0]), int(strong[-1])
    on_lo = max(0, r - int(0.2 * fs))
    onset = first
    while onset > on_lo and env[onset] >= 0.08 * peak:
        onset -= 1
    off_hi = min(n - 1, r + int(0.25 * fs))
    offset = last
    while offset < off_hi and env[offset] >= 0.1 * peak:
        offset += 1
    if onset <= on_lo or offset >= off_hi:
        out.not_measured["qrs_ms"] = "QRS onset or end not found"
        out.not_measured["pr_ms"] = "QRS onset not found"
        out.not_measured["qt_ms"] = "QRS onset not found"
        return out
    out.qrs_ms = round((offset - onset) * ms, 1)
    out.points_ms.update({"qrs_on": (onset - r) * ms, "qrs_off": (offset - r) * ms})

    lp = _lowpass_beat(beat, fs, 15.0)
    iso_w = max(1, int(round(0.02 * fs)))
    iso = float(np.median(lp[max(0, onset - iso_w) : onset + 1]))

    # P wave.
    p_lo, p_hi = max(0, onset - int(0.3 * fs)), onset - int(0.03 * fs)
    if p_hi - p_lo < int(0.05 * fs):
        out.not_measured["pr_ms"] = "the beat is too short before the QRS to hold a P wave"
    else:
        seg = lp[p_lo:p_hi] - iso
        pk = int(np.argmax(np.abs(seg)))
        amp = float(seg[pk])
        if abs(amp) < 0.04 * qrs_amp or pk == 0:
            out.not_measured["pr_ms"] = "no P wave found before the QRS"
        else:
            p_peak = p_lo + pk
            # P onset by the tangent method: the steepest rise of the P wave continued back
            # to the isoelectric level; P end likewise on its steepest fall.
            g = np.gradient(lp) * np.sign(amp)
            rise_lo = max(p_lo, p_peak - int(0.1 * fs))
            fall_hi = min(onset, p_peak + int(0.1 * fs))
            p_on = p_end = -1.0
            if p_peak - rise_lo >= 2 and float(g[rise_lo:p_peak].max()) > 0:
                kk = rise_lo + int(np.argmax(g[rise_lo:p_peak]))
                # The level the P wave rises from: the lowest point before its rise.
                base_lo = max(0, kk - int(0.08 * fs))
                before = lp[base_lo : kk + 1] * np.sign(amp)
                p_base = float(before.min()) * np.sign(amp) if before.size else iso
                p_on = kk - (float(lp[kk]) - p_base) / float(np.gradient(lp)[kk])
            if fall_hi - p_peak >= 2 and float(-g[p_peak:fall_hi].min()) > 0:
                kk = p_peak + int(np.argmin(g[p_peak:fall_hi]))
                p_end = kk - (float(lp[kk]) - iso) / float(np.gradient(lp)[kk])
            if not (p_peak - 0.12 * fs < p_on < p_peak):
                out.not_measured["pr_ms"] = "P wave onset not found"
            else:
                if not p_peak < p_end <= onset:
                    p_end = float(onset)
                out.pr_ms = round((onset - p_on) * ms, 1)
                out.p_ms = round((min(p_end, onset) - p_on) * ms, 1)
                out.points_ms.update({"p_on": (p_on - r) * ms, "p_peak": (p_peak - r) * ms})

    # T wave and QT.
    t_lo = offset + int(0.04 * fs)
    limit = 0.6 if rr_s is None else min(0.6, 0.75 * rr_s)
    t_hi = min(n - 1, r + int(limit * fs))
    if t_hi - t_lo < int(0.08 * fs):
        out.not_measured["qt_ms"] = "the beat is too short after the QRS to hold a T wave"
        return out
    seg = lp[t_lo:t_hi] - iso
    pk = int(np.argmax(np.abs(seg)))
    amp = float(seg[pk])
    if abs(amp) < 0.03 * qrs_amp:
        out.not_measured["qt_ms"] = "no T wave found"
        return out
    t_peak = t_lo + pk
    grad = np.gradient(lp)
    desc = grad[t_peak:t_hi] * -np.sign(amp)  # the falling limb, whatever the T polarity
    if desc.size < 3 or float(desc.max()) <= 0:
        out.not_measured["qt_ms"] = "T wave end not found"
        return out
    k = t_peak + int(np.argmax(desc))
    s = float(grad[k])
    t_end = k + (iso - float(lp[k])) / s
    if not (t_peak < t_end <= min(n - 1, t_hi + int(0.1 * fs))):
        out.not_measured["qt_ms"] = "T wave end not found"
        out.points_ms["t_peak"] = (t_peak - r) * ms
        out.points_ms["t_end_rejected"] = (t_end - r) * ms
        return out
    qt = (t_end - onset) * ms
    out.qt_ms = round(qt, 1)
    out.points_ms.update({"t_peak": (t_peak - r) * ms, "t_end": (t_end - r) * ms})
    if rr_s:
        out.qtc_bazett_ms = round(qt / math.sqrt(rr_s), 1)
        out.qtc_fridericia_ms = round(qt / rr_s ** (1.0 / 3.0), 1)
    else:
        out.not_measured["qtc_ms"] = "no RR interval to correct the QT"
    return out


def _lowpass_beat(beat: np.ndarray, fs: float, hi: float) -> np.ndarray:
    if beat.size < 20 or hi >= 0.45 * fs:
        return beat
    sos = _sos_band(fs, None, hi)
    return sosfiltfilt(sos, beat, padlen=min(beat.size - 1, int(0.1 * fs)))


# --------------------------------------------------------------------------- quality


def quality_flags(x: np.ndarray, clean: np.ndarray, beats: np.ndarray, fs: float) -> list[str]:
    """Signal-quality flags of one lead (see FLAG_LABELS)."""
    flags: list[str] = []
    ptp = float(np.ptp(x))
    sec = int(fs)
    flat_share = float(np.mean(np.ptp(_windows(x, sec), axis=1) <= max(1e-9, 1e-3 * ptp)))
    if ptp == 0.0 or flat_share > 0.3 or np.std(clean) < 1e-4 * max(ptp, 1e-12):
        return [FLAG_FLAT]
    hi_v, lo_v = float(x.max()), float(x.min())
    tol = 1e-3 * ptp
    at_rail = (x >= hi_v - tol) | (x <= lo_v + tol)
    if at_rail.mean() > 0.01 and _longest_run(at_rail) >= int(0.04 * fs):
        flags.append(FLAG_SATURATION)
    if beats.size < max(2, int(x.size / fs / 6)):  # fewer than 10 per minute
        flags.append(FLAG_NO_BEATS)
        return flags
    half = max(1, int(0.05 * fs))
    r_amp = float(np.median([np.ptp(clean[max(0, b - half) : b + half]) for b in beats]))
    if fs >= 100:
        hf = x - _filt(x, fs, None, 40.0)
        # Robust rms per second, the worse half of the record.
        rms = np.sqrt(np.mean(_windows(hf, sec) ** 2, axis=1))
        if rms.size and float(np.percentile(rms, 75)) > 0.15 * r_amp:
            flags.append(FLAG_NOISE)
    base = _filt(x, fs, None, 0.7) if x.size > 3 * fs else x
    wander = np.ptp(_windows(base, 2 * sec), axis=1)
    if wander.size and float(np.percentile(wander, 75)) > 1.0 * r_amp:
        flags.append(FLAG_BASELINE)
    return flags


def _windows(x: np.ndarray, size: int) -> np.ndarray:
    """Consecutive non-overlapping windows of ``size`` samples (the tail left out)."""
    count = max(1, x.size // size)
    if x.size < size:
        return x[None, :]
    return x[: count * size].reshape(count, size)


def _longest_run(mask: np.ndarray) -> int:
    if not mask.any():
        return 0
    padded = np.concatenate(([0], mask.astype(np.int8), [0]))
    d = np.diff(padded)
    starts, ends = np.flatnonzero(d == 1), np.flatnonzero(d == -1)
    return int((ends - starts).max())


# --------------------------------------------------------------------------- one lead, many leads


@dataclass
class LeadResult:
    name: str
    fs: float
    beats: list[int]
    hr_bpm: float | None
    rr_ms: float | None
    sdnn_ms: float | None
    rmssd_ms: float | None
    rhythm: str | None  # "regular" / "irregular": regularity of RR, not a diagnosis
    rr_regular_share: float | None
    intervals: Intervals
    flags: list[str]
    not_measured: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict:
        d = asdict(self)
        return d


def measure_lead(signal, fs: float, name: str = "") -> LeadResult:
    """All measurements and quality flags of one lead."""
    fs = check_fs(fs)
    x = _as_signal(signal, fs)
    nm: dict[str, str] = {}
    if float(np.ptp(x)) == 0.0:
        iv = Intervals(not_measured={k: "flat line" for k in ("pr_ms", "qrs_ms", "qt_ms")})
        return LeadResult(name, fs, [], None, None, None, None, None, None, iv, [FLAG_FLAT],
                          {"hr": "flat line"})
    clean = remove_baseline(x, fs)
    beats = _detect(clean, fs)
    flags = quality_flags(x, clean, beats, fs)
    if FLAG_FLAT in flags:
        beats = np.zeros(0, dtype=int)
    hr = rr_ms = sdnn = rmssd = share = None
    rhythm = None
    rr_s = None
    if beats.size >= 3 and FLAG_NO_BEATS not in flags:
        rr = np.diff(beats) / fs * 1000.0
        med = float(np.median(rr))
        rr_ms = round(med, 1)
        rr_s = med / 1000.0
        hr = round(60000.0 / med, 1)
        sdnn = round(float(np.std(rr, ddof=1)), 1) if rr.size > 1 else None
        rmssd = round(float(np.sqrt(np.mean(np.diff(rr) ** 2))), 1) if rr.size > 1 else None
        share = round(float(np.mean(np.abs(rr - med) <= 0.15 * med)), 3)
        rhythm = "regular" if share >= 0.9 else "irregular"
    else:
        nm["hr"] = "fewer than three beats found"
    mb = median_beat(clean, beats, fs) if rr_s else None
    if FLAG_FLAT in flags:
        iv = Intervals(not_measured={k: "flat line" for k in ("pr_ms", "qrs_ms", "qt_ms")})
    elif mb is None:
        reason = "fewer than three regular beats for a median beat"
        iv = Intervals(not_measured={k: reason for k in ("pr_ms", "qrs_ms", "qt_ms")})
    else:
        iv = delineate(mb[0], mb[1], fs, rr_s)
    return LeadResult(name, fs, [int(b) for b in beats], hr, rr_ms, sdnn, rmssd, rhythm, share,
                      iv, flags, nm)


@dataclass
class RecordResult:
    fs: float
    duration_s: float
    leads: list[LeadResult]
    hr_bpm: float | None
    rhythm: str | None
    sdnn_ms: float | None
    rmssd_ms: float | None
    pr_ms: float | None
    qrs_ms: float | None
    qt_ms: float | None
    qtc_bazett_ms: float | None
    qtc_fridericia_ms: float | None
    acceptable: bool
    not_measured: dict[str, str]

    def as_dict(self) -> dict:
        return asdict(self)


def measure_record(signals: dict[str, np.ndarray], fs: float) -> RecordResult:
    """Every lead measured; the record's values are the medians over the leads that could
    be measured (leads with blocking quality flags are left out)."""
    fs = check_fs(fs)
    if not signals:
        raise NotAnEcg("The recording has no leads.")
    leads = [measure_lead(sig, fs, name) for name, sig in signals.items()]
    good = [lead for lead in leads if not (set(lead.flags) & BLOCKING_FLAGS)]
    nm: dict[str, str] = {}

    def med(values: list[float | None], key: str) -> float | None:
        vals = [v for v in values if v is not None]
        if not vals:
            nm[key] = "not measurable on any lead of acceptable quality"
            return None
        return round(float(np.median(vals)), 1)

    hr = med([lead.hr_bpm for lead in good], "hr")
    rhythms = [lead.rhythm for lead in good if lead.rhythm]
    rhythm = max(set(rhythms), key=rhythms.count) if rhythms else None
    n = max(len(np.asarray(s).ravel()) for s in signals.values())
    return RecordResult(
        fs=fs,
        duration_s=round(n / fs, 2),
        leads=leads,
        hr_bpm=hr,
        rhythm=rhythm,
        sdnn_ms=med([lead.sdnn_ms for lead in good], "sdnn_ms"),
        rmssd_ms=med([lead.rmssd_ms for lead in good], "rmssd_ms"),
        pr_ms=med([lead.intervals.pr_ms for lead in good], "pr_ms"),
        qrs_ms=med([lead.intervals.qrs_ms for lead in good], "qrs_ms"),
        qt_ms=med([lead.intervals.qt_ms for lead in good], "qt_ms"),
        qtc_bazett_ms=med([lead.intervals.qtc_bazett_ms for lead in good], "qtc_bazett_ms"),
        qtc_fridericia_ms=med(
            [lead.intervals.qtc_fridericia_ms for lead in good], "qtc_fridericia_ms"
        ),
        acceptable=bool(good) and len(good) == len(leads),
        not_measured=nm,
    )
