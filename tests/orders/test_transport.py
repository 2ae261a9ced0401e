"""Orders out (OML^O21 / ORM^O01 built with hl7apy) and the two transport adapters."""

from __future__ import annotations

import pytest

from medassist.orders.hl7 import read_messages
from medassist.orders.models import HL7Message, Order
from medassist.orders.outbound import TransportFailed, build_order_message, order_send
from medassist.orders.services import specimens_collect
from medassist.orders.transport import FileDrop, MLLPClient, MLLPServer, ingest_handler
from medassist.records.models import Observation
from tests.orders.samples import oru


@pytest.mark.parametrize("kind", ["OML^O21", "ORM^O01"])
def test_order_message_round_trips(kind, medical_assistant, lipid_order):
    specimens_collect(
        actor=medical_assistant, order=lipid_order, site="L arm", fasting_confirmed=True
    )
    (m,) = read_messages(build_order_message(lipid_order, message_type=kind, control_id="C1"))
    assert m.type == kind and m.control_id == "C1"
    assert m.patient_ids == [lipid_order.patient.mrn]
    obr = m.first("OBR")
    assert obr.obr_2.to_er7() == lipid_order.placer_number
    assert obr.obr_4.to_er7().startswith("57698-3^Lipid panel^LN")
    assert bool(m.first("SPM")) == (kind == "OML^O21")


def test_file_drop_send_and_poll(tmp_path, medical_assistant, lipid_order):
    out, inbox = tmp_path / "out", tmp_path / "in"
    drop = FileDrop(out, inbox)
    row = order_send(actor=medical_assistant, order=lipid_order, transport=drop)
    assert row.direction == HL7Message.Direction.OUT
    assert (out / f"{row.control_id}.hl7").read_text().startswith("MSH|")
    lipid_order.refresh_from_db()
    assert lipid_order.status == Order.Status.SENT
    inbox.mkdir()
    p = lipid_order.patient
    (inbox / "r1.hl7").write_text(
        oru(
            mrn=p.mrn,
            family=p.last_name,
            given=p.first_name,
            dob="19800517",
            placer=lipid_order.placer_number,
        )
    )
    (inbox / "junk.hl7").write_bytes(b"\x00junk")
    assert drop.poll(ingest_handler(medical_assistant)) == 2
    assert Observation.objects.filter(patient=p).count() == 3
    assert (out / "ACK-r1.hl7").read_text().startswith("MSH|")
    assert "AR" in (out / "ACK-junk.hl7").read_text()
    assert sorted(x.name for x in (inbox / "done").iterdir()) == ["junk.hl7", "r1.hl7"]


class Broken:
    def send(self, text):
        raise ConnectionRefusedError("connection refused")


def test_transport_failure_records_nothing(medical_assistant, lipid_order):
    with pytest.raises(TransportFailed):
        order_send(actor=medical_assistant, order=lipid_order, transport=Broken())
    lipid_order.refresh_from_db()
    assert lipid_order.status == Order.Status.ORDERED
    assert not HL7Message.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_mllp_on_localhost(medical_assistant, lipid_order):
    server = MLLPServer("127.0.0.1", 0, ingest_handler(medical_assistant))
    server.start()
    try:
        client = MLLPClient("127.0.0.1", server.port, timeout=30)
        p = lipid_order.patient
        ack = client.send(
            oru(
                mrn=p.mrn,
                family=p.last_name,
                given=p.first_name,
                dob="19800517",
                placer=lipid_order.placer_number,
            )
        )
        (m,) = read_messages(ack)
        assert m.type.startswith("ACK") and m.first("MSA").msa_1.to_er7() == "AA"
        assert Observation.objects.filter(patient=p).count() == 3
        bad = client.send("not hl7 at all")
        assert "AR" in bad
    finally:
        server.shutdown()
        server.server_close()
