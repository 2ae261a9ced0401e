"""Sending an order to its performing lab from the order screen, through the connection the
clinic admin set up (a file-drop folder or MLLP on a real socket)."""

from __future__ import annotations

import socket

import pytest

from medassist.audit.models import AuditEvent
from medassist.core.errors import PermissionDenied as NotPermitted
from medassist.core.errors import ValidationFailed
from medassist.orders.connections import lab_connection_set, lab_folders
from medassist.orders.errors import AlreadySent, BadTransition
from medassist.orders.hl7 import read_messages
from medassist.orders.models import HL7Message, Order, OrderEvent, Transport
from medassist.orders.outbound import order_send
from medassist.orders.services import specimens_collect
from medassist.orders.transport import FileDrop, MLLPServer


@pytest.fixture
def hl7_dir(tmp_path, settings):
    settings.MEDASSIST_HL7_DIR = tmp_path / "hl7"
    return settings.MEDASSIST_HL7_DIR


def _drawn(ma, order):
    specimens_collect(actor=ma, order=order, site="left antecubital", fasting_confirmed=True)
    return order


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_admin_sets_a_file_drop_and_refuses_bad_settings(clinic_admin, lab, hl7_dir):
    lab_connection_set(actor=clinic_admin, lab=lab, transport="file", drop_folder="quest/west")
    lab.refresh_from_db()
    assert lab.transport == Transport.FILE and lab.drop_folder == "quest/west"
    out, inbox = lab_folders(lab)
    assert out == hl7_dir / "quest/west/out" and out.is_dir() and inbox.is_dir()
    assert AuditEvent.objects.filter(object_id=str(lab.public_id), action="update").exists()
    for folder in ("../etc", "/etc/x", "a/../../b", "", "a b"):
        with pytest.raises(ValidationFailed) as e:
            lab_connection_set(actor=clinic_admin, lab=lab, transport="file", drop_folder=folder)
        assert e.value.field == "drop_folder"
    for host, port in (("", "2575"), ("lab host", "2575"), ("lab.example", "0"), ("x", "abc")):
        with pytest.raises(ValidationFailed):
            lab_connection_set(
                actor=clinic_admin, lab=lab, transport="mllp", mllp_host=host, mllp_port=port
            )
    with pytest.raises(ValidationFailed):
        lab_connection_set(actor=clinic_admin, lab=lab, transport="fax")
    with pytest.raises(ValidationFailed):
        lab_connection_set(actor=clinic_admin, lab=lab, transport="", message_type="ADT^A01")
    lab.refresh_from_db()
    assert lab.drop_folder == "quest/west"  # nothing saved by a refused change


def test_only_the_admin_sets_connections(medical_assistant, physician, lab, hl7_dir):
    for user in (medical_assistant, physician):
        with pytest.raises(NotPermitted):
            lab_connection_set(actor=user, lab=lab, transport="file", drop_folder="q")


def test_setup_screen(client_for, clinic_admin, medical_assistant, lab, hl7_dir):
    admin = client_for(clinic_admin)
    page = admin.get("/orders/labs/")
    assert page.status_code == 200 and lab.name in page.content.decode()
    assert "not connected" in page.content.decode()
    r = admin.post(
        "/orders/labs/",
        {
            "lab": str(lab.public_id),
            "transport": "mllp",
            "mllp_host": "lab.example",
            "mllp_port": "99999",
            "message_type": "OML^O21",
        },
    )
    assert r.status_code == 422 and "between 1 and 65535" in r.content.decode()
    r = admin.post(
        "/orders/labs/",
        {
            "lab": str(lab.public_id),
            "transport": "mllp",
            "mllp_host": "10.0.0.7",
            "mllp_port": "2575",
            "message_type": "ORM^O01",
        },
    )
    assert r.status_code == 302
    assert "MLLP to 10.0.0.7:2575" in admin.get("/orders/labs/").content.decode()
    lab.refresh_from_db()
    assert (lab.mllp_host, lab.mllp_port, lab.message_type) == ("10.0.0.7", 2575, "ORM^O01")
    assert client_for(medical_assistant).get("/orders/labs/").status_code == 403


def test_send_from_the_screen_by_file_drop(
    client_for, clinic_admin, medical_assistant, lipid_order, lab, hl7_dir
):
    ma = client_for(medical_assistant)
    url = f"/orders/{lipid_order.public_id}/"
    page = ma.get(url).content.decode()
    assert "not connected" in page and "Send to lab" in page and 'value="send_lab"' not in page
    lab_connection_set(actor=clinic_admin, lab=lab, transport="file", drop_folder="quest")
    _drawn(medical_assistant, lipid_order)
    assert 'value="send_lab"' in ma.get(url).content.decode()
    r = ma.post(url, {"action": "send_lab"}, follow=True)
    body = r.content.decode()
    row = HL7Message.objects.get(direction="out")
    assert f"control id {row.control_id}" in body and "Sent to" in body
    out, _ = lab_folders(lab)
    (m,) = read_messages((out / f"{row.control_id}.hl7").read_text())
    assert m.type == "OML^O21" and m.control_id == row.control_id
    lipid_order.refresh_from_db()
    assert lipid_order.status == Order.Status.SENT
    assert AuditEvent.objects.filter(action="export", object_id=str(row.public_id)).exists()
    # a second click (a stale page) sends nothing more
    r = ma.post(url, {"action": "send_lab"})
    assert r.status_code == 422 and "already sent" in r.content.decode()
    assert HL7Message.objects.filter(direction="out").count() == 1
    assert len(list(out.iterdir())) == 1
    # re-sent on purpose
    page = ma.get(url).content.decode()
    assert "Send again" in page
    r = ma.post(url, {"action": "resend_lab"}, follow=True)
    assert "Sent again" in r.content.decode()
    assert HL7Message.objects.filter(direction="out").count() == 2
    assert len(list(out.iterdir())) == 2
    assert OrderEvent.objects.filter(order=lipid_order, note__startswith="sent again").exists()


def test_send_while_ordered_when_the_lab_draws(medical_assistant, lipid_order, tmp_path):
    row = order_send(
        actor=medical_assistant, order=lipid_order, transport=FileDrop(tmp_path / "out")
    )
    assert row.state == HL7Message.State.SENT
    lipid_order.refresh_from_db()
    assert lipid_order.status == Order.Status.SENT and lipid_order.sent_at is not None


def test_refusals(medical_assistant, front_desk, lipid_order, tmp_path):
    drop = FileDrop(tmp_path / "out")
    with pytest.raises(NotPermitted):
        order_send(actor=front_desk, order=lipid_order, transport=drop)
    order_send(actor=medical_assistant, order=lipid_order, transport=drop)
    with pytest.raises(AlreadySent):
        order_send(actor=medical_assistant, order=lipid_order, transport=drop)
    lipid_order.status = Order.Status.REVIEWED
    lipid_order.save()
    with pytest.raises(BadTransition):
        order_send(actor=medical_assistant, order=lipid_order, transport=drop, resend=True)
    assert HL7Message.objects.count() == 1


def test_mllp_down_shows_the_error_and_records_nothing(
    client_for, clinic_admin, medical_assistant, lipid_order, lab
):
    port = free_port()  # nobody listens there
    lab_connection_set(
        actor=clinic_admin, lab=lab, transport="mllp", mllp_host="127.0.0.1", mllp_port=port
    )
    _drawn(medical_assistant, lipid_order)
    r = client_for(medical_assistant).post(
        f"/orders/{lipid_order.public_id}/", {"action": "send_lab"}
    )
    body = r.content.decode()
    assert r.status_code == 422 and "could not be sent" in body and "refused" in body.lower()
    lipid_order.refresh_from_db()
    assert lipid_order.status == Order.Status.COLLECTED
    assert not HL7Message.objects.exists()
    assert not OrderEvent.objects.filter(order=lipid_order, status="sent").exists()


def _ack(code: str):
    def handle(data: bytes) -> str:
        (m,) = read_messages(data)
        return (
            f"MSH|^~\\&|LAB|LAB|MEDASSIST|CLINIC|20260101120000||ACK^O21|A{m.control_id}|P|2.5.1"
            f"\rMSA|{code}|{m.control_id}"
        )

    return handle


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("code", ["AA", "AR"])
def test_send_by_mllp_on_localhost(
    client_for, clinic_admin, medical_assistant, lipid_order, lab, code
):
    server = MLLPServer("127.0.0.1", 0, _ack(code))
    server.start()
    try:
        lab_connection_set(
            actor=clinic_admin,
            lab=lab,
            transport="mllp",
            mllp_host="127.0.0.1",
            mllp_port=server.port,
        )
        _drawn(medical_assistant, lipid_order)
        r = client_for(medical_assistant).post(
            f"/orders/{lipid_order.public_id}/", {"action": "send_lab"}, follow=True
        )
    finally:
        server.shutdown()
        server.server_close()
    body = r.content.decode()
    lipid_order.refresh_from_db()
    if code == "AA":
        row = HL7Message.objects.get(direction="out")
        assert row.ack_code == "AA" and f"control id {row.control_id}, acknowledged AA" in body
        assert "MLLP to 127.0.0.1" in body
        assert lipid_order.status == Order.Status.SENT
    else:
        assert "refused the order (AR)" in body
        assert lipid_order.status == Order.Status.COLLECTED
        assert not HL7Message.objects.exists()
