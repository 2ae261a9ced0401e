"""Reading ECG recordings: PhysioNet WFDB, CSV (one column per lead), HL7 aECG XML and
DICOM 12-lead waveforms. Every reader returns a ``Recording`` with the samples of each lead
in millivolts, or raises an ``EcgError`` that says in plain words what is wrong."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from medassist.ecg.errors import (
    EcgError,
    NotAnEcg,
    SamplingRateRequired,
    TruncatedRecord,
    UnknownLead,
)
from medassist.ecg.measure import check_fs

FORMAT_WFDB = "wfdb"
FORMAT_CSV = "csv"
FORMAT_AECG = "aecg"
FORMAT_DICOM = "dicom"
FORMAT_LABELS = {
    FORMAT_WFDB: "PhysioNet WFDB",
    FORMAT_CSV: "CSV",
    FORMAT_AECG: "HL7 aECG",
    FORMAT_DICOM: "DICOM waveform",
}

# Unit multipliers to millivolts.
_TO_MV = {"mv": 1.0, "uv": 1e-3, "µv": 1e-3, "μv": 1e-3, "v": 1000.0, "nv": 1e-6}
MAX_LEADS = 24
MAX_SAMPLES = 10000 * 60 * 60 * 2  # two hours at 10 kHz


@dataclass
class Recording:
    fs: float
    leads: dict[str, np.ndarray]
    format: str
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def duration_s(self) -> float:
        n = max((v.size for v in self.leads.values()), default=0)
        return n / self.fs

    def lead(self, name: str | None = None) -> tuple[str, np.ndarray]:
        """The named lead (case-insensitive) or the first one."""
        if name is None:
            first = next(iter(self.leads))
            return first, self.leads[first]
        for key, value in self.leads.items():
            if key.lower() == name.strip().lower():
                return key, value
        raise UnknownLead(
            f"The recording has no lead {name!r}; its leads are {', '.join(self.leads)}."
        )


def _check(rec: Recording) -> Recording:
    check_fs(rec.fs)
    if not rec.leads:
        raise NotAnEcg("The file holds no ECG leads.")
    if len(rec.leads) > MAX_LEADS:
        raise NotAnEcg(f"The file has {len(rec.leads)} channels; an ECG has at most {MAX_LEADS}.")
    for name, sig in rec.leads.items():
        if sig.size == 0:
            raise TruncatedRecord(f"Lead {name} holds no samples.")
        if sig.size > MAX_SAMPLES:
            raise NotAnEcg("The recording is longer than two hours at 10 kHz.")
    return rec


def _unit_factor(unit: str | None, *, default: float = 1.0) -> float:
    if not unit:
        return default
    key = unit.strip().lower().replace("micro", "u").replace("milli", "m")
    if key in _TO_MV:
        return _TO_MV[key]
    raise NotAnEcg(f"The signal's unit {unit!r} is not a voltage.")


# --------------------------------------------------------------------------- WFDB


def read_wfdb(path: str | Path) -> Recording:
    """A WFDB record: the header path (``.hea``) or the record path without extension."""
    import wfdb

    p = Path(path)
    base = p.with_suffix("") if p.suffix.lower() in {".hea", ".dat", ".mat"} else p
    if not base.with_suffix(".hea").exists():
        raise NotAnEcg(f"No WFDB header {base.with_suffix('.hea').name} was found.")
    try:
        header = wfdb.rdheader(str(base))
    except Exception as exc:  # wfdb raises many kinds of errors on a bad header
        raise NotAnEcg(f"The WFDB header cannot be read: {exc}") from exc
    if not header.n_sig:
        raise NotAnEcg("The WFDB header describes no signals.")
    check_fs(header.fs)
    for fname in set(header.file_name or []):
        if not (base.parent / fname).exists():
            raise TruncatedRecord(f"The WFDB signal file {fname} is missing.")
    try:
        rec = wfdb.rdrecord(str(base), physical=True)
    except Exception as exc:
        raise TruncatedRecord(f"The WFDB signal file cannot be read: {exc}") from exc
    sig = rec.p_signal
    if sig is None or sig.ndim != 2:
        raise NotAnEcg("The WFDB record holds no signal samples.")
    if header.sig_len and sig.shape[0] < header.sig_len:
        raise TruncatedRecord(
            f"The record is truncated: {sig.shape[0]} of {header.sig_len} samples are there."
        )
    leads: dict[str, np.ndarray] = {}
    units = list(rec.units or [])
    for i, name in enumerate(rec.sig_name or []):
        unit = (units[i] if i < len(units) else None) or "mV"
        try:
            factor = _unit_factor(unit)
        except NotAnEcg:
            continue  # a channel that is not a voltage (pressure, respiration, pleth)
        leads[_unique(leads, str(name))] = sig[:, i].astype(float) * factor
    if not leads:
        raise NotAnEcg("The WFDB record has no channel measured in volts: it is not an ECG.")
    meta = {"record": base.name}
    if rec.comments:
        meta["comments"] = " / ".join(rec.comments)[:500]
    return _check(Recording(float(rec.fs), leads, FORMAT_WFDB, meta))


def _unique(existing: dict, name: str) -> str:
    name = name.strip() or f"lead{len(existing) + 1}"
    out, k = name, 2
    while out in existing:
        out, k = f"{name}_{k}", k + 1
    return out


# --------------------------------------------------------------------------- CSV


def read_csv(data: str | bytes | Path, fs: float | None) -> Recording:
    """One column per lead with the lead names on the first row, in millivolts; the sampling
    rate is stated (``fs``). A first column named time/t/sample/index is left out."""
    if fs is None:
        raise SamplingRateRequired("A CSV recording needs its sampling rate (--fs).")
    fs = check_fs(fs)
    if isinstance(data, Path):
        data = data.read_bytes()
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise NotAnEcg("The CSV file is not text.") from exc
    try:
        dialect = csv.Sniffer().sniff(data[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = [r for r in csv.reader(io.StringIO(data), dialect) if any(c.strip() for c in r)]
    if len(rows) < 2:
        raise NotAnEcg("The CSV file has no samples under its header row.")
    header = [h.strip() for h in rows[0]]
    if all(_is_number(h) for h in header):
        raise NotAnEcg("The CSV file's first row must name the leads.")
    time_names = {"time", "t", "sample", "index", "ms", "s", ""}
    skip = {0} if header and header[0].lower() in time_names else set()
    cols = [i for i in range(len(header)) if i not in skip]
    if not cols:
        raise NotAnEcg("The CSV file has no lead columns.")
    values = np.empty((len(rows) - 1, len(cols)))
    for r, row in enumerate(rows[1:], start=2):
        if len(row) < len(header):
            raise TruncatedRecord(
                f"Row {r} of the CSV file has {len(row)} of {len(header)} values."
            )
        for c, i in enumerate(cols):
            cell = row[i].strip()
            if cell == "" or cell.lower() == "nan":
                values[r - 2, c] = np.nan
                continue
            try:
                values[r - 2, c] = float(cell)
            except ValueError as exc:
                raise NotAnEcg(f"Row {r} of the CSV file holds {cell!r}, not a number.") from exc
    leads: dict[str, np.ndarray] = {}
    for c, i in enumerate(cols):
        leads[_unique(leads, header[i])] = values[:, c]
    return _check(Recording(fs, leads, FORMAT_CSV))


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# --------------------------------------------------------------------------- HL7 aECG


_V3 = "{urn:hl7-org:v3}"


def read_aecg(data: bytes | Path) -> Recording:
    """The rhythm series of an HL7 aECG document (the first series; its representative
    beats are not used). Stated interval annotations are kept in ``meta``."""
    from defusedxml import ElementTree

    if isinstance(data, Path):
        data = data.read_bytes()
    try:
        root = ElementTree.fromstring(data)
    except Exception as exc:
        raise NotAnEcg(f"The XML file cannot be parsed: {exc}") from exc
    if root.tag not in {f"{_V3}AnnotatedECG", "AnnotatedECG"}:
        raise NotAnEcg("The XML file is not an HL7 annotated ECG (AnnotatedECG).")
    ns = _V3 if root.tag.startswith(_V3) else ""
    series = root.find(f".//{ns}series")
    if series is None:
        raise NotAnEcg("The aECG document holds no waveform series.")
    fs: float | None = None
    leads: dict[str, np.ndarray] = {}
    path = f"{ns}component/{ns}sequenceSet/{ns}component/{ns}sequence"
    for seq in series.findall(path):
        code = seq.find(f"{ns}code")
        value = seq.find(f"{ns}value")
        if code is None or value is None:
            continue
        c = code.get("code", "")
        if c.startswith("TIME_"):
            inc = value.find(f"{ns}increment")
            if inc is not None:
                step = float(inc.get("value", "0")) * _seconds(inc.get("unit", "s"))
                if step <= 0:
                    raise NotAnEcg("The aECG time increment is not positive.")
                fs = 1.0 / step
            continue
        digits = value.find(f"{ns}digits")
        if digits is None or not (digits.text or "").strip():
            continue
        origin = value.find(f"{ns}origin")
        scale = value.find(f"{ns}scale")
        try:
            raw = np.array((digits.text or "").split(), dtype=float)
            o = float(origin.get("value", "0")) if origin is not None else 0.0
            s = float(scale.get("value", "1")) if scale is not None else 1.0
        except ValueError as exc:
            raise NotAnEcg("The aECG lead samples are not numbers.") from exc
        unit = (scale.get("unit") if scale is not None else None) or "uV"
        name = c.removeprefix("MDC_ECG_LEAD_") or f"lead{len(leads) + 1}"
        leads[_unique(leads, name)] = (raw * s + o) * _unit_factor(unit)
    if fs is None:
        raise NotAnEcg("The aECG series states no sampling interval.")
    if leads:
        n = min(v.size for v in leads.values())
        if max(v.size for v in leads.values()) != n:
            raise TruncatedRecord("The aECG leads have different numbers of samples.")
    meta = {}
    for ann in root.iter(f"{ns}annotation"):
        code = ann.find(f"{ns}code")
        value = ann.find(f"{ns}value")
        if code is None or value is None:
            continue
        m = re.fullmatch(r"MDC_ECG_TIME_PD_(\w+)", code.get("code", ""))
        if m and value.get("value") and f"stated_{m.group(1).lower()}_ms" not in meta:
            meta[f"stated_{m.group(1).lower()}_ms"] = value.get("value", "")
    return _check(Recording(fs, leads, FORMAT_AECG, meta))


def _seconds(unit: str) -> float:
    return {"s": 1.0, "ms": 1e-3, "us": 1e-6}.get(unit.strip().lower(), 1.0)


# --------------------------------------------------------------------------- DICOM


def read_dicom(data: bytes | Path) -> Recording:
    """The first waveform group of a DICOM ECG (12-lead, general or ambulatory ECG)."""
    import pydicom
    from pydicom.errors import InvalidDicomError

    src = io.BytesIO(data.read_bytes() if isinstance(data, Path) else data)
    try:
        ds = pydicom.dcmread(src)
    except (InvalidDicomError, EOFError, OSError, ValueError) as exc:
        raise NotAnEcg(f"The file is not a readable DICOM object: {exc}") from exc
    if "WaveformSequence" not in ds or not ds.WaveformSequence:
        raise NotAnEcg("The DICOM object holds no waveform.")
    group = ds.WaveformSequence[0]
    try:
        fs = float(group.SamplingFrequency)
        n_ch = int(group.NumberOfWaveformChannels)
        n_samples = int(group.NumberOfWaveformSamples)
    except (AttributeError, TypeError, ValueError) as exc:
        raise NotAnEcg("The DICOM waveform lacks its sampling frequency or sizes.") from exc
    check_fs(fs)
    bits = int(getattr(group, "WaveformBitsAllocated", 16))
    raw = bytes(getattr(group, "WaveformData", b""))
    expected = n_ch * n_samples * bits // 8
    if len(raw) < expected:
        raise TruncatedRecord(
            f"The DICOM waveform is truncated: {len(raw)} of {expected} bytes are there."
        )
    try:
        arr = np.asarray(ds.waveform_array(0), dtype=float)
    except Exception as exc:
        raise NotAnEcg(f"The DICOM waveform cannot be decoded: {exc}") from exc
    leads: dict[str, np.ndarray] = {}
    for i, ch in enumerate(group.ChannelDefinitionSequence):
        label = ""
        src_seq = getattr(ch, "ChannelSourceSequence", None)
        if src_seq:
            label = str(getattr(src_seq[0], "CodeMeaning", "") or "")
        label = _dicom_lead_name(label or str(getattr(ch, "ChannelLabel", "")) or f"lead{i + 1}")
        unit = None
        units = getattr(ch, "ChannelSensitivityUnitsSequence", None)
        if units:
            unit = str(getattr(units[0], "CodeValue", "") or "")
        leads[_unique(leads, label)] = arr[:, i] * _unit_factor(unit, default=1e-3)
    meta = {}
    if getattr(ds, "PatientName", None):
        meta["patient_name"] = str(ds.PatientName)
    return _check(Recording(fs, leads, FORMAT_DICOM, meta))


def _dicom_lead_name(label: str) -> str:
    """'Lead I (Einthoven)' -> 'I', 'Lead V1' -> 'V1', 'aVR' stays."""
    m = re.match(r"\s*lead\s+([A-Za-z0-9-]+)", label, re.IGNORECASE)
    return m.group(1) if m else label.strip()


# --------------------------------------------------------------------------- any


def sniff(name: str, head: bytes) -> str:
    """The format of a file from its name and first bytes."""
    lower = name.lower()
    if len(head) >= 132 and head[128:132] == b"DICM" or lower.endswith(".dcm"):
        return FORMAT_DICOM
    if lower.endswith(".hea") or lower.endswith(".zip") or head[:2] == b"PK":
        return FORMAT_WFDB
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<"):
        return FORMAT_AECG
    if lower.endswith((".csv", ".txt", ".tsv")):
        return FORMAT_CSV
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        raise NotAnEcg(
            "The file is not a recognised ECG format (WFDB, CSV, HL7 aECG or DICOM)."
        ) from None
    if "," in text or ";" in text or "\t" in text:
        return FORMAT_CSV
    raise NotAnEcg("The file is not a recognised ECG format (WFDB, CSV, HL7 aECG or DICOM).")


def read_path(path: str | Path, fs: float | None = None) -> Recording:
    """Any supported recording on disk: a WFDB header or record path, CSV (with ``fs``),
    aECG XML or DICOM."""
    p = Path(path)
    if not p.exists():
        if p.with_suffix(".hea").exists() or Path(f"{p}.hea").exists():
            return read_wfdb(p if p.with_suffix(".hea").exists() else Path(f"{p}.hea"))
        raise NotAnEcg(f"No file at {path}.")
    if p.is_dir():
        raise NotAnEcg(f"{path} is a folder, not a recording.")
    with p.open("rb") as fh:
        head = fh.read(4096)
    kind = sniff(p.name, head)
    if kind == FORMAT_WFDB and p.suffix.lower() != ".zip" and head[:2] != b"PK":
        return read_wfdb(p)
    return read_bytes(p.name, p.read_bytes(), fs=fs)


def read_bytes(name: str, data: bytes, fs: float | None = None) -> Recording:
    """A recording uploaded as one file: CSV, aECG XML, DICOM, or a zip of a WFDB record
    (its .hea and signal files)."""
    if not data:
        raise NotAnEcg("The file is empty.")
    kind = sniff(name, data[:4096])
    if kind == FORMAT_DICOM:
        return read_dicom(data)
    if kind == FORMAT_AECG:
        return read_aecg(data)
    if kind == FORMAT_CSV:
        return read_csv(data, fs)
    return _read_wfdb_zip(data)


def _read_wfdb_zip(data: bytes) -> Recording:
    import tempfile

    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise NotAnEcg("A WFDB record is uploaded as a zip of its .hea and .dat files.") from exc
    with zf, tempfile.TemporaryDirectory() as tmp:
        headers = []
        for info in zf.infolist():
            base = Path(info.filename).name
            if info.is_dir() or not base or base.startswith("."):
                continue
            if info.file_size > 200 * 1024 * 1024:
                raise NotAnEcg("A file in the zip is larger than 200 MB.")
            (Path(tmp) / base).write_bytes(zf.read(info))
            if base.lower().endswith(".hea"):
                headers.append(base)
        if len(headers) != 1:
            raise NotAnEcg("The zip must hold exactly one WFDB header (.hea) with its files.")
        try:
            return read_wfdb(Path(tmp) / headers[0])
        except EcgError:
            raise
