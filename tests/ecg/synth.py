"""The synthetic ECGs of the tests live in the app (the demo uses them too)."""

from medassist.ecg.synthetic import P, Q, R, S, Synthetic, T, expected_intervals, make_ecg

__all__ = ["P", "Q", "R", "S", "T", "Synthetic", "expected_intervals", "make_ecg"]
