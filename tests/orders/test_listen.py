"""`medassist hl7-listen`: results arrive by themselves over a real MLLP socket on 127.0.0.1
and through a real drop folder, are filed through the ingest service, answered with ACKs,
logged one line each without PHI, and the command stops on SIGTERM."""

from __future__ import annotations

import io
import os
import signal
import socket
import threading
import time

import pytest
from django.core.management import CommandError, call_command

from medassist.orders.connections import lab_connection_set, lab_folders
from medassist.orders.hl7 import read_messages
from medassist.orders.models import HL7Message
from medassist.orders.transport import MLLPClient
from medassist.records.models import Observation
from tests.orders.samples import oru


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(predicate, timeout=60.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def _oru(order, control_id):
    p = order.patient
    return oru(
        control_id=control_id,
        mrn=p.mrn,
        family=p.last_name,
        given=p.first_name,
        placer=order.placer_number,
    )


@pytest.mark.django_db(transaction=True)
def test_listen_files_mllp_and_folder_and_stops_on_sigterm(
    medical_assistant, clinic_admin, lipid_order, lab, tmp_path, settings
):
    settings.MEDASSIST_HL7_DIR = tmp_path / "hl7"
    lab.drop_folder = "acme"
    lab_out, lab_in = lab_folders(lab)
    folder = tmp_path / "drop"
    port = free_port()
    out = io.StringIO()
    seen: dict = {}

    def lab_side():
        try:
            client = MLLPClient("127.0.0.1", port, timeout=30)
            assert _wait_for(lambda: _connects(port))
            # connected while the listener runs: picked up on its next pass, no restart
            lab_connection_set(actor=clinic_admin, lab=lab, transport="file", drop_folder="acme")
            seen["ack"] = client.send(_oru(lipid_order, "MLLP-1"))
            seen["again"] = client.send(_oru(lipid_order, "MLLP-1"))
            seen["junk"] = client.send("not hl7")
            (folder / "in").mkdir(parents=True, exist_ok=True)
            (folder / "in" / "r2.hl7.tmp").write_text(_oru(lipid_order, "FILE-2"))
            os.replace(folder / "in" / "r2.hl7.tmp", folder / "in" / "r2.hl7")
            (lab_in / "r3.hl7").write_text(_oru(lipid_order, "FILE-3"))
            seen["files"] = _wait_for(
                lambda: (
                    (folder / "out" / "ACK-r2.hl7").exists() and (lab_out / "ACK-r3.hl7").exists()
                )
            )
        finally:
            os.kill(os.getpid(), signal.SIGTERM)

    before = signal.getsignal(signal.SIGTERM)
    thread = threading.Thread(target=lab_side)
    thread.start()
    call_command(
        "hl7_listen",
        "--as",
        medical_assistant.username,
        "--port",
        str(port),
        "--folder",
        str(folder),
        "--labs",
        "--interval",
        "0.2",
        stdout=out,
    )
    thread.join(30)
    assert signal.getsignal(signal.SIGTERM) == before  # the command put the handler back

    (ack,) = read_messages(seen["ack"])
    assert ack.first("MSA").msa_1.to_er7() == "AA"
    assert "AR" in seen["junk"]
    assert seen["files"]
    assert "AA" in (folder / "out" / "ACK-r2.hl7").read_text()
    assert (folder / "in" / "done" / "r2.hl7").exists()
    assert (lab_in / "done" / "r3.hl7").exists()
    assert set(HL7Message.objects.filter(direction="in").values_list("control_id", flat=True)) == {
        "MLLP-1",
        "FILE-2",
        "FILE-3",
    }  # the duplicate filed once
    assert Observation.objects.filter(patient=lipid_order.patient).count() == 9

    lines = [x for x in out.getvalue().splitlines() if "control_id=" in x]
    assert len(lines) == 5  # one per message: 3 filed, 1 duplicate, 1 rejected
    assert sum(" filed " in x for x in lines) == 3
    assert sum(" duplicate " in x for x in lines) == 1
    assert sum(" rejected " in x for x in lines) == 1
    p = lipid_order.patient
    log = out.getvalue()
    for phi in (p.mrn, p.last_name, p.first_name, "19800517", lipid_order.placer_number, "242"):
        assert phi not in log
    assert "stopped after 5 message(s)" in log


def _connects(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def test_listen_refuses_bad_arguments(medical_assistant, front_desk):
    with pytest.raises(CommandError, match="nothing to listen to"):
        call_command("hl7_listen", "--as", medical_assistant.username)
    with pytest.raises(CommandError, match="may not file results"):
        call_command("hl7_listen", "--as", front_desk.username, "--port", "2575")
    with pytest.raises(CommandError, match="No user"):
        call_command("hl7_listen", "--as", "nobody", "--port", "2575")


def test_listen_reports_a_port_in_use(medical_assistant):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        with pytest.raises(CommandError, match="Cannot listen"):
            call_command(
                "hl7_listen", "--as", medical_assistant.username, "--port", str(s.getsockname()[1])
            )
