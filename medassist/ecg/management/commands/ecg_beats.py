import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from medassist.ecg.errors import EcgError
from medassist.ecg.measure import measure_lead
from medassist.ecg.readers import read_path


class Command(BaseCommand):
    help = (
        "R peaks, heart rate and intervals of one lead of an ECG recording: a WFDB header "
        "(or record path), a CSV with --fs, an HL7 aECG XML or a DICOM waveform file."
    )

    def add_arguments(self, parser):
        parser.add_argument("record", type=Path)
        parser.add_argument("--fs", type=float, default=None, help="Sampling rate (Hz) of a CSV.")
        parser.add_argument("--lead", default=None, help="The lead to measure (default: first).")
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args, record: Path, fs, lead, json: bool, **options):
        try:
            rec = read_path(record, fs=fs)
            if fs is not None and rec.format != "csv" and abs(fs - rec.fs) > 1e-6:
                raise CommandError(
                    f"--fs {fs:g} contradicts the {rec.fs:g} Hz stated in the recording."
                )
            name, signal = rec.lead(lead)
            result = measure_lead(signal, rec.fs, name)
        except EcgError as exc:
            raise CommandError(exc.message) from exc
        iv = result.intervals
        body = {
            "fs": rec.fs,
            "beats": result.beats,
            "hr": result.hr_bpm,
            "pr_ms": iv.pr_ms,
            "qrs_ms": iv.qrs_ms,
            "qt_ms": iv.qt_ms,
            "qtc_ms": iv.qtc_bazett_ms,
        }
        reasons = {**result.not_measured, **iv.not_measured}
        if json:
            self.stdout.write(_dumps(body))
        else:
            self.stdout.write(
                f"{record} lead {name}: {rec.fs:g} Hz, {len(result.beats)} beats, "
                f"HR {_fmt(result.hr_bpm, '/min')}, PR {_fmt(iv.pr_ms)}, QRS {_fmt(iv.qrs_ms)}, "
                f"QT {_fmt(iv.qt_ms)}, QTc (Bazett) {_fmt(iv.qtc_bazett_ms)}, "
                f"QTc (Fridericia) {_fmt(iv.qtc_fridericia_ms)}"
            )
            if result.flags:
                self.stdout.write("quality: " + ", ".join(result.flags))
        for key, why in reasons.items():
            self.stderr.write(f"{key}: not measured ({why})")


def _dumps(body: dict) -> str:
    return json.dumps(body)


def _fmt(value, unit: str = " ms") -> str:
    return "not measured" if value is None else f"{value:g}{unit}"
