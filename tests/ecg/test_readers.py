"""Reading WFDB, CSV, HL7 aECG and DICOM recordings, and the ecg-beats command."""

import io
import json
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from medassist.ecg import readers
from medassist.ecg.errors import (
    BadSamplingRate,
    NotAnEcg,
    SamplingRateRequired,
    TruncatedRecord,
    UnknownLead,
)
from tests.ecg.synth import make_ecg

LEADS12 = ["I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"]
SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "ecg"


def write_csv(path: Path, fs=500, leads=("I", "II")) -> np.ndarray:
    s = make_ecg(fs=fs, seconds=12)
    rows = [",".join(leads)]
    for v in s.signal:
        rows.append(",".join(f"{v * (k + 1) / len(leads):.4f}" for k in range(len(leads))))
    path.write_text("\n".join(rows) + "\n")
    return s.r_samples


def write_dicom(path: Path, fs=500, seconds=10, truncate=False) -> np.ndarray:
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid

    s = make_ecg(fs=fs, seconds=seconds)
    data = np.stack([s.signal * (0.5 + k / 12) for k in range(12)], axis=1)
    raw = np.round(data / 0.005).astype("<i2")  # 5 µV per unit
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.9.1.1"  # 12-lead ECG
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.PatientName = "Test^Patient"
    ds.Modality = "ECG"
    group = Dataset()
    group.WaveformOriginality = "ORIGINAL"
    group.NumberOfWaveformChannels = 12
    group.NumberOfWaveformSamples = raw.shape[0]
    group.SamplingFrequency = fs
    group.WaveformBitsAllocated = 16
    group.WaveformSampleInterpretation = "SS"
    channels = []
    for name in LEADS12:
        ch = Dataset()
        src = Dataset()
        src.CodeValue = "x"
        src.CodingSchemeDesignator = "MDC"
        src.CodeMeaning = f"Lead {name}"
        ch.ChannelSourceSequence = [src]
        ch.ChannelSensitivity = "5"
        unit = Dataset()
        unit.CodeValue = "uV"
        unit.CodingSchemeDesignator = "UCUM"
        unit.CodeMeaning = "microvolt"
        ch.ChannelSensitivityUnitsSequence = [unit]
        ch.ChannelSensitivityCorrectionFactor = "1"
        ch.ChannelBaseline = "0"
        ch.WaveformBitsStored = 16
        channels.append(ch)
    group.ChannelDefinitionSequence = channels
    body = raw.tobytes()
    group.WaveformData = body[: len(body) // 2] if truncate else body
    ds.WaveformSequence = [group]
    ds.save_as(path, enforce_file_format=True)
    return s.r_samples


def write_aecg(path: Path, fs=500) -> np.ndarray:
    s = make_ecg(fs=fs, seconds=10)
    seqs = [
        '<component><sequence><code code="TIME_ABSOLUTE"/><value xsi:type="GLIST_TS">'
        f'<head value="20240101120000.000"/><increment value="{1 / fs}" unit="s"/>'
        "</value></sequence></component>"
    ]
    for k, name in enumerate(["I", "II"]):
        digits = " ".join(str(int(round(v * 1000 / 2.5 * (k + 1)))) for v in s.signal)
        seqs.append(
            f'<component><sequence><code code="MDC_ECG_LEAD_{name}"/>'
            '<value xsi:type="SLIST_PQ"><origin value="0" unit="uV"/>'
            f'<scale value="2.5" unit="uV"/><digits>{digits}</digits></value></sequence>'
            "</component>"
        )
    xml = (
        '<AnnotatedECG xmlns="urn:hl7-org:v3" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><component><series>'
        '<code code="RHYTHM"/><component><sequenceSet>' + "".join(seqs) +
        "</sequenceSet></component></series></component></AnnotatedECG>"
    )
    path.write_text(xml)
    return s.r_samples


def write_wfdb(folder: Path, fs=360) -> tuple[Path, np.ndarray]:
    import wfdb

    s = make_ecg(fs=fs, seconds=15)
    sig = np.stack([s.signal, s.signal * 0.7], axis=1)
    wfdb.wrsamp("rec", fs=fs, units=["mV", "mV"], sig_name=["MLII", "V5"], p_signal=sig,
                fmt=["212", "212"], write_dir=str(folder))
    return folder / "rec.hea", s.r_samples


def _close(found, truth, fs):
    return len(found) == len(truth) and all(np.min(np.abs(np.asarray(found) - t)) <= 0.05 * fs
                                            for t in truth)


def test_csv(tmp_path):
    p = tmp_path / "ecg.csv"
    truth = write_csv(p)
    rec = readers.read_path(p, fs=500)
    assert rec.format == "csv" and list(rec.leads) == ["I", "II"] and rec.fs == 500
    name, sig = rec.lead("ii")
    assert name == "II" and sig.size == 6000
    from medassist.ecg.measure import detect_r_peaks

    assert _close(detect_r_peaks(sig, rec.fs), truth, 500)


def test_csv_errors(tmp_path):
    p = tmp_path / "ecg.csv"
    write_csv(p)
    with pytest.raises(SamplingRateRequired):
        readers.read_path(p)
    with pytest.raises(BadSamplingRate):
        readers.read_path(p, fs=5)
    with pytest.raises(UnknownLead):
        readers.read_path(p, fs=500).lead("V7")
    bad = tmp_path / "bad.csv"
    bad.write_text("I,II\n0.1,0.2\n0.1,oops\n")
    with pytest.raises(NotAnEcg, match="oops"):
        readers.read_path(bad, fs=500)
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("I,II\n0.1,0.2\n0.1\n")
    with pytest.raises(TruncatedRecord):
        readers.read_path(ragged, fs=500)
    nohead = tmp_path / "nohead.csv"
    nohead.write_text("0.1,0.2\n0.1,0.3\n")
    with pytest.raises(NotAnEcg):
        readers.read_path(nohead, fs=500)


def test_wfdb_and_truncated_wfdb(tmp_path):
    hea, truth = write_wfdb(tmp_path)
    for path in (hea, tmp_path / "rec"):
        rec = readers.read_path(path)
        assert rec.format == "wfdb" and list(rec.leads) == ["MLII", "V5"] and rec.fs == 360
    dat = tmp_path / "rec.dat"
    dat.write_bytes(dat.read_bytes()[:1000])
    with pytest.raises(TruncatedRecord):
        readers.read_path(hea)
    dat.unlink()
    with pytest.raises(TruncatedRecord, match="missing"):
        readers.read_path(hea)


def test_wfdb_zip_upload(tmp_path):
    import zipfile

    hea, _ = write_wfdb(tmp_path)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.write(hea, "rec.hea")
        zf.write(tmp_path / "rec.dat", "rec.dat")
    rec = readers.read_bytes("rec.zip", buf.getvalue())
    assert rec.format == "wfdb" and rec.lead()[0] == "MLII"


def test_aecg(tmp_path):
    p = tmp_path / "ecg.xml"
    truth = write_aecg(p)
    rec = readers.read_path(p)
    assert rec.format == "aecg" and rec.fs == pytest.approx(500)
    assert list(rec.leads) == ["I", "II"]
    s = make_ecg(fs=500, seconds=10)
    assert np.allclose(rec.leads["I"], s.signal, atol=0.002)
    from medassist.ecg.measure import detect_r_peaks

    assert _close(detect_r_peaks(rec.leads["II"], rec.fs), truth, 500)


def test_xml_that_is_not_an_aecg(tmp_path):
    p = tmp_path / "x.xml"
    p.write_text("<html><body>hello</body></html>")
    with pytest.raises(NotAnEcg, match="AnnotatedECG"):
        readers.read_path(p)
    p.write_text("<AnnotatedECG xmlns='urn:hl7-org:v3'><broken")
    with pytest.raises(NotAnEcg):
        readers.read_path(p)


def test_dicom_twelve_lead(tmp_path):
    p = tmp_path / "ecg.dcm"
    truth = write_dicom(p)
    rec = readers.read_path(p)
    assert rec.format == "dicom" and list(rec.leads) == LEADS12 and rec.fs == 500
    s = make_ecg(fs=500, seconds=10)
    assert np.allclose(rec.leads["I"], s.signal * 0.5, atol=0.005)
    from medassist.ecg.measure import measure_record

    result = measure_record(rec.leads, rec.fs)
    assert result.acceptable and result.hr_bpm == pytest.approx(72, abs=1.5)
    assert _close(result.leads[1].beats, truth, 500)


def test_truncated_dicom(tmp_path):
    p = tmp_path / "ecg.dcm"
    write_dicom(p, truncate=True)
    with pytest.raises(TruncatedRecord):
        readers.read_path(p)


@pytest.mark.parametrize(
    "name,data",
    [
        ("photo.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8),
        ("notes.txt", b"just words without any separators at all"),
        ("empty.csv", b""),
        ("random.bin", bytes(np.random.default_rng(0).integers(0, 256, 3000, dtype=np.uint8))),
    ],
)
def test_files_that_are_not_ecgs(tmp_path, name, data):
    p = tmp_path / name
    p.write_bytes(data)
    with pytest.raises(NotAnEcg):
        readers.read_path(p, fs=500)


def test_ecg_beats_json(tmp_path):
    p = tmp_path / "ecg.csv"
    truth = write_csv(p, fs=250)
    out = io.StringIO()
    call_command("ecg_beats", str(p), "--fs", "250", "--json", "--lead", "II", stdout=out,
                 stderr=io.StringIO())
    body = json.loads(out.getvalue())
    assert list(body) == ["fs", "beats", "hr", "pr_ms", "qrs_ms", "qt_ms", "qtc_ms"]
    assert body["fs"] == 250 and _close(body["beats"], truth, 250)
    assert body["hr"] == pytest.approx(72, abs=1.5)
    assert all(isinstance(body[k], float) for k in ("pr_ms", "qrs_ms", "qt_ms", "qtc_ms"))


def test_ecg_beats_flat_line_prints_nulls(tmp_path):
    p = tmp_path / "flat.csv"
    p.write_text("I\n" + "0\n" * 5000)
    out, err = io.StringIO(), io.StringIO()
    call_command("ecg_beats", str(p), "--fs", "500", "--json", stdout=out, stderr=err)
    body = json.loads(out.getvalue())
    assert body["beats"] == [] and body["hr"] is None and body["qt_ms"] is None
    assert "flat line" in err.getvalue()


def test_ecg_beats_errors(tmp_path):
    p = tmp_path / "ecg.csv"
    write_csv(p)
    with pytest.raises(CommandError, match="sampling rate"):
        call_command("ecg_beats", str(p), "--json")
    with pytest.raises(CommandError, match="no lead"):
        call_command("ecg_beats", str(p), "--fs", "500", "--lead", "V9", "--json")
    with pytest.raises(CommandError, match="No file"):
        call_command("ecg_beats", str(tmp_path / "nope.hea"), "--json")


def test_shared_aecg_against_its_stated_intervals():
    path = SHARED / "hl7_aecg" / "ecg_hl7.xml"
    if not path.exists():
        pytest.skip("shared ECG data absent")
    from medassist.ecg.measure import measure_record

    rec = readers.read_path(path)
    assert len(rec.leads) == 12 and rec.fs == pytest.approx(500)
    m = measure_record(rec.leads, rec.fs)
    assert abs(m.pr_ms - float(rec.meta["stated_pr_ms"])) <= 15
    assert abs(m.qrs_ms - float(rec.meta["stated_qrs_ms"])) <= 20
    assert abs(m.qt_ms - float(rec.meta["stated_qt_ms"])) <= 25


def test_shared_physionet_alarm_record_keeps_only_voltage_channels():
    path = SHARED / "physionet2015_alarms" / "a103l.hea"
    if not path.exists():
        pytest.skip("shared ECG data absent")
    rec = readers.read_path(path)
    assert rec.leads and all(name.upper() not in {"PLETH", "ABP", "RESP"} for name in rec.leads)
