"""Reading HL7 v2 with hl7apy: what parses, what is refused (with the fault and the segment),
and the `hl7-check` command's JSON contract."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from medassist.orders.hl7 import HL7Error, build_ack, check_file, read_messages
from tests.orders.samples import oru

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "hl7v2"


def summary(data):
    (m,) = read_messages(data)
    return m.summary("x")


def test_oru_summary():
    s = summary(oru())
    assert s == {
        "file": "x",
        "type": "ORU^R01",
        "control_id": "CTRL-1",
        "patient_ids": ["MF000001", "999-99-9999"],
        "results": 3,
    }


@pytest.mark.parametrize("sep", ["\r", "\n", "\r\n"])
def test_any_segment_separator(sep):
    assert summary(oru(sep=sep))["results"] == 3


def test_mllp_framing_bom_and_latin1():
    framed = b"\x0b" + oru().encode() + b"\x1c\r"
    assert summary(framed)["control_id"] == "CTRL-1"
    assert summary(b"\xef\xbb\xbf" + oru().encode())["results"] == 3
    latin = oru(family="Mu\xf1oz").encode("latin-1")  # not UTF-8
    (m,) = read_messages(latin)
    assert m.first("PID") is not None and "Muñoz" in m.er7


@pytest.mark.parametrize("version", ["2.3", "2.4", "2.5", "2.6", "2.8", "2.9", ""])
def test_any_v2_version(version):
    assert summary(oru(version=version))["type"] == "ORU^R01"


def test_segment_newer_than_the_message_version_is_read():
    text = oru(version="2.5.1").replace("ORC|", "PRT|1|AD||OP^Ordering^HL70912|1^Osler\rORC|", 1)
    assert summary(text)["results"] == 3


def test_batch_with_two_messages():
    body = (
        "FHS|^~\\&|LAB\rBHS|^~\\&|LAB\r"
        + oru(control_id="A")
        + oru(control_id="B")
        + "BTS|2\rFTS|1\r"
    )
    msgs = read_messages(body)
    assert [m.control_id for m in msgs] == ["A", "B"]


@pytest.mark.parametrize(
    "data, words",
    [
        (b"", "empty"),
        (b"hello world\nthis is not hl7", "No MSH"),
        (b"\x00\x01\x02\xff\xfe\x00garbage", "binary"),
        ("PID|1||X\r" + oru(), "before the first MSH"),
        ("MSH||ACME|X||||ORU^R01|1|P|2.5\r", "encoding characters"),
        ("MSH|^~|ACME|X||||ORU^R01|1|P|2.5\r", "encoding character"),
        ("MSH", "field separator"),
        (oru().replace("ORU^R01^ORU_R01", ""), "MSH-9"),
        (oru().replace("|CTRL-1|", "||"), "MSH-10"),
        (oru(version="3.0"), "MSH-12"),
        (oru().replace("OBR|1", "obr#1"), "not an HL7 segment"),
    ],
)
def test_refusals_name_the_fault(data, words):
    with pytest.raises(HL7Error) as exc:
        read_messages(data)
    assert words in str(exc.value)


def test_check_file_never_raises(tmp_path):
    junk = tmp_path / "junk.hl7"
    junk.write_bytes(bytes(range(256)) * 3)
    (row,) = check_file(str(junk))
    assert set(row) == {"file", "error"}
    (row,) = check_file(str(tmp_path / "missing.hl7"))
    assert "cannot be read" in row["error"]
    (row,) = check_file(str(tmp_path))
    assert "directory" in row["error"]


def test_ack_built_with_hl7apy():
    (m,) = read_messages(oru())
    from datetime import UTC, datetime

    ack = build_ack(m, code="AE", text="No such patient", control_id="ACK1", when=datetime.now(UTC))
    (parsed,) = read_messages(ack)
    assert parsed.type == "ACK^R01"
    msa = parsed.first("MSA")
    assert msa is not None and msa.msa_1.to_er7() == "AE" and msa.msa_2.to_er7() == "CTRL-1"
    assert parsed.first("ERR") is not None


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "medassist", "hl7-check", *args],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )


def test_cli_json_lines_and_exit_code(tmp_path):
    good = tmp_path / "good.hl7"
    good.write_text(oru())
    bad = tmp_path / "bad.hl7"
    bad.write_text(oru().replace("|CTRL-1|", "||"))
    done = run_cli(str(good), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["results"] == 3
    done = run_cli(str(good), str(bad), "--json")
    assert done.returncode != 0
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert rows[0]["control_id"] == "CTRL-1"
    assert rows[1]["file"] == str(bad) and "MSH-10" in rows[1]["error"]
    assert "Traceback" not in done.stderr


def test_conformance_shared_messages():
    folder = SHARED / "microsoft"
    if not folder.is_dir():
        pytest.skip("shared HL7 v2 samples not present")
    files = sorted(p for p in folder.iterdir() if p.suffix == ".hl7")
    assert files
    for path in files:
        rows = check_file(str(path))
        for row in rows:
            assert "error" not in row, (path.name, row)
            assert row["type"] and row["control_id"]
            if row["type"].startswith(("ORU", "OML", "ORM")):
                assert row["patient_ids"], path.name
