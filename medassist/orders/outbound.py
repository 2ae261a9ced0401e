"""Orders out: OML^O21 (the default) or ORM^O01 for a lab order, built with hl7apy, and the
service that sends one through a transport (orders.transport) and records it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from hl7apy.consts import VALIDATION_LEVEL
from hl7apy.core import Segment

from medassist.audit.models import AuditEvent
from medassist.audit.services import audit_record
from medassist.core.errors import ApplicationError, NotFound
from medassist.orders.errors import AlreadySent, BadTransition
from medassist.orders.hl7 import (
    HL7Error,
    MessageHeader,
    hl7_escape,
    hl7_ts,
    new_message,
    read_messages,
)
from medassist.orders.models import HL7Message, Order, OrderEvent
from medassist.orders.services import lock, new_number, order_mark_sent
from medassist.practice.models import User
from medassist.practice.roles import require

VERSION = "2.5.1"
STRUCTURES = {"OML^O21": ("OML_O21", "OML^O21^OML_O21"), "ORM^O01": ("ORM_O01", "ORM^O01^ORM_O01")}
PRIORITY: dict[str, str] = {
    Order.Priority.ROUTINE: "R",
    Order.Priority.URGENT: "A",
    Order.Priority.STAT: "S",
}


class TransportFailed(ApplicationError):
    code = "hl7_transport_failed"
    status = 502


def _seg(name: str) -> Segment:
    return Segment(name, version=VERSION, validation_level=VALIDATION_LEVEL.TOLERANT)


def build_order_message(
    order: Order, *, message_type: str = "OML^O21", control_id: str = ""
) -> str:
    """The ER7 text of a new-order message for a lab order."""
    if message_type not in STRUCTURES:
        raise ValueError(message_type)
    structure, msh9 = STRUCTURES[message_type]
    p = order.patient
    clinic = order.clinic
    lab = order.lab
    header = MessageHeader(
        sending_app="MEDASSIST",
        sending_facility=clinic.name[:20],
        receiving_app=lab.code if lab else "",
        receiving_facility=lab.code if lab else "",
        version=VERSION,
    )
    m = new_message(structure, msh9, control_id or new_number("M"), timezone.now(), header)
    pid = _seg("PID")
    pid.pid_1 = "1"
    pid.pid_3 = f"{hl7_escape(p.mrn)}^^^{hl7_escape(clinic.mrn_prefix)}^MR"
    pid.pid_5 = f"{hl7_escape(p.last_name)}^{hl7_escape(p.first_name)}"
    pid.pid_7 = p.date_of_birth.strftime("%Y%m%d")
    pid.pid_8 = p.sex if p.sex in ("F", "M", "U") else "U"
    m.add(pid)
    prov = order.ordering_provider
    doctor = f"{prov.npi}^{hl7_escape(prov.last_name)}^{hl7_escape(prov.first_name)}^^^^^^NPI"
    for n, test in enumerate(order.tests.all(), start=1):
        orc = _seg("ORC")
        orc.orc_1 = "NW"
        orc.orc_2 = hl7_escape(order.placer_number)
        orc.orc_9 = hl7_ts(order.signed_at)
        orc.orc_12 = doctor
        m.add(orc)
        if message_type == "OML^O21":
            tq1 = _seg("TQ1")
            tq1.tq1_1 = "1"
            tq1.tq1_9 = PRIORITY[order.priority]
            m.add(tq1)
        obr = _seg("OBR")
        obr.obr_1 = str(n)
        obr.obr_2 = hl7_escape(order.placer_number)
        obr.obr_4 = f"{hl7_escape(test.loinc)}^{hl7_escape(test.name)}^LN"
        obr.obr_16 = doctor
        if message_type == "ORM^O01":
            obr.obr_5 = PRIORITY[order.priority]
        specimens = [s for s in order.specimens.all() if s.tube == test.test.tube]
        if specimens:
            obr.obr_7 = hl7_ts(specimens[0].collected_at)
        m.add(obr)
        if order.diagnosis:
            dg1 = _seg("DG1")
            dg1.dg1_1 = "1"
            dg1.dg1_3 = f"^{hl7_escape(order.diagnosis[:200])}"
            m.add(dg1)
        if message_type == "OML^O21":
            for s in specimens:
                spm = _seg("SPM")
                spm.spm_1 = "1"
                spm.spm_2 = hl7_escape(s.accession)
                spm.spm_4 = f"^{hl7_escape(s.specimen_type)}"
                spm.spm_17 = hl7_ts(s.collected_at)
                m.add(spm)
    return m.to_er7()


REFUSED = ("AE", "AR", "CE", "CR")


@transaction.atomic
def order_send(
    *,
    actor: User,
    order: Order,
    transport,
    message_type: str = "OML^O21",
    resend: bool = False,
) -> HL7Message:
    """Send a lab order to its performing lab: after its specimens are collected, or while
    still *ordered* when the lab draws them. If the transport fails or the lab refuses the
    message, nothing is recorded. An order already sent is only sent again with `resend`.

    The order row stays locked while the message goes out, so a second click waits and then
    finds the order sent."""
    require(actor, "order.manage")
    if order.clinic_id != actor.clinic_id:
        raise NotFound("No such order.")
    lock(order)
    if order.kind != Order.Kind.LAB or order.lab is None:
        raise BadTransition("Only a lab order goes to a lab by HL7.")
    if order.status == Order.Status.SENT:
        if not resend:
            raise AlreadySent(
                f"This order was already sent to {order.lab.name}; use Send again to send it "
                "once more."
            )
    elif order.status in (Order.Status.ORDERED, Order.Status.COLLECTED):
        resend = False
    else:
        raise BadTransition(
            f"This order is {order.get_status_display().lower()}; it cannot be sent."
        )
    control_id = new_number("M")
    text = build_order_message(order, message_type=message_type, control_id=control_id)
    row = HL7Message(
        clinic=order.clinic,
        direction=HL7Message.Direction.OUT,
        control_id=control_id,
        message_type=message_type,
        sending_app="MEDASSIST",
        state=HL7Message.State.SENT,
        order=order,
        patient=order.patient,
        raw=text,
        at=timezone.now(),
    )
    row.stamp(actor)
    row.save()
    note = f"{message_type} {control_id}"
    if resend:
        OrderEvent.objects.create(
            order=order, status=Order.Status.SENT, at=row.at, by=actor, note=f"sent again: {note}"
        )
        order.sent_at = row.at
        order.stamp(actor)
        order.save(update_fields=["sent_at", "updated_at", "updated_by"])
    else:
        order_mark_sent(actor=actor, order=order, note=note)
    try:
        ack = transport.send(text)
    except (OSError, ValueError) as exc:
        raise TransportFailed(
            f"The order could not be sent to {order.lab.name}: {exc}. Nothing was recorded "
            "as sent; try again when the connection is back."
        ) from exc
    if ack:
        try:
            (reply,) = read_messages(ack)[:1]
            msa = reply.first("MSA")
            code = msa.msa_1.to_er7() if msa is not None else ""
        except (HL7Error, ValueError):
            code = ""
        row.ack_code = code[:2]
        if code in REFUSED:
            raise TransportFailed(
                f"{order.lab.name} refused the order ({code}); nothing was recorded as sent."
            )
        row.save(update_fields=["ack_code"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        obj=row,
        patient=order.patient,
        detail={"resend": resend, "control_id": control_id},
    )
    return row
