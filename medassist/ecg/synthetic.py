"""Synthetic ECGs with known answers (for tests and the demo): each wave a Gaussian, so its
tangent-method onset and end are at the centre ∓ 2σ, and every interval is known exactly."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# (offset from R in s, sigma in s, amplitude in mV) of a normal beat's waves.
P = (-0.160, 0.018, 0.15)
Q = (-0.028, 0.008, -0.12)
R = (0.0, 0.010, 1.2)
S = (0.028, 0.008, -0.25)
T = (0.300, 0.045, 0.35)
# A premature ventricular beat: no P wave, a wide QRS and a T wave of opposite polarity.
PVC_QRS = (0.0, 0.030, -1.4)
PVC_T = (0.280, 0.060, 0.45)


@dataclass
class Synthetic:
    signal: np.ndarray
    fs: float
    r_samples: np.ndarray
    pvc_samples: np.ndarray
    pr_ms: float
    qrs_ms: float
    qt_ms: float
    rr_s: float


def expected_intervals() -> tuple[float, float, float]:
    p_on = P[0] - 2 * P[1]
    qrs_on = Q[0] - 2 * Q[1]
    qrs_off = S[0] + 2 * S[1]
    t_end = T[0] + 2 * T[1]
    return (qrs_on - p_on) * 1000, (qrs_off - qrs_on) * 1000, (t_end - qrs_on) * 1000


def make_ecg(
    fs: float = 500.0,
    seconds: float = 30.0,
    hr: float = 72.0,
    *,
    noise_mv: float = 0.0,
    wander_mv: float = 0.0,
    pvc_every: int = 0,
    rr_jitter: float = 0.0,
    seed: int = 1,
    mains_mv: float = 0.0,
) -> Synthetic:
    rng = np.random.default_rng(seed)
    n = int(seconds * fs)
    t = np.arange(n) / fs
    x = np.zeros(n)
    rr = 60.0 / hr
    beats: list[int] = []
    pvcs: list[int] = []
    tr = 0.6
    k = 0
    while tr < seconds - 0.8:
        k += 1
        is_pvc = bool(pvc_every) and k % pvc_every == 0
        waves = [PVC_QRS, PVC_T] if is_pvc else [P, Q, R, S, T]
        for off, sig, amp in waves:
            c = tr + off
            lo, hi = int(max(0, (c - 5 * sig) * fs)), int(min(n, (c + 5 * sig) * fs + 1))
            x[lo:hi] += amp * np.exp(-0.5 * ((t[lo:hi] - c) / sig) ** 2)
        (pvcs if is_pvc else beats).append(int(round(tr * fs)))
        nxt = rr * (1 + rr_jitter * rng.uniform(-1, 1))
        if bool(pvc_every) and (k + 1) % pvc_every == 0:
            nxt *= 0.6  # premature
        elif is_pvc:
            nxt *= 1.4  # compensatory pause
        tr += nxt
    if wander_mv:
        x += wander_mv * np.sin(2 * np.pi * 0.25 * t)
    if mains_mv:
        x += mains_mv * np.sin(2 * np.pi * 50 * t)
    if noise_mv:
        x += rng.normal(0, noise_mv, n)
    pr, qrs, qt = expected_intervals()
    allb = np.array(sorted(beats + pvcs))
    return Synthetic(x, fs, allb, np.array(pvcs), pr, qrs, qt, rr)


# Rough projections of one heart's electrical axis on the 12 leads (sign and size only).
TWELVE_LEAD_GAIN = {
    "I": 0.6, "II": 1.0, "III": 0.45, "aVR": -0.8, "aVL": 0.1, "aVF": 0.7,
    "V1": -0.5, "V2": -0.2, "V3": 0.4, "V4": 1.1, "V5": 1.0, "V6": 0.8,
}


def twelve_lead_csv(*, fs: float = 500.0, seconds: float = 10.0, hr: float = 68.0,
                    seed: int = 1, lead_off: str = "") -> bytes:
    """A 12-lead CSV (lead names on the first row, mV) of one synthetic rhythm; ``lead_off``
    names a lead recorded flat (an electrode that came off)."""
    s = make_ecg(fs=fs, seconds=seconds, hr=hr, noise_mv=0.01, wander_mv=0.05, seed=seed)
    names = list(TWELVE_LEAD_GAIN)
    rows = [",".join(names)]
    for v in s.signal:
        rows.append(",".join(
            "0" if n == lead_off else f"{v * TWELVE_LEAD_GAIN[n]:.4f}" for n in names
        ))
    return ("\n".join(rows) + "\n").encode()
